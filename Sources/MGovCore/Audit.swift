import Foundation
import GRDB

/// A value of an audit event field: MLog keeps every field as a string, and any
/// field may hold an array.
public enum AuditValue: Sendable, Equatable, Codable {
    case string(String)
    case array([String])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let s = try? container.decode(String.self) { self = .string(s); return }
        self = .array(try container.decode([String].self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        }
    }
}

/// One audit event in MLog's shape: `event_type` (`System.X.Y`), `event_time`,
/// and any of MLog's optional fields (`user`, `subject`, `legal_basis`, ...).
public struct AuditEvent: Sendable, Equatable {
    public var type: String
    public var time: Date
    public var fields: [String: AuditValue]

    public init(type: String, time: Date, fields: [String: AuditValue] = [:]) {
        self.type = type
        self.time = time
        self.fields = fields
    }

    /// An event with these string fields (nil values are left out).
    public init(_ type: String, at time: Date, _ fields: [String: String?]) {
        self.init(type: type, time: time)
        for (name, value) in fields { set(name, value) }
    }

    /// Convenience: sets a string field, ignoring nil.
    public mutating func set(_ name: String, _ value: String?) {
        if let value { fields[name] = .string(value) }
    }
}

/// Where state-changing actions are recorded. The log module provides the real
/// sink (a tamper-evident Merkle log); every command reaches it through the context.
public protocol AuditSink: Sendable {
    /// Appends one event durably, or throws: an action whose audit entry cannot
    /// be written must not be reported as done.
    func record(_ event: AuditEvent) throws

    /// Appends events inside the caller's write transaction on the same store, so that a
    /// state change and its audit entries commit together or not at all.
    func record(_ events: [AuditEvent], in db: Database) throws
}

extension AuditSink {
    /// For sinks outside the store (tests): one event at a time, not tied to the transaction.
    public func record(_ events: [AuditEvent], in db: Database) throws {
        for event in events { try record(event) }
    }

    /// Records an event of `type` at `time` with these fields (nil values are left out).
    public func record(_ type: String, at time: Date, _ fields: [String: String?]) throws {
        try record(AuditEvent(type, at: time, fields))
    }

    /// The same, inside the caller's write transaction `db`: the event commits with the change, or neither does.
    public func record(_ type: String, at time: Date, _ fields: [String: String?], in db: Database) throws {
        try record([AuditEvent(type, at: time, fields)], in: db)
    }
}

/// Names who acted in every event a command records, unless the event names it itself: the member
/// (the profile's identity) as `event_source`, and, for an operator's command, the operating-system
/// account that ran it as `os_user` (with the account that ran sudo as `os_sudo_user`).
struct ActorStampingSink: AuditSink {
    let inner: any AuditSink
    let source: String?
    let account: OperatorAccount?

    func record(_ event: AuditEvent) throws { try inner.record(stamped(event)) }
    func record(_ events: [AuditEvent], in db: Database) throws { try inner.record(events.map(stamped), in: db) }

    func stamped(_ event: AuditEvent) -> AuditEvent {
        var event = event
        if event.fields["event_source"] == nil { event.set("event_source", source) }
        if let account, event.fields["os_user"] == nil {
            event.set("os_user", account.name)
            event.set("os_sudo_user", account.sudoFrom)
        }
        return event
    }
}
