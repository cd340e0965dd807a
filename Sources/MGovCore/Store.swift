import Foundation
import GRDB

/// A named schema change that a module contributes to the store.
///
/// Identifiers are prefixed by module (`core.1-profiles`, `log.1-entries`) and
/// never change once released; a new schema is a new migration.
public struct StoreMigration: Sendable {
    public let identifier: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ identifier: String, migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.migrate = migrate
    }
}

/// The local SQLite store: one database per home, WAL, busy timeout, foreign
/// keys, owner-only files, schema only through migrations.
///
/// Several processes may open one store at once (a server and a script).
/// Migrations are serialised across processes by a lock file, because GRDB's
/// migrator reads what is applied before it opens its transactions.
public final class Store: Sendable {
    public let home: MGovHome
    /// GRDB's pool: one writer, concurrent readers; safe across threads.
    public let database: DatabasePool

    /// How long a writer waits for another process's lock before failing.
    public static let busyTimeout: TimeInterval = 30
    static let busyPollMicroseconds: UInt32 = 1000

    public init(home: MGovHome, migrations: [StoreMigration]) throws {
        self.home = home
        try home.ensureExists()
        let path = home.databasePath
        // Create the file ourselves so its mode is 0600 whatever the umask;
        // SQLite gives the -wal and -shm files the same mode as the database.
        if !FileManager.default.fileExists(atPath: path) {
            try FileSystem.touchOwnerOnly(path)
        }
        Self.alignSideFiles(of: path)
        var config = Configuration()
        // Waits for another writer by polling every millisecond. SQLite's own timeout backs off to
        // 100 ms sleeps, so among several processes writing at once one that had waited long polled
        // rarely and kept losing the lock to newcomers, until its timeout ran out.
        config.busyMode = .callback { tries in
            usleep(Store.busyPollMicroseconds)
            return Double(tries) * Double(Store.busyPollMicroseconds) / 1e6 < Store.busyTimeout
        }
        config.foreignKeysEnabled = true
        config.label = "mgov"
        do {
            database = try DatabasePool(path: path, configuration: config)
            // FULL: every commit is fsynced before the command reports success. The audit log
            // promises durability, and a power cut must not drop entries a caller saw written.
            // Set here, on the pool's one writer connection, and not in `prepareDatabase`: GRDB
            // sets NORMAL when it turns WAL on, after `prepareDatabase` has run, and NORMAL in WAL
            // mode syncs only at checkpoints (a commit could be lost, though never half-written).
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch let error as DatabaseError {
            throw Store.translate(error, path: path)
        }
        try migrate(migrations)
    }

    /// The store's files are the owner's only: a database restored from a backup or made by hand
    /// with 0644 loses its group and other bits (so do the side files, made with its mode).
    ///
    /// SQLite makes -wal and -shm with the database's mode, and never changes it after: opened while
    /// the database was 0400, the store stayed unwritable once it was 0600 again. The side files
    /// are given the database's owner-write bit back when the database has it (and they are ours).
    static func alignSideFiles(of path: String) {
        var database = stat()
        guard stat(path, &database) == 0, database.st_uid == geteuid() else { return }
        let open = mode_t(S_IRWXG | S_IRWXO)
        if database.st_mode & open != 0 { chmod(path, database.st_mode & 0o700) }
        for suffix in ["-wal", "-shm"] {
            var side = stat()
            guard stat(path + suffix, &side) == 0, side.st_uid == geteuid() else { continue }
            if database.st_mode & S_IWUSR != 0, side.st_mode & S_IWUSR == 0 {
                chmod(path + suffix, 0o600)
            } else if side.st_mode & open != 0 {
                chmod(path + suffix, side.st_mode & 0o700)
            }
        }
    }

    private func migrate(_ migrations: [StoreMigration]) throws {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier, foreignKeyChecks: .immediate, migrate: migration.migrate)
        }
        let path = home.databasePath
        do {
            let (superseded, complete, applied) = try database.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db), try migrator.appliedIdentifiers(db))
            }
            if superseded {
                let known = Set(migrations.map(\.identifier))
                throw CoreError.storeFromNewerVersion(path: path, unknownMigrations: applied.subtracting(known).sorted())
            }
            if complete { return }
            try FileSystem.withExclusiveLock(home.migrationLockPath) {
                try migrator.migrate(database)
            }
        } catch let error as DatabaseError {
            throw Store.translate(error, path: path)
        }
    }

    /// Runs `body` in a write transaction (IMMEDIATE, so concurrent writers queue
    /// on the busy timeout instead of failing on lock upgrade).
    public func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!  // safe: set by the committed transaction above
            }
        } catch let error as DatabaseError {
            throw Store.translate(error, path: home.databasePath)
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as DatabaseError {
            throw Store.translate(error, path: home.databasePath)
        }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    static func translate(_ error: DatabaseError, path: String) -> Error {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return CoreError.storeUnreadable(path: path, reason: "the file is not a valid SQLite database or is damaged")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return CoreError.storeBusy(path: path)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
            return CoreError.storeUnreadable(path: path, reason: error.message ?? "permission denied")
        case .SQLITE_FULL:
            return CoreError.storeUnreadable(path: path, reason: "the disk is full")
        default:
            return error
        }
    }
}
