import Foundation
import GRDB
import MGovCore
import MGovCrypto
import MGovNet

/// A service a provider offers: a dataset (rows looked up by key fields) or a proxy to an upstream.
public struct ConnectService: Codable, Sendable, Equatable {
    public let code: String
    /// `dataset` or `proxy`.
    public let kind: String
    public let keys: [String]
    public let upstream: String?
    public let source: String?
    /// The dataset's row count; nil when not asked for (counting reads every row).
    public let rows: Int?
    /// Set by `addDataset` and `addProxy` when they replaced a service: how many unexpired grants
    /// of it still apply. Not listed with the service.
    public var grantsKept: Int?

    enum CodingKeys: String, CodingKey { case code, kind, keys, upstream, source, rows }
}

/// A client's right to a service.
public struct Grant: Codable, Sendable, Equatable {
    public let client: String
    public let service: String
    /// Exact legal bases, or prefixes of them, the client may cite.
    public let legalBases: [String]
    /// Only these fields are returned (nil: all).
    public let fields: [String]?
    public let expiresAt: String?
    public let createdAt: String

    enum CodingKeys: String, CodingKey {
        case client, service, fields
        case legalBases = "legal_bases"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
    }

    /// Every member, null when absent (all fields, no expiry), so a script finds each key.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(client, forKey: .client)
        try c.encode(service, forKey: .service)
        try c.encode(legalBases, forKey: .legalBases)
        try c.encode(fields, forKey: .fields)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(createdAt, forKey: .createdAt)
    }

    /// Whether the grant has ended by `now` (a timestamp as `Timestamp.format` writes it).
    public func hasExpired(at now: String) -> Bool { expiresAt.map { $0 <= now } ?? false }

    /// Whether `basis` is one of the granted bases or a part of one: it starts with a granted basis
    /// followed by a character that is neither a letter nor a digit ("Legea 133/2011" covers
    /// "Legea 133/2011 art.5" and "Legea 133/2011, art.5", not "Legea 133/20119"; "L" covers no law).
    public func allows(basis: String) -> Bool {
        legalBases.contains { granted in
            guard !granted.isEmpty, basis.utf8.starts(with: granted.utf8) else { return false }
            guard let next = basis.utf8.dropFirst(granted.utf8.count).first else { return true }
            // A byte of a multi-byte character counts as a letter: the granted basis ended inside a word.
            return next < 0x80 && !(0x30...0x39).contains(next) && !(0x41...0x5A).contains(next) && !(0x61...0x7A).contains(next)
        }
    }
}

/// Services, grants, registered client certificates and dataset rows in the store.
public final class ConnectRegistry: Sendable {
    public let store: Store
    let clock: Clock
    let audit: any AuditSink

    public init(store: Store, clock: Clock, audit: any AuditSink) {
        self.store = store
        self.clock = clock
        self.audit = audit
    }

    public static let migrations: [StoreMigration] = [
        StoreMigration("connect.1-services") { db in
            try db.execute(sql: """
                CREATE TABLE connect_service (
                    code TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    keys TEXT NOT NULL,
                    upstream TEXT,
                    source TEXT,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE connect_row (
                    service TEXT NOT NULL REFERENCES connect_service(code) ON DELETE CASCADE,
                    n INTEGER NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (service, n)
                ) WITHOUT ROWID;
                CREATE TABLE connect_key (
                    service TEXT NOT NULL REFERENCES connect_service(code) ON DELETE CASCADE,
                    field TEXT NOT NULL,
                    value TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (service, field, value, n)
                ) WITHOUT ROWID;
                CREATE TABLE connect_grant (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    client TEXT NOT NULL,
                    service TEXT NOT NULL,
                    legal_bases TEXT NOT NULL,
                    fields TEXT,
                    expires_at TEXT,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                );
                CREATE INDEX connect_grant_by_client ON connect_grant(client, service);
                CREATE TABLE connect_client (
                    fingerprint TEXT PRIMARY KEY,
                    identity TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                """)
        },
    ]

    // MARK: Services

