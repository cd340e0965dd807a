import Foundation
import GRDB
import MGovCore

/// An audit log that cannot take an event inside a store transaction (full, or failing as a crash
/// would), while events written on their own still arrive. A change that logs its event after its
/// own commit gets through it; one that logs inside the transaction that makes it does not.
public final class TransactionRefusingSink: AuditSink, @unchecked Sendable {
    public struct Refused: Error, CustomStringConvertible {
        public var description: String { "the audit log took no event" }
    }

    private let lock = NSLock()
    private var kept: [AuditEvent] = []

    public init() {}

    public func record(_ event: AuditEvent) throws { lock.withLock { kept.append(event) } }
    public func record(_ events: [AuditEvent], in db: Database) throws { throw Refused() }

    /// The events written on their own.
    public var events: [AuditEvent] { lock.withLock { kept } }
}
