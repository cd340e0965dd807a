import Foundation
import GRDB
import MGovCore

/// What a provider decides with, held in memory: services, live grants, registered client
/// certificates, and the rows and key indexes of datasets up to `maximumCachedRows`.
///
/// A store read per request (a transaction, five queries, a page cache emptied by every audit
/// commit) was a third of an exchange's cost. Every change the registry makes replaces the file
/// `connect.generation` in the home (a new inode each time, after the change has committed); a
/// provider compares that file's identity with the one its snapshot was read under (one `stat`
/// per request) and reads the store again when it differs. So `connect grant`, `revoke`,
/// `service add` and `clients add` in another process apply to the next request, as before.
struct RegistrySnapshot: Sendable {
    let services: [String: ConnectService]
    /// Unrevoked grants (expired ones included) by client and service, oldest first.
    let grants: [GrantKey: [Grant]]
    /// Registered certificates: SHA-256 fingerprint → client identity.
    let clients: [String: String]
    /// In-memory datasets; a dataset missing here is looked up in the store.
    let datasets: [String: DatasetIndex]

    struct GrantKey: Hashable, Sendable {
        let client: String
        let service: String
    }

    /// Datasets larger than `maximumCachedRows` stay in the store only (their lookups read it).
    static func read(_ registry: ConnectRegistry, maximumCachedRows: Int, _ db: Database) throws -> RegistrySnapshot {
        var services: [String: ConnectService] = [:]
        for code in try String.fetchAll(db, sql: "SELECT code FROM connect_service") {
            services[code] = try registry.service(code, db, countingRows: false)
        }
        var grants: [GrantKey: [Grant]] = [:]
        for grant in try registry.grants(client: nil, service: nil, db) {
            grants[GrantKey(client: grant.client, service: grant.service), default: []].append(grant)
        }
        var clients: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT fingerprint, identity FROM connect_client") { clients[row[0]] = row[1] }
        var datasets: [String: DatasetIndex] = [:]
        for service in services.values where service.kind == "dataset" {
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM connect_row WHERE service = ?", arguments: [service.code]) ?? 0
            if count <= maximumCachedRows { datasets[service.code] = try DatasetIndex.read(service.code, db) }
        }
        return RegistrySnapshot(services: services, grants: grants, clients: clients, datasets: datasets)
    }
}

/// A dataset's rows (stored JSON, in row order) and, per key field, the rows holding each value.
struct DatasetIndex: Sendable {
    let rows: [String]
    let keys: [String: [String: [Int]]]

    static func read(_ code: String, _ db: Database) throws -> DatasetIndex {
        var rows: [String] = []
        var position: [Int64: Int] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT n, data FROM connect_row WHERE service = ? ORDER BY n", arguments: [code])
        while let row = try cursor.next() {
            position[row[0]] = rows.count
            rows.append(row[1])
        }
        var keys: [String: [String: [Int]]] = [:]
        let entries = try Row.fetchCursor(db, sql: "SELECT field, value, n FROM connect_key WHERE service = ? ORDER BY n", arguments: [code])
        while let entry = try entries.next() {
            guard let at = position[entry[2]] else { continue }
            keys[entry[0] as String, default: [:]][entry[1] as String, default: []].append(at)
        }
        return DatasetIndex(rows: rows, keys: keys)
    }

    /// What `ConnectRegistry.lookupJSON` answers from the store: the rows matching every filter, in
    /// row order, a page of them, and how many match.
    func lookup(filter: [(String, String)], limit: Int, offset: Int) -> (rows: [String], total: Int) {
        var matches: [Int]
        if let (field, value) = filter.first {
            matches = keys[field]?[value] ?? []
            for (field, value) in filter.dropFirst() where !matches.isEmpty {
                let other = Set(keys[field]?[value] ?? [])
                matches = matches.filter(other.contains)
            }
        } else {
            matches = Array(rows.indices)
        }
        let page = matches.dropFirst(offset).prefix(limit).map { rows[$0] }
        return (Array(page), matches.count)
    }
}

/// The identity of the generation file: it changes whenever the registry changes.
struct GenerationStamp: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let modified: Int
    let modifiedNanoseconds: Int

    /// Nil when the file is absent (no change made since the home was created, or an older mgov).
    static func current(_ path: String) -> GenerationStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return GenerationStamp(device: UInt64(info.st_dev), inode: UInt64(info.st_ino),
                               modified: info.st_mtim.tv_sec, modifiedNanoseconds: info.st_mtim.tv_nsec)
    }
}

/// The provider's snapshot, read again when the generation file says the registry changed.
final class SnapshotCache: @unchecked Sendable {
    // @unchecked: `held` is guarded by `lock`.
    private let lock = NSLock()
    private var held: (stamp: GenerationStamp?, snapshot: RegistrySnapshot)?
    let registry: ConnectRegistry
    let maximumCachedRows: Int

    /// A dataset of more rows than `maximumCachedRows` is not held (about 100 bytes a row).
    init(registry: ConnectRegistry, maximumCachedRows: Int = 250_000) {
        self.registry = registry
        self.maximumCachedRows = maximumCachedRows
    }

    func current() throws -> RegistrySnapshot {
        let stamp = GenerationStamp.current(registry.generationPath)
        lock.lock()
        defer { lock.unlock() }
        if let held, held.stamp == stamp { return held.snapshot }
        // The stamp is taken before the read: a change committed meanwhile is read again next time.
        let snapshot = try registry.store.database.read { db in try RegistrySnapshot.read(registry, maximumCachedRows: maximumCachedRows, db) }
        held = (stamp, snapshot)
        return snapshot
    }
}
