import Foundation
import MGovCore

/// Group commit for servers: many concurrent requests' audit events go into the log in one
/// transaction (one fsync), and each request resumes only when its event is durable.
///
/// A server that appended one event per transaction would be bound by fsyncs (a few hundred a
/// second), and one that blocked its event-loop threads while waiting would serialise its
/// requests. Here callers `await`; one dedicated thread takes whatever is queued, appends it
/// (at most `maximumBatch` events at a time) and resumes the waiters with the outcome.
///
/// One exception, for the latency of a quiet server: an event-loop caller (`record(_:done:)`) whose
/// event is the first for `quietInterval` commits it itself, before `record` returns. That saves two
/// thread wake-ups (the committing thread's, then the event loop's), each of which cost a sleeping
/// virtual CPU a few hundred microseconds. Under load events come closer together and all go to the
/// thread: a loop committing its own events then stood still through every fsync (a fifth less
/// throughput with 32 proxied connections, when it did so whenever the queue was empty).
public final class GroupCommitLog: @unchecked Sendable {
    // @unchecked: `queue`, `committing` and `lastEvent` are guarded by `condition`; `frontier` is
    // touched only by whoever set `committing`; the thread is started once.
    public let log: AuditLog
    let clock: Clock
    public static let maximumBatch = 1000
    /// How long the log must have had no event for a caller to commit its own.
    static let quietInterval: UInt64 = 2_000_000  // nanoseconds
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var committing = false
    private var lastEvent: UInt64 = 0
    /// The tree's frontier after the last committed batch (nil: read it from the store).
    private var frontier: MerkleFrontier?
    private typealias Item = (event: LogEvent, done: @Sendable ((any Error)?) -> Void)

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
            enqueue(entry, done: { error in if let error { done.resume(throwing: error) } else { done.resume() } }, mayCommitHere: false)
        }
    }

    /// Appends `event` durably and calls `done` with nil once it is, or with the error that kept it
    /// out: on the log's thread, or before returning when the log was quiet (see above). For callers
    /// that must not wait in a task: an event-loop server's. Throws (and does not call `done`) when
    /// the event itself is malformed.
    public func record(_ event: AuditEvent, done: @escaping @Sendable ((any Error)?) -> Void) throws {
        enqueue(try LogEvent(event), done: done, mayCommitHere: true)
    }

    private func enqueue(_ entry: LogEvent, done: @escaping @Sendable ((any Error)?) -> Void, mayCommitHere: Bool) {
        let now = DispatchTime.now().uptimeNanoseconds
        condition.lock()
        let quiet = now &- lastEvent >= Self.quietInterval
        lastEvent = now
        guard mayCommitHere, quiet, queue.isEmpty, !committing else {
            queue.append((entry, done))
            condition.signal()
            condition.unlock()
            return
        }
        committing = true
        condition.unlock()
        commit([(entry, done)])
        condition.lock()
        committing = false
        if !queue.isEmpty { condition.signal() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty || committing { condition.wait() }
            let batch = Array(queue.prefix(Self.maximumBatch))
            queue.removeFirst(batch.count)
            committing = true
            condition.unlock()
            commit(batch)
            condition.lock()
            committing = false
            condition.unlock()
        }
    }

    /// Appends a batch in one transaction and tells each waiter; only the holder of `committing` calls it.
    private func commit(_ batch: [Item]) {
        do {
            frontier = try log.append(batch.map(\.event), loggedAt: clock.now(), after: frontier).frontier
            for item in batch { item.done(nil) }
        } catch {
            frontier = nil
            for item in batch { item.done(error) }
        }
    }
}
