import Foundation
import MGovCore

/// Group commit for servers: many concurrent requests' audit events go into the log in one
/// transaction (one fsync), and each request resumes only when its event is durable.
///
/// A server that appended one event per transaction would be bound by fsyncs (a few hundred a
/// second), and one that blocked its event-loop threads while waiting would serialise its
/// requests. Here callers `await`; one dedicated thread takes whatever is queued, appends it
/// (at most `maximumBatch` events at a time) and resumes the waiters with the outcome.
public final class GroupCommitLog: @unchecked Sendable {
    // @unchecked: `queue` is guarded by `condition`; the thread is started once.
    public let log: AuditLog
    let clock: Clock
    public static let maximumBatch = 1000
    private let condition = NSCondition()
    private var queue: [(event: LogEvent, done: @Sendable ((any Error)?) -> Void)] = []

    public init(log: AuditLog, clock: Clock) {
        self.log = log
        self.clock = clock
        // The thread holds the log for the life of the process (a server's).
        let thread = Thread { [self] in self.run() }
        thread.name = "mgov.log.group-commit"
        thread.start()
    }

    /// Appends `event` durably, together with whatever else is waiting.
    public func record(_ event: AuditEvent) async throws {
        let entry = try LogEvent(event)
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            enqueue(entry) { error in if let error { done.resume(throwing: error) } else { done.resume() } }
        }
    }

    /// Appends `event` durably and calls `done` (on the log's thread) with nil once it is, or with the
    /// error that kept it out. For callers that must not wait in a task: an event-loop server's.
    /// Throws (and does not call `done`) when the event itself is malformed.
    public func record(_ event: AuditEvent, done: @escaping @Sendable ((any Error)?) -> Void) throws {
        enqueue(try LogEvent(event), done)
    }

    private func enqueue(_ entry: LogEvent, _ done: @escaping @Sendable ((any Error)?) -> Void) {
        condition.lock()
        queue.append((entry, done))
        condition.signal()
        condition.unlock()
    }

    private func run() {
        // The tree's frontier after the last committed batch (nil: read it from the store).
        var frontier: MerkleFrontier?
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let batch = Array(queue.prefix(Self.maximumBatch))
            queue.removeFirst(batch.count)
            condition.unlock()
            do {
                frontier = try log.append(batch.map(\.event), loggedAt: clock.now(), after: frontier).frontier
                for item in batch { item.done(nil) }
            } catch {
                frontier = nil
                for item in batch { item.done(error) }
            }
        }
    }
}
