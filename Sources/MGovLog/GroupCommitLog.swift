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
    private var queue: [(event: LogEvent, done: CheckedContinuation<Void, any Error>)] = []

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
            condition.lock()
            queue.append((entry, done))
            condition.signal()
            condition.unlock()
        }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let batch = Array(queue.prefix(Self.maximumBatch))
            queue.removeFirst(batch.count)
            condition.unlock()
            do {
                try log.append(batch.map(\.event), loggedAt: clock.now())
                for item in batch { item.done.resume() }
            } catch {
                for item in batch { item.done.resume(throwing: error) }
            }
        }
    }
}
