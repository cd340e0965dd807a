import Foundation
import GRDB
import MGovCore
import MGovTestSupport
import Testing

@Suite struct StoreTests {
    let testMigrations = [
        StoreMigration("test.1-items") { db in try db.execute(sql: "CREATE TABLE test_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)") },
    ]

    @Test func createsHomeAndDatabaseOwnerOnly() throws {
        let dir = try TemporaryDirectory()
        let home = MGovHome(path: dir.file("nested/home"))
        _ = try Store(home: home, migrations: testMigrations)
        #expect(try mode(home.path) == 0o700)
        #expect(try mode(home.databasePath) == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: home.databasePath + suffix) {
            #expect(try mode(home.databasePath + suffix) == 0o600)
        }
    }

    @Test func tightensAnExistingHomeOpenToOthers() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("home")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        _ = try Store(home: MGovHome(path: path), migrations: testMigrations)
        #expect(try mode(path) == 0o700)
    }

    @Test func sideFilesLeftReadOnlyAreMadeWritableAgain() throws {
        // Opened while the database was 0400, SQLite made -shm 0400 and kept it so: the store stayed unwritable.
        let dir = try TemporaryDirectory()
        let home = MGovHome(path: dir.file("home"))
        let first = try Store(home: home, migrations: testMigrations)  // open: its -wal and -shm stay
        #expect(FileManager.default.fileExists(atPath: home.databasePath + "-shm"))
        for suffix in ["-wal", "-shm"] { chmod(home.databasePath + suffix, 0o400) }
        let second = try Store(home: home, migrations: testMigrations)
        for suffix in ["-wal", "-shm"] { #expect(try mode(home.databasePath + suffix) == 0o600, "\(suffix)") }
        _ = (first, second)
    }

    @Test func aStoreOpenToOthersIsMadeTheOwnersOnly() throws {
        // A store restored from a backup, or made by hand, with the umask's 0644.
        let dir = try TemporaryDirectory()
        let home = MGovHome(path: dir.file("home"))
        let first = try Store(home: home, migrations: testMigrations)
        for suffix in ["", "-wal", "-shm"] { chmod(home.databasePath + suffix, 0o644) }
        let second = try Store(home: home, migrations: testMigrations)
        for suffix in ["", "-wal", "-shm"] { #expect(try mode(home.databasePath + suffix) == 0o600, "\(suffix)") }
        _ = (first, second)
    }

    @Test func leavesASharedFolderItsMode() throws {
        // `--home /tmp` (or a shared folder): other people's files, so the mode stays; the store's own files are 0600.
        let dir = try TemporaryDirectory()
        let path = dir.file("shared")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o1777)
        try "someone else's".write(toFile: path + "/other", atomically: false, encoding: .utf8)
        let home = MGovHome(path: path)
        _ = try Store(home: home, migrations: testMigrations)
        #expect(try mode(path) == 0o777)
        #expect(try mode(home.databasePath) == 0o600)
        // Once it is an mgov home, an open mode is tightened again.
        chmod(path, 0o755)
        _ = try Store(home: home, migrations: testMigrations)
        #expect(try mode(path) == 0o700)
    }

    @Test func usesWALAndForeignKeys() throws {
        let dir = try TemporaryDirectory()
        let store = try Store(home: MGovHome(path: dir.path), migrations: testMigrations)
        let (journal, fk) = try store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(fk == 1)
    }

    /// Commits are fsynced: synchronous FULL (2) on the connection that writes. GRDB turns WAL on
    /// with NORMAL (1), which syncs only at checkpoints, after the configuration's own setup has run.
    @Test func writerSyncsEveryCommit() throws {
        let dir = try TemporaryDirectory()
        let store = try Store(home: MGovHome(path: dir.path), migrations: testMigrations)
        let synchronous = try store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2)
    }

    @Test func appliesMigrationsOnceAndKeepsData() throws {
        let dir = try TemporaryDirectory()
        let home = MGovHome(path: dir.path)
        let store = try Store(home: home, migrations: testMigrations)
        try store.write { db in try db.execute(sql: "INSERT INTO test_item(name) VALUES ('a')") }
        let reopened = try Store(home: home, migrations: testMigrations)
        #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM test_item") } == 1)
    }

    @Test func addsNewMigrationsToAnOlderStore() throws {
        let dir = try TemporaryDirectory()
        let home = MGovHome(path: dir.path)
        _ = try Store(home: home, migrations: testMigrations)
        let more = testMigrations + [StoreMigration("test.2-tags") { db in try db.execute(sql: "CREATE TABLE test_tag (name TEXT)") }]
        let store = try Store(home: home, migrations: more)
        #expect(try store.read { db in try db.tableExists("test_tag") })
    }

    @Test func refusesAStoreWrittenByANewerVersion() throws {
        let dir = try TemporaryDirectory()
        let home = MGovHome(path: dir.path)
        let newer = testMigrations + [StoreMigration("test.9-future") { db in try db.execute(sql: "CREATE TABLE test_future (x)") }]
        _ = try Store(home: home, migrations: newer)
        #expect(throws: CoreError.storeFromNewerVersion(path: home.databasePath, unknownMigrations: ["test.9-future"])) {
            _ = try Store(home: home, migrations: testMigrations)
        }
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let dir = try TemporaryDirectory()
        try dir.write("mgov.sqlite", String(repeating: "not a database ", count: 100))
        #expect {
            _ = try Store(home: MGovHome(path: dir.path), migrations: testMigrations)
        } throws: { error in
            guard case CoreError.storeUnreadable = error else { return false }
            return true
        }
    }

    @Test func failedTransactionWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let store = try Store(home: MGovHome(path: dir.path), migrations: testMigrations)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO test_item(name) VALUES ('half')")
                throw Boom()
            }
        }
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM test_item") } == 0)
        #expect(try store.integrityCheck() == "ok")
    }

    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
    }
}

@Suite struct HomeTests {
    @Test func resolvesInDocumentedOrder() {
        let env = ["MGOV_HOME": "/env/home", "XDG_DATA_HOME": "/xdg", "HOME": "/users/me"]
        #expect(MGovHome.resolve(explicit: "/flag", environment: env).path == "/flag")
        #expect(MGovHome.resolve(explicit: nil, environment: env).path == "/env/home")
        #expect(MGovHome.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/xdg", "HOME": "/u"]).path == "/xdg/mgov")
        #expect(MGovHome.resolve(explicit: nil, environment: ["HOME": "/users/me"]).path == "/users/me/.local/share/mgov")
    }
}
