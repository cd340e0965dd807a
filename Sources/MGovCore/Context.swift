import Foundation

/// What every command is handed: the home and its store, the selected profile,
/// the console, the clock and the audit sink. Built once from the global options
/// (in the manner of SwiftPM's command state); commands never open the store themselves.
///
/// The store is opened lazily, so commands that need none (`--version`, `--help`,
/// `pki`, signing with explicit keys) never create or touch it.
public final class Context: @unchecked Sendable {
    // @unchecked: the lazily made members are guarded by `lock`.
    public let home: MGovHome
    public let explicitProfile: String?
    public let clock: Clock
    public let environment: [String: String]
    private let wantsJSON: Bool
    private let quiet: Bool
    private let noColor: Bool
    private let migrations: [StoreMigration]
    private let credentialValidator: any CredentialValidating
    private let makeAuditSink: @Sendable (Context) throws -> any AuditSink

    private let lock = NSRecursiveLock()
    private var openedStore: Store?
    private var madeConsole: Console?
    private var madeAudit: [Bool: any AuditSink] = [:]

    public init(home: MGovHome, profile: String?, json: Bool, quiet: Bool, noColor: Bool,
                clock: Clock = .system, environment: [String: String] = ProcessInfo.processInfo.environment,
                migrations: [StoreMigration], credentialValidator: any CredentialValidating,
                auditSink: @escaping @Sendable (Context) throws -> any AuditSink) {
        self.home = home
        self.explicitProfile = profile.flatMap { $0.isEmpty ? nil : $0 } ?? environment["MGOV_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        self.wantsJSON = json
        self.quiet = quiet
        self.noColor = noColor
        self.clock = clock
        self.environment = environment
        self.migrations = migrations
        self.credentialValidator = credentialValidator
        self.makeAuditSink = auditSink
    }

    /// The store, opened (and migrated) on first use.
    public func store() throws -> Store {
        lock.lock(); defer { lock.unlock() }
        if let openedStore { return openedStore }
        let store = try Store(home: home, migrations: migrations)
        openedStore = store
        return store
    }

    /// The store, for a command that only reads or checks it: a home with no store (or an empty
    /// file in its place) is an error, not a new empty store that then checks out fine.
    public func existingStore() throws -> Store {
        var st = stat()
        guard stat(home.databasePath, &st) == 0, st.st_size > 0 else { throw CoreError.noStore(home: home.path) }
        return try store()
    }

    public func profiles() throws -> ProfileManager {
        ProfileManager(store: try store(), validator: credentialValidator, clock: clock, audit: { try self.audit() })
    }

    /// The selected profile: --profile, then MGOV_PROFILE, then the store's default.
    public func profile() throws -> Profile {
        try profiles().select(explicit: explicitProfile)
    }

    /// The selected profile, or nil when none is configured (never an error for "none").
    public func profileIfAny() throws -> Profile? {
        do {
            return try profile()
        } catch CoreError.noProfileSelected {
            return nil
        }
    }

    /// The console; `--json`, else the selected profile's `output` setting when a store exists.
    public var console: Console {
        lock.lock(); defer { lock.unlock() }
        if let madeConsole { return madeConsole }
        var format: OutputFormat = wantsJSON ? .json : .human
        if !wantsJSON, FileManager.default.fileExists(atPath: home.databasePath),
           let preferred = try? profileIfAny()?.output {
            format = preferred
        }
        let console = Console(format: format, quiet: quiet, noColor: noColor, environment: environment)
        madeConsole = console
        return console
    }

    /// The audit sink every state-changing action writes to. Every module's events name the member
    /// acting (the profile's identity) as their `event_source`. An operator's command (`byOperator`,
    /// the default) also names the OS account that ran it (`os_user`); a server's events are its
    /// clients' actions, not the account's that runs it, so a server asks for `byOperator: false`.
    public func audit(byOperator: Bool = true) throws -> any AuditSink {
        lock.lock(); defer { lock.unlock() }
        if let made = madeAudit[byOperator] { return made }
        let sink = ActorStampingSink(inner: try makeAuditSink(self), source: (try? profileIfAny())?.identity.description,
                                     account: byOperator ? OperatorAccount.current(environment: environment) : nil)
        madeAudit[byOperator] = sink
        return sink
    }

    /// Records an operator's event (naming the profile's identity and the OS account, as `audit()` does).
    public func record(_ type: String, _ fields: [String: String?] = [:]) throws {
        var event = AuditEvent(type: type, time: clock.now())
        for (k, v) in fields { event.set(k, v) }
        try audit().record(event)
    }
}