    /// Adds (or replaces) a dataset service, loading its rows: `.csv`, `.json` (an array of objects),
    /// `.ndjson`, or `sqlite:PATH#TABLE`. Lookups by the key fields use an index, never a scan.
    public func addDataset(code: String, source: String, keys: [String]) throws -> ConnectService {
        try Self.checkCode(code)
        guard !keys.isEmpty else { throw ConnectError.invalidArgument("a dataset needs --key FIELD (the fields lookups may use)") }
        if let twice = keys.enumerated().first(where: { keys[..<$0.offset].contains($0.element) })?.element {
            throw ConnectError.invalidArgument("the key field '\(twice)' is given twice")
        }
        let rows = try DatasetLoader.load(source)
        // An empty dataset (a fixture, a register not yet filled) is served, answering no rows.
        for key in keys where !rows.isEmpty && !rows.contains(where: { $0[key] != nil }) {
            throw ConnectError.invalidArgument("no row of \(source) has the key field '\(key)'")
        }
        let now = Timestamp.format(clock.now())
        return try put(code, columns: rows.isEmpty ? nil : Set(rows.flatMap(\.keys)), describedAs: "dataset from \(source), \(rows.count) rows") { db in
            try db.execute(sql: "INSERT INTO connect_service VALUES (?, 'dataset', ?, NULL, ?, ?)",
                           arguments: [code, try Self.json(keys), source, now])
            for (n, row) in rows.enumerated() {
                try db.execute(sql: "INSERT INTO connect_row VALUES (?, ?, ?)", arguments: [code, n, try Self.json(row)])
                for key in keys {
                    guard let value = row[key] else { continue }
                    try db.execute(sql: "INSERT OR IGNORE INTO connect_key VALUES (?, ?, ?, ?)", arguments: [code, key, DatasetLoader.text(value), n])
                }
            }
        }
    }

    /// A service code as X-Road allows it, and not a metaservice's name (which would answer instead).
    static func checkCode(_ code: String) throws {
        _ = try ServiceID(provider: try MemberIdentity(parsing: "X/X/X/X"), code: code)
        if code == "listMethods" || code == "allowedMethods" {
            throw ConnectError.invalidArgument("'\(code)' is the name of a metaservice: pick another service code")
        }
    }

    /// A proxy's upstream must be an http(s) base URL. The base is shown by `connect services` and
    /// logged, so it holds no credentials; each request's own path and query are appended to it, so
    /// it holds neither a query nor a fragment.
    public static func checkUpstream(_ upstream: String) throws {
        do { try MutualTLSClient.validate(upstream) } catch let error as NetError {
            throw ConnectError.invalidArgument("'\(upstream)' is not an http(s) base URL: \(error.reasonText)")
        }
        if let parts = URLComponents(string: upstream) {
            if parts.user != nil || parts.password != nil {
                throw ConnectError.invalidArgument("the upstream URL holds credentials; mgov does not send or keep them (let the upstream trust the provider's address or certificate)")
            }
            if parts.query != nil || parts.fragment != nil {
                throw ConnectError.invalidArgument("the upstream URL is a base: without ?query or #fragment (each request's own path and query are added to it)")
            }
        }
    }

    public func addProxy(code: String, upstream: String) throws -> ConnectService {
        try Self.checkCode(code)
        try Self.checkUpstream(upstream)
        let base = upstream.hasSuffix("/") ? String(upstream.dropLast()) : upstream
        let now = Timestamp.format(clock.now())
        return try put(code, columns: [], describedAs: "proxy to \(base)") { db in
            try db.execute(sql: "INSERT INTO connect_service VALUES (?, 'proxy', '[]', ?, NULL, ?)", arguments: [code, base, now])
        }
    }

    /// Puts a service in place of any of its code, in one transaction with its audit event:
    /// `insert` writes the service (and its rows); `columns` are the fields its grants may still
    /// limit (see `keepHeldGrantsValid`). The service returned says how many grants it kept.
    private func put(_ code: String, columns: Set<String>?, describedAs description: String,
                     _ insert: (Database) throws -> Void) throws -> ConnectService {
        let kept = try change { db -> Int? in
            let kept = try keepHeldGrantsValid(code, columns: columns, db)
            try db.execute(sql: "DELETE FROM connect_service WHERE code = ?", arguments: [code])
            try insert(db)
            try record("MConnect.Service.Added", ["object": code, "object_type": "service",
                                                  "event_message": (kept == nil ? "" : "replaced by a ") + description], in: db)
            return kept
        }
        var added = try service(code)
        added.grantsKept = kept
        return added
    }

