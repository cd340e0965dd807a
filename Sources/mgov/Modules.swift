import MGovConnect
import MGovCore
import MGovDeliver
import MGovDocs
import MGovLog
import MGovNotify

/// The feature modules this binary is made of: their store migrations, in the
/// order they were introduced (never reorder), and the audit sink.
enum Modules {
    static let migrations: [StoreMigration] = ProfileManager.migrations + AuditLog.migrations + DocumentStore.migrations + DeliveryStore.migrations + ConnectRegistry.migrations + NotifyStore.migrations

    static let auditSink: @Sendable (Context) throws -> any AuditSink = { context in
        LogAuditSink(log: AuditLog(store: try context.store()), clock: context.clock)
    }
}
