import Foundation
import GRDB
import MGovCore

/// One stored entry: its sequence number (the leaf index, from 0), when it was
/// logged, its canonical bytes, and its RFC 6962 leaf hash.
public struct LogEntry: Sendable, Equatable {
    public let seq: UInt64
    public let loggedAt: String
    /// The canonical entry bytes (the leaf's input): the event's fields plus
    /// `@logged` and `@seq`, as RFC 8785 JSON.
    public let canonical: Data
    public let leafHash: TreeHash

    /// The event's own fields (without the log's `@` fields).
    public var event: [String: AuditValue] {
        ((try? CanonicalJSON.decode(canonical)) ?? [:]).filter { !$0.key.hasPrefix("@") }
    }

    public func value(_ name: String) -> String? {
        switch event[name] {
        case .string(let s)?: return s
        case .array(let a)?: return a.joined(separator: ", ")
        case nil: return nil
        }
    }
}

/// The size and root hash of the tree.
public struct TreeHead: Sendable, Equatable {
    public let size: UInt64
    public let root: TreeHash
}

/// What `AuditLog.query` takes.
public struct LogQuery: Sendable {
    public var from: Date?
    public var to: Date?
    /// Exact event types, or prefixes ending in `*` (`MConnect.*`).
    public var types: [String] = []
    /// FIELD=VALUE: the field holds the value (or, for an array, contains it).
    public var filters: [(field: String, value: String)] = []
    public var page = 1
    public var pageSize = 100
    /// Only entries a collector registered for this client (`log serve`'s /query).
    public var registeredBy: String?

    public init() {}

    public var isTimeRange: Bool { from != nil || to != nil }
}

public struct QueryPage: Sendable {
    public let total: Int
    public let page: Int
    public let pageSize: Int
    public let entries: [LogEntry]
}