    /// Before a service is replaced: its live grants stay, so each unexpired grant limited to some
    /// fields must still find them in what replaces it (`columns`; empty for a proxy, which has
    /// none; nil for an empty dataset, which discloses nothing). A grant left naming a field that is
    /// gone would quietly hand out less than it says, or, for a proxy, everything. An expired grant
    /// is never used again. Returns how many unexpired grants the service keeps, or nil when there
    /// is no service of that code to replace.
    func keepHeldGrantsValid(_ code: String, columns: Set<String>?, _ db: Database) throws -> Int? {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM connect_service WHERE code = ?)", arguments: [code]) == true else { return nil }
        let now = Timestamp.format(clock.now())
        let live = try grants(client: nil, service: code, db).filter { !$0.hasExpired(at: now) }
        guard let columns else { return live.count }
        for grant in live {
            guard let fields = grant.fields else { continue }
            let missing = fields.filter { !columns.contains($0) }
            guard missing.isEmpty else {
                let what = columns.isEmpty ? "a proxy has no fields to limit" : "the new data has no field \(missing.joined(separator: ", "))"
                throw ConnectError.refused("the grant of \(code) to \(grant.client) is limited to \(fields.joined(separator: ", ")), and \(what): revoke that grant first (mgov connect revoke \(grant.client) --service \(code))")
            }
        }
        return live.count
    }

    /// Removes a service with its rows, and revokes its grants (left in place, a service added
    /// later under the same code would have inherited them). Returns how many grants it revoked.
    @discardableResult
    public func removeService(_ code: String) throws -> Int {
        let now = Timestamp.format(clock.now())
        return try change { db -> Int in
            try db.execute(sql: "DELETE FROM connect_service WHERE code = ?", arguments: [code])
            guard db.changesCount > 0 else { throw ConnectError.unknownService(code) }
            try db.execute(sql: "UPDATE connect_grant SET revoked_at = ? WHERE service = ? AND revoked_at IS NULL", arguments: [now, code])
            let revoked = db.changesCount
            try record("MConnect.Service.Removed", ["object": code, "object_type": "service",
                                                    "event_message": revoked == 0 ? "removed" : "removed, with its \(revoked) grant(s) revoked"], in: db)
            return revoked
        }
    }

    public func services() throws -> [ConnectService] {
        try store.database.read { db in
            try String.fetchAll(db, sql: "SELECT code FROM connect_service ORDER BY code").map { try self.service($0, db) }
        }
    }

    public func service(_ code: String, countingRows: Bool = true) throws -> ConnectService {
        try store.database.read { db in try self.service(code, db, countingRows: countingRows) }
    }

    func service(_ code: String, _ db: Database, countingRows: Bool = true) throws -> ConnectService {
        // Cached statements on the request path: compiling SQL was a fifth of a request's time.
        guard let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM connect_service WHERE code = ?"), arguments: [code]) else {
            throw ConnectError.unknownService(code)
        }
        let count = countingRows ? try Int.fetchOne(db, sql: "SELECT count(*) FROM connect_row WHERE service = ?", arguments: [code]) ?? 0 : nil
        return ConnectService(code: code, kind: row["kind"], keys: try Self.list(row["keys"]),
                              upstream: row["upstream"], source: row["source"], rows: count)
    }

    /// Rows matching every `filter` (key field = value), a page at a time; the total count too.
    public func lookup(_ code: String, filter: [(String, String)], limit: Int, offset: Int) throws -> (rows: [[String: Any]], total: Int) {
        try store.database.read { db in try lookup(code, filter: filter, limit: limit, offset: offset, db) }
    }

    func lookup(_ code: String, filter: [(String, String)], limit: Int, offset: Int, _ db: Database) throws -> (rows: [[String: Any]], total: Int) {
        let (texts, total) = try lookupJSON(code, filter: filter, limit: limit, offset: offset, db)
        return (try texts.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }, total)
    }

    /// The rows as stored: each a JSON object with sorted keys.
    func lookupJSON(_ code: String, filter: [(String, String)], limit: Int, offset: Int, _ db: Database) throws -> (rows: [String], total: Int) {
        var sql = "SELECT r.data FROM connect_row r WHERE r.service = ?"
        var arguments: [(any DatabaseValueConvertible)?] = [code]
        for (field, value) in filter {
            sql += " AND r.n IN (SELECT n FROM connect_key WHERE service = ? AND field = ? AND value = ?)"
            arguments += [code, field, value]
        }
        let rows = try String.fetchAll(try db.cachedStatement(sql: sql + " ORDER BY r.n LIMIT ? OFFSET ?"), arguments: StatementArguments(arguments + [limit, offset]))
        // A first page that is not full holds every match: no second query to count them.
        if offset == 0 && rows.count < limit { return (rows, rows.count) }
        let total = try Int.fetchOne(try db.cachedStatement(sql: "SELECT count(*) FROM (\(sql))"), arguments: StatementArguments(arguments)) ?? 0
        return (rows, total)
    }

    // MARK: Grants

    public func grant(client: MemberIdentity, service: String, legalBases: [String], fields: [String]?, expires: Date?) throws -> Grant {
        guard client.subsystem != nil else { throw ConnectError.invalidArgument("a grant is for a subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM") }
        guard !legalBases.isEmpty, legalBases.allSatisfy({ !$0.isEmpty && $0.utf8.count <= Protocol.maximumBasisBytes }) else {
            throw ConnectError.invalidArgument("a grant needs at least one --legal-basis (at most 256 bytes each)")
        }
        if let expires, expires <= clock.now() { throw ConnectError.invalidArgument("--expires must be in the future") }
        let granted = try self.service(service, countingRows: false)
        if let fields { try checkFields(fields, of: granted) }
        let now = Timestamp.format(clock.now())
        let values: [(any DatabaseValueConvertible)?] = [client.description, service, try Self.json(legalBases), try fields.map(Self.json), expires.map(Timestamp.format)]
        let createdAt = try change { db -> String in
            // The same grant again (a script run twice) is the one already held, not a second row to revoke.
            if let held = try String.fetchOne(db, sql: """
                SELECT created_at FROM connect_grant WHERE client = ? AND service = ? AND legal_bases = ? AND fields IS ? AND expires_at IS ?
                    AND revoked_at IS NULL
                """, arguments: StatementArguments(values)) {
                return held
            }
            try db.execute(sql: "INSERT INTO connect_grant (client, service, legal_bases, fields, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: StatementArguments(values + [now]))
            try record("MConnect.Grant.Created", ["object": service, "object_type": "service", "legal_entity": client.memberCode,
                                                  "legal_basis": legalBases.joined(separator: "; "), "event_message": "granted to \(client)"], in: db)
            return now
        }
        return Grant(client: client.description, service: service, legalBases: legalBases, fields: fields, expiresAt: expires.map(Timestamp.format), createdAt: createdAt)
    }

    /// A grant's fields must name columns of its dataset: a misspelt one would silently return
    /// nothing of it, and no field at all would return empty rows.
    func checkFields(_ fields: [String], of service: ConnectService) throws {
        guard service.kind == "dataset" else { throw ConnectError.invalidArgument("--fields limit dataset services only; \(service.code) is a proxy") }
        guard !fields.isEmpty, fields.allSatisfy({ !$0.isEmpty }) else { throw ConnectError.invalidArgument("--fields needs at least one field name") }
        let columns = try store.database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT key FROM connect_row, json_each(connect_row.data) WHERE service = ?", arguments: [service.code]))
        }
        let unknown = fields.filter { !columns.contains($0) }
        guard unknown.isEmpty else {
            throw ConnectError.invalidArgument("\(service.code) has no field \(unknown.joined(separator: ", ")) (its fields: \(columns.sorted().joined(separator: ", ")))")
        }
    }

    public func revoke(client: MemberIdentity, service: String) throws {
        let now = Timestamp.format(clock.now())
        try change { db in
            try db.execute(sql: "UPDATE connect_grant SET revoked_at = ? WHERE client = ? AND service = ? AND revoked_at IS NULL",
                           arguments: [now, client.description, service])
            guard db.changesCount > 0 else { throw ConnectError.invalidArgument("\(client) holds no grant for \(service)") }
            try record("MConnect.Grant.Revoked", ["object": service, "object_type": "service", "legal_entity": client.memberCode,
                                                  "event_message": "revoked for \(client)"], in: db)
        }
    }

    /// Live (unrevoked) grants, expired ones included: the caller tells expiry apart.
    public func grants(client: String? = nil, service: String? = nil) throws -> [Grant] {
        try store.database.read { db in try grants(client: client, service: service, db) }
    }

    func grants(client: String?, service: String?, _ db: Database) throws -> [Grant] {
        var sql = "SELECT * FROM connect_grant WHERE revoked_at IS NULL"
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let client { sql += " AND client = ?"; arguments.append(client) }
        if let service { sql += " AND service = ?"; arguments.append(service) }
        return try Row.fetchAll(try db.cachedStatement(sql: sql + " ORDER BY client, service, id"), arguments: StatementArguments(arguments)).map { row in
            Grant(client: row["client"], service: row["service"], legalBases: try Self.list(row["legal_bases"]),
                  fields: try (row["fields"] as String?).map(Self.list), expiresAt: row["expires_at"], createdAt: row["created_at"])
        }
    }

    // MARK: Clients

    /// A certificate bound to a client identity.
    public struct ClientBinding: Codable, Sendable {
        public let identity: String
        public let fingerprint: String
        public let createdAt: String
        enum CodingKeys: String, CodingKey { case identity, fingerprint, createdAt = "created_at" }
    }

    /// Binds a certificate (by SHA-256 fingerprint) to a client subsystem, for certificates without
    /// the SAN URI. The certificate must be a client's own (not a CA's), chain to `anchors` (the
    /// provider's trust anchors: no other would get through the handshake), and name no identity
    /// already: one bound to two identities could act as both. A certificate is bound to one
    /// identity; binding it to another needs `removeClient` first.
    public func addClient(_ identity: MemberIdentity, certificate: Certificate, intermediates: [Certificate] = [], anchors: [Certificate]) throws {
        guard identity.subsystem != nil else {
            throw ConnectError.invalidArgument("a client is a subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM, not \(identity)")
        }
        guard !certificate.isCA else { throw ConnectError.invalidArgument("\(certificate.subject) is a CA certificate: bind the client's own") }
        do {
            try TrustVerifier.verify(certificate, intermediates: intermediates, anchors: anchors)
        } catch let error as UserFacingError {
            throw ConnectError.invalidArgument("\(certificate.subject) would not get through the handshake: \(error.description)")
        }
        if let first = certificate.xroadIdentities.first {
            throw ConnectError.invalidArgument("the certificate names \(first) already (its SAN URI): it needs no binding, and may act as no other client")
        }
        let fingerprint = certificate.sha256Fingerprint
        try change { db in
            if let bound = try self.client(fingerprint: fingerprint, db) {
                guard bound == identity.description else {
                    throw ConnectError.invalidArgument("the certificate is bound to \(bound): remove that first ('mgov connect clients rm \(bound)')")
                }
                return  // bound already: nothing changes, nothing to log
            }
            try db.execute(sql: "INSERT INTO connect_client VALUES (?, ?, ?)", arguments: [fingerprint, identity.description, Timestamp.format(clock.now())])
            try record("MConnect.Client.Registered", ["object": identity.description, "object_type": "client", "event_message": "certificate \(fingerprint)"], in: db)
        }
    }

    /// Every binding, by identity.
    public func clients() throws -> [ClientBinding] {
        try store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT identity, fingerprint, created_at FROM connect_client ORDER BY identity, created_at").map {
                ClientBinding(identity: $0["identity"], fingerprint: $0["fingerprint"], createdAt: $0["created_at"])
            }
        }
    }

    /// Removes the certificates bound to `identity`; returns how many there were.
    @discardableResult
    public func removeClient(_ identity: MemberIdentity) throws -> Int {
        return try change { db -> Int in
            try db.execute(sql: "DELETE FROM connect_client WHERE identity = ?", arguments: [identity.description])
            let removed = db.changesCount
            guard removed > 0 else { throw ConnectError.invalidArgument("no certificate is bound to \(identity)") }
            try record("MConnect.Client.Removed", ["object": identity.description, "object_type": "client",
                                                   "event_message": "\(removed) certificate binding\(removed == 1 ? "" : "s") removed"], in: db)
            return removed
        }
    }

    public func client(fingerprint: String) throws -> String? {
        try store.database.read { db in try client(fingerprint: fingerprint, db) }
    }

    func client(fingerprint: String, _ db: Database) throws -> String? {
        try String.fetchOne(try db.cachedStatement(sql: "SELECT identity FROM connect_client WHERE fingerprint = ?"), arguments: [fingerprint])
    }

    // MARK: Helpers

    /// Where a change to services, grants or clients is announced to running providers (`SnapshotCache`).
    public var generationPath: String { store.home.path + "/connect.generation" }

    /// A write to the registry, then the announcement: the generation file is replaced (a new inode).
    func change<T>(_ body: (Database) throws -> T) throws -> T {
        let result = try store.database.write(body)
        try FileSystem.writeAtomically(Data(Identifier.make(at: clock.now()).utf8), to: generationPath, mode: 0o600)
        return result
    }

    /// Records an event inside the write transaction that made the change: the two commit together.
    func record(_ type: String, _ fields: [String: String?], in db: Database) throws {
        try audit.record(type, at: clock.now(), fields, in: db)
    }

    /// A string list stored as JSON text (key fields, legal bases, granted fields).
    static func list(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func json(_ row: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// Reads dataset files into rows.
enum DatasetLoader {
    static func load(_ source: String) throws -> [[String: Any]] {
        if source.hasPrefix("sqlite:") {
            let spec = source.dropFirst("sqlite:".count)
            guard let hash = spec.lastIndex(of: "#") else { throw ConnectError.invalidArgument("write sqlite:PATH#TABLE") }
            let path = String(spec[..<hash]), table = String(spec[spec.index(after: hash)...])
            guard !table.isEmpty, table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConnectError.invalidArgument("'\(table)' is not a table or view name")
            }
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { row in
                    var object: [String: Any] = [:]
                    for (column, value) in row {
                        switch value.storage {
                        case .null: continue
                        case .int64(let v): object[column] = v
                        case .double(let v): object[column] = v
                        case .string(let v): object[column] = v
                        case .blob(let v): object[column] = v.base64EncodedString()
                        }
                    }
                    return object
                }
            }
        }
        let data = try FileSystem.read(source)
        let lower = source.lowercased()
        if lower.hasSuffix(".csv") { return try csv(String(decoding: data, as: UTF8.self), name: source) }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") {
            // omittingEmptySubsequences: false, so that the line numbers count blank lines too.
            return try data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated().compactMap { index, line in
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return nil }
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                    throw ConnectError.invalidArgument("\(source) line \(index + 1) is not a JSON object")
                }
                return object
            }
        }
        if lower.hasSuffix(".json") {
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw ConnectError.invalidArgument("\(source) is not a JSON array of objects")
            }
            return array
        }
        throw ConnectError.invalidArgument("\(source): a dataset is .csv, .json, .ndjson or sqlite:PATH#TABLE")
    }

    /// RFC 4180 CSV with a header row (MGovCore's reader), values as text.
    static func csv(_ text: String, name: String) throws -> [[String: Any]] {
        do {
            return try CSV.records(text, name: name).map { $0.mapValues { $0 as Any } }
        } catch let error as CoreError {
            throw ConnectError.invalidArgument(error.description)
        }
    }

    /// A JSON value as a key is compared and as one CSV cell or XML text: strings as they are, numbers and booleans as JSON
    /// writes them, null as nothing, objects and arrays as their JSON (Swift's debug form and
    /// `<null>` came out before).
    static func text(_ value: Any) -> String {
        if let string = value as? String { return string }
        if value is NSNull { return "" }
        if let number = value as? NSNumber {
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        }
        if JSONSerialization.isValidJSONObject(value),
           let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) {
            return String(decoding: data, as: UTF8.self)
        }
        return String(describing: value)
    }
}
