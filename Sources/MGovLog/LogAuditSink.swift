import Foundation
import GRDB
import MGovCore

/// The audit sink every command writes through: each event becomes one entry
/// of the tamper-evident log, durably, before the command reports success.
public struct LogAuditSink: AuditSink {
    public let log: AuditLog
    public let clock: Clock

    public init(log: AuditLog, clock: Clock) {
        self.log = log
        self.clock = clock
    }

    public func record(_ event: AuditEvent) throws {
        try log.append([try LogEvent(event)], loggedAt: clock.now())
    }

    /// `db` must be a write transaction on the log's own store.
    public func record(_ events: [AuditEvent], in db: Database) throws {
        guard !events.isEmpty else { return }
        _ = try AuditLog.append(try events.map(LogEvent.init), logged: Timestamp.format(clock.now()), in: db)
    }
}