/// The tamper-evident audit log in the store: entries, the stored perfect
/// nodes of the RFC 6962 tree, the subjects of personal-data events, and checkpoints.
public final class AuditLog: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    public static let migrations: [StoreMigration] = [
        StoreMigration("log.1-entries") { db in
            try db.execute(sql: """
                CREATE TABLE log_entry (
                    seq INTEGER PRIMARY KEY,
                    logged_at TEXT NOT NULL,
                    event_time TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    entry TEXT NOT NULL,
                    leaf_hash BLOB NOT NULL
                );
                CREATE INDEX log_entry_by_time ON log_entry(event_time);
                CREATE INDEX log_entry_by_type ON log_entry(event_type);
                CREATE TABLE log_node (
                    level INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    PRIMARY KEY (level, idx)
                ) WITHOUT ROWID;
                CREATE TABLE log_subject (
                    subject TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (subject, seq)
                ) WITHOUT ROWID;
                CREATE TABLE log_checkpoint (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    size INTEGER NOT NULL,
                    root BLOB NOT NULL,
                    note TEXT NOT NULL,
                    public_key BLOB,
                    source TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                """)
        },
        StoreMigration("log.2-shipping") { db in
            try db.execute(sql: """
                CREATE TABLE log_registration (
                    uid TEXT PRIMARY KEY,
                    client TEXT NOT NULL,
                    idempotency_key TEXT,
                    first_seq INTEGER NOT NULL,
                    last_seq INTEGER NOT NULL,
                    received_at TEXT NOT NULL,
                    UNIQUE (client, idempotency_key)
                );
                CREATE TABLE log_shipment (
                    destination TEXT PRIMARY KEY,
                    next_seq INTEGER NOT NULL,
                    updated_at TEXT NOT NULL
                );
                """)
        },
        StoreMigration("log.3-append-order") { db in
            // Tables laid out so that an append writes at their ends only, a page or two each per
            // transaction. Tree nodes are keyed by the last leaf they cover, then level: the nodes an
            // append completes are neighbours (keyed by level first, each level's end was a page of
            // its own: six of a commit's fourteen pages). The subject index is in buckets of 65,536
            // entries, filled from a pending list in bulk (see `indexSubjects`).
            try db.execute(sql: """
                CREATE TABLE log_node_by_leaf (
                    last_leaf INTEGER NOT NULL,
                    level INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    PRIMARY KEY (last_leaf, level)
                ) WITHOUT ROWID;
                INSERT INTO log_node_by_leaf (last_leaf, level, hash) SELECT ((idx + 1) << level) - 1, level, hash FROM log_node;
                DROP TABLE log_node;
                ALTER TABLE log_node_by_leaf RENAME TO log_node;
                CREATE TABLE log_subject_bucketed (
                    bucket INTEGER NOT NULL,
                    subject TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (bucket, subject, seq)
                ) WITHOUT ROWID;
                INSERT INTO log_subject_bucketed (bucket, subject, seq) SELECT seq >> 16, subject, seq FROM log_subject;
                DROP TABLE log_subject;
                ALTER TABLE log_subject_bucketed RENAME TO log_subject;
                CREATE TABLE log_subject_pending (
                    seq INTEGER NOT NULL,
                    subject TEXT NOT NULL
                );
                """)
        },
    ]

    // MARK: Appending

    /// Appends events in one transaction: all of them or none. O(log n) work per
    /// event: the frontier is read once, and each append writes only the nodes it completes.
    @discardableResult
    public func append(_ events: [LogEvent], loggedAt: Date) throws -> [LogEntry] {
        try append(events, loggedAt: loggedAt, after: nil).entries
    }

    /// Appends like `append(_:loggedAt:)`, starting from `known`, the frontier after this log's last
    /// append by the caller, when the log has not grown since (one writer's batches in a row: the
    /// frontier is not read back from the store each time). Returns the frontier after the append.
    func append(_ events: [LogEvent], loggedAt: Date, after known: MerkleFrontier?) throws -> (entries: [LogEntry], frontier: MerkleFrontier) {
        guard !events.isEmpty else { throw LogError.emptyBatch }
        let logged = Timestamp.format(loggedAt)
        return try store.write { db in
            var frontier = try Self.frontier(db, known: known)
            let entries = try Self.append(events, logged: logged, to: &frontier, in: db)
            return (entries, frontier)
        }
    }

    /// The tree's frontier: `known` if it is the current one (another process may have appended
    /// since), else read from the stored nodes.
    static func frontier(_ db: Database, known: MerkleFrontier? = nil) throws -> MerkleFrontier {
        let size = try Self.size(db)
        if let known, known.size == size { return known }
        // Appending after a cut would hide it: the new entries would take the deleted ones' places.
        if let covered = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(size) FROM log_checkpoint")), UInt64(covered) > size {
            throw LogError.treeDamaged("a checkpoint covers \(covered) entries but the log holds \(size): entries from \(size) on were deleted from the store (run mgov log verify)")
        }
        return try MerkleFrontier(size: size) { level, index in try Self.node(db, level, index) }
    }

    /// Appends inside the caller's write transaction (so other rows can commit with the entries).
    static func append(_ events: [LogEvent], logged: String, in db: Database) throws -> [LogEntry] {
        var frontier = try Self.frontier(db)
        return try append(events, logged: logged, to: &frontier, in: db)
    }

    static func append(_ events: [LogEvent], logged: String, to frontier: inout MerkleFrontier, in db: Database) throws -> [LogEntry] {
        let insertEntry = try db.cachedStatement(sql: "INSERT INTO log_entry (seq, logged_at, event_time, event_type, entry, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)")
        let insertNode = try db.cachedStatement(sql: "INSERT INTO log_node (last_leaf, level, hash) VALUES (?, ?, ?)")
        let insertSubject = try db.cachedStatement(sql: "INSERT INTO log_subject_pending (seq, subject) VALUES (?, ?)")
        var subjects = false
        var entries: [LogEntry] = []
        entries.reserveCapacity(events.count)
        for event in events {
            let seq = frontier.size
            var fields = event.fields
            fields["@logged"] = .string(logged)
            fields["@seq"] = .string(String(seq))
            let canonical = CanonicalJSON.encode(fields)
            let leaf = Merkle.leafHash(canonical)
            try insertEntry.execute(arguments: [Int64(seq), logged, event.time, event.type,
                                                String(decoding: canonical, as: UTF8.self), Data(leaf)])
            do {
                try frontier.append(leaf: leaf) { level, index, hash in
                    if level > 0 { try insertNode.execute(arguments: [Int64(seq), level, Data(hash)]) }
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                // A node for this position exists already: entries after it were deleted from the store.
                throw LogError.treeDamaged("the log holds tree nodes beyond its \(seq) entries: entries were deleted from the store (run mgov log verify)")
            }
            if event.isPersonalData {
                for subject in event.values("subject") { try insertSubject.execute(arguments: [Int64(seq), subject]) }
                subjects = true
            }
            entries.append(LogEntry(seq: seq, loggedAt: logged, canonical: canonical, leafHash: leaf))
        }
        if subjects { try indexSubjects(db, atLeast: subjectBatch) }
        return entries
    }

    /// Subjects wait in `log_subject_pending` (appended in order, so an append writes one page
    /// for them, not one page of the index per event) until this many are pending.
    static let subjectBatch = 4096
    /// Entries per bucket of the subject index.
    static let subjectBucketShift = 16

    /// Moves pending subjects into the index when at least `minimum` wait: sorted, in one go, into
    /// the one or two buckets they fall in. A bucket holds at most 65,536 entries' subjects (a few
    /// hundred pages), so the move writes each of its pages about once, and the cost of indexing
    /// an event does not grow with the log (indexing each event as it came wrote a random page of
    /// an ever larger index: a fifth of a provider's throughput, falling as the log grew).
    static func indexSubjects(_ db: Database, atLeast minimum: Int) throws {
        // Rows are only ever appended, and all deleted together: the largest rowid is their count.
        let pending = try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(rowid) FROM log_subject_pending")) ?? 0
        guard pending >= max(1, minimum) else { return }
        try db.execute(sql: """
            INSERT OR IGNORE INTO log_subject (bucket, subject, seq)
                SELECT seq >> \(subjectBucketShift), subject, seq FROM log_subject_pending ORDER BY 1, 2, 3;
            DELETE FROM log_subject_pending;
            """)
    }

    // MARK: Reading

    public func treeHead() throws -> TreeHead {
        try store.read { db in
            let size = try Self.size(db)
            let frontier = try MerkleFrontier(size: size) { level, index in try Self.node(db, level, index) }
            return TreeHead(size: size, root: frontier.root)
        }
    }

    public func entry(_ seq: UInt64) throws -> LogEntry {
        try store.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT seq, logged_at, entry, leaf_hash FROM log_entry WHERE seq = ?", arguments: [Int64(clamping: seq)]) else {
                throw LogError.noSuchEntry(seq, size: try Self.size(db))
            }
            return Self.entry(row)
        }
    }

    /// Entries with `seq > after` (all when nil), in order, at most `limit`.
    public func entries(after: UInt64?, limit: Int) throws -> [LogEntry] {
        try store.read { db in
            let start = after.map { Int64($0) } ?? -1
            return try Row.fetchAll(db, sql: "SELECT seq, logged_at, entry, leaf_hash FROM log_entry WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [start, limit]).map(Self.entry)
        }
    }

    /// The last `count` entries, oldest first.
    public func last(_ count: Int) throws -> [LogEntry] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, logged_at, entry, leaf_hash FROM log_entry ORDER BY seq DESC LIMIT ?", arguments: [count]).map(Self.entry).reversed()
        }
    }

    /// Calls `body` with every entry in `range`, in order, streaming.
    public func forEachEntry(in range: ClosedRange<UInt64>? = nil, _ body: @escaping @Sendable (LogEntry) throws -> Void) throws {
        try store.read { db in
            let lower = Int64(clamping: range?.lowerBound ?? 0)
            let upper = Int64(clamping: range?.upperBound ?? UInt64(Int64.max))
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, logged_at, entry, leaf_hash FROM log_entry WHERE seq BETWEEN ? AND ? ORDER BY seq", arguments: [lower, upper])
            while let row = try rows.next() { try body(Self.entry(row)) }
        }
    }

    public func query(_ query: LogQuery) throws -> QueryPage {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let from = query.from {
            conditions.append("event_time >= ?")
            arguments.append(Timestamp.format(from))
        }
        if let to = query.to {
            conditions.append("event_time <= ?")
            arguments.append(Timestamp.format(to))
        }
        if !query.types.isEmpty {
            var alternatives: [String] = []
            for type in query.types {
                if type.hasSuffix("*") {
                    alternatives.append("substr(event_type, 1, ?) = ?")
                    let prefix = String(type.dropLast())
                    arguments.append(prefix.utf8.count)
                    arguments.append(prefix)
                } else {
                    alternatives.append("event_type = ?")
                    arguments.append(type)
                }
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        for filter in query.filters {
            try LogEvent.checkName(filter.field)
            conditions.append("EXISTS (SELECT 1 FROM json_each(entry, ?) WHERE json_each.value = ?)")
            arguments.append("$.\"\(filter.field)\"")
            arguments.append(filter.value)
        }
        if let client = query.registeredBy {
            conditions.append("EXISTS (SELECT 1 FROM log_registration r WHERE r.client = ? AND log_entry.seq BETWEEN r.first_seq AND r.last_seq)")
            arguments.append(client)
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let pageSize = max(1, min(query.pageSize, 10_000))
        let page = max(1, query.page)
        let countArguments = StatementArguments(arguments)
        let pageArguments = StatementArguments(arguments + [pageSize, (page - 1) * pageSize])
        return try store.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log_entry" + whereClause, arguments: countArguments) ?? 0
            let entries = try Row.fetchAll(db, sql: "SELECT seq, logged_at, entry, leaf_hash FROM log_entry" + whereClause + " ORDER BY seq LIMIT ? OFFSET ?", arguments: pageArguments).map(Self.entry)
            return QueryPage(total: total, page: page, pageSize: pageSize, entries: entries)
        }
    }

    /// Personal-data events about one data subject, oldest first: who looked at
    /// their data, when, and on what legal basis.
    public func accessHistory(subject: String) throws -> [LogEntry] {
        try store.read { db in
            // One index probe per bucket, and the few pending rows scanned.
            let buckets = try Int.fetchOne(db, sql: "SELECT MAX(bucket) FROM log_subject") ?? -1
            return try Row.fetchAll(db, sql: """
                WITH RECURSIVE bucket(n) AS (SELECT 0 WHERE ?1 >= 0 UNION ALL SELECT n + 1 FROM bucket WHERE n < ?1),
                matching(seq) AS (
                    SELECT s.seq FROM bucket JOIN log_subject s ON s.bucket = bucket.n AND s.subject = ?2
                    UNION SELECT seq FROM log_subject_pending WHERE subject = ?2)
                SELECT e.seq, e.logged_at, e.entry, e.leaf_hash FROM matching JOIN log_entry e ON e.seq = matching.seq ORDER BY e.seq
                """, arguments: [buckets, subject]).map(Self.entry)
        }
    }

    // MARK: Proofs

    public func inclusionProof(seq: UInt64, size requested: UInt64?) throws -> InclusionProof {
        try store.read { db in
            let current = try Self.size(db)
            let size = requested ?? current
            guard size <= current, size > 0 else { throw LogError.sizeOutOfRange(size, size: current) }
            guard seq < size else { throw LogError.noSuchEntry(seq, size: size) }
            let node: (Int, UInt64) throws -> TreeHash = { level, index in try Self.node(db, level, index) }
            let path = try Merkle.inclusionProof(index: seq, size: size, node: node)
            let root = try Merkle.rangeHash(0, size, node: node)
            guard let row = try Row.fetchOne(db, sql: "SELECT seq, logged_at, entry, leaf_hash FROM log_entry WHERE seq = ?", arguments: [Int64(seq)]) else {
                throw LogError.noSuchEntry(seq, size: size)
            }
            let entry = Self.entry(row)
            return InclusionProof(seq: seq, treeSize: size, root: root, leafHash: entry.leafHash,
                                  entry: String(decoding: entry.canonical, as: UTF8.self), path: path)
        }
    }

    public func consistencyProof(oldSize: UInt64, newSize requested: UInt64?) throws -> ConsistencyProof {
        try store.read { db in
            let current = try Self.size(db)
            let newSize = requested ?? current
            guard newSize <= current else { throw LogError.sizeOutOfRange(newSize, size: current) }
            guard oldSize <= current else { throw LogError.sizeOutOfRange(oldSize, size: current) }
            guard oldSize <= newSize else { throw LogError.sizesReversed(old: oldSize, new: newSize) }
            let node: (Int, UInt64) throws -> TreeHash = { level, index in try Self.node(db, level, index) }
            return ConsistencyProof(oldSize: oldSize, newSize: newSize,
                                    oldRoot: try Merkle.rangeHash(0, oldSize, node: node),
                                    newRoot: try Merkle.rangeHash(0, newSize, node: node),
                                    path: try Merkle.consistencyProof(oldSize: oldSize, newSize: newSize, node: node))
        }
    }

    // MARK: Checkpoints

    /// Stores a checkpoint (made here, or seen elsewhere and checked).
    public func saveCheckpoint(_ checkpoint: Checkpoint, publicKey: Data?, source: String, at date: Date) throws {
        try store.write { db in
            let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM log_checkpoint WHERE note = ?", arguments: [checkpoint.text]) ?? false
            if known { return }
            try db.execute(sql: "INSERT INTO log_checkpoint (size, root, note, public_key, source, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [Int64(checkpoint.size), Data(checkpoint.root), checkpoint.text, publicKey, source, Timestamp.format(date)])
        }
    }

    public func checkpoints() throws -> [StoredCheckpoint] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, size, root, note, public_key, source, created_at FROM log_checkpoint ORDER BY size, id").map { row in
                StoredCheckpoint(id: row[0], size: UInt64(row[1] as Int64), root: [UInt8](row[2] as Data), note: row[3],
                                 publicKey: row[4], source: row[5], createdAt: row[6])
            }
        }
    }

    // MARK: Store helpers

    static func size(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq) + 1, 0) FROM log_entry")) ?? 0)
    }

    static func node(_ db: Database, _ level: Int, _ index: UInt64) throws -> TreeHash {
        let data: Data?
        if level == 0 {
            data = try Data.fetchOne(db.cachedStatement(sql: "SELECT leaf_hash FROM log_entry WHERE seq = ?"), arguments: [Int64(index)])
        } else {
            data = try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM log_node WHERE last_leaf = ? AND level = ?"),
                                     arguments: [Self.lastLeaf(level, index), level])
        }
        guard let data, data.count == 32 else {
            throw LogError.treeDamaged("the tree node at level \(level), index \(index) is missing or damaged (run mgov log verify)")
        }
        return [UInt8](data)
    }

    /// The last leaf under the node at `level`, `index`: the one whose append completed it.
    static func lastLeaf(_ level: Int, _ index: UInt64) -> Int64 {
        Int64(clamping: ((index + 1) << UInt64(level)) &- 1)
    }

    static func entry(_ row: Row) -> LogEntry {
        let text: String = row[2]
        let leaf: Data = row[3]
        return LogEntry(seq: UInt64(row[0] as Int64), loggedAt: row[1], canonical: Data(text.utf8), leafHash: [UInt8](leaf))
    }
}

public struct StoredCheckpoint: Sendable {
    public let id: Int64
    public let size: UInt64
    public let root: TreeHash
    public let note: String
    public let publicKey: Data?
    public let source: String
    public let createdAt: String
}
