import MGovCore

/// The feature modules this binary is made of: their store migrations, in the
/// order they were introduced (never reorder), and the audit sink.
enum Modules {
    static let migrations: [StoreMigration] = ProfileManager.migrations

    static let auditSink: @Sendable (Context) throws -> any AuditSink = { _ in DiscardingAuditSink() }
}

/// Until the log module lands, nothing records audit events.
struct DiscardingAuditSink: AuditSink {
    func record(_ event: AuditEvent) throws {}
}
