import Foundation
import GRDB
import MGovCore
import MGovCrypto

/// The document store (MDocs' model): types with retention rules, documents with versions, a
/// recycle bin, legal holds, and shares. Content lives in the `BlobStore`; every change and every
/// read is an audit event.
public final class DocumentStore: Sendable {
    public let store: Store
    public let blobs: BlobStore
    let clock: Clock
    let audit: any AuditSink

    public init(store: Store, clock: Clock, audit: any AuditSink) {
        self.store = store
        self.blobs = BlobStore(home: store.home)
        self.clock = clock
        self.audit = audit
    }

    public static let migrations: [StoreMigration] = [
        StoreMigration("docs.1-documents") { db in
            try db.execute(sql: """
                CREATE TABLE docs_type (
                    code TEXT PRIMARY KEY,
                    retention TEXT NOT NULL,
                    delete_on_expiry INTEGER NOT NULL,
                    official INTEGER NOT NULL,
                    anonymous_verify INTEGER NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE docs_document (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    number TEXT,
                    type_code TEXT REFERENCES docs_type(code),
                    owner TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_on TEXT,
                    tags TEXT NOT NULL,
                    deleted_at TEXT,
                    hold_reason TEXT
                );
                CREATE INDEX docs_document_by_owner ON docs_document(owner);
                CREATE INDEX docs_document_by_type ON docs_document(type_code);
                CREATE TABLE docs_version (
                    document_id TEXT NOT NULL REFERENCES docs_document(id) ON DELETE CASCADE,
                    version INTEGER NOT NULL,
                    blob TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    added_by TEXT NOT NULL,
                    added_at TEXT NOT NULL,
                    PRIMARY KEY (document_id, version)
                ) WITHOUT ROWID;
                CREATE INDEX docs_version_by_blob ON docs_version(blob);
                CREATE TABLE docs_share (
                    id TEXT PRIMARY KEY,
                    document_id TEXT REFERENCES docs_document(id) ON DELETE CASCADE,
                    grantee TEXT,
                    permission TEXT NOT NULL,
                    valid_from TEXT NOT NULL,
                    valid_to TEXT NOT NULL,
                    code_hash TEXT UNIQUE,
                    shared_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                );
                CREATE INDEX docs_share_by_document ON docs_share(document_id);
                CREATE INDEX docs_share_by_grantee ON docs_share(grantee);
                """)
        },
        // Who placed a legal hold: only they may change or release it (NULL, for a hold placed
        // before: the owner).
        StoreMigration("docs.2-hold-by") { db in
            try db.execute(sql: "ALTER TABLE docs_document ADD COLUMN hold_by TEXT")
        },
    ]

    // MARK: Types

    public func addType(code: String, retention: String, deleteOnExpiry: Bool, official: Bool, anonymousVerify: Bool) throws -> DocumentType {
        try Self.checkTypeCode(code)
        let period = try Retention(retention)
        let now = Timestamp.format(clock.now())
        let type = try store.database.write { db -> DocumentType in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM docs_type WHERE code = ?", arguments: [code]) != nil { throw DocsError.typeExists(code) }
            try db.execute(sql: "INSERT INTO docs_type VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [code, period.description, deleteOnExpiry, official, anonymousVerify, now])
            try record("MDocs.Type.Added", ["object": code, "object_type": "document_type", "event_message": "retention \(period)"], in: db)
            return try self.type(code, db)
        }
        return type
    }

    public func types() throws -> [DocumentType] {
        try store.database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM docs_type ORDER BY code").map(DocumentType.init) }
    }

    func type(_ code: String, _ db: Database) throws -> DocumentType {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM docs_type WHERE code = ?", arguments: [code]) else { throw DocsError.unknownType(code) }
        return DocumentType(row: row)
    }

    // MARK: Documents

    /// What `add` records besides the content.
    public struct NewDocument: Sendable {
        public var name: String
        public var owner: Principal
        public var type: String?
        public var number: String?
        /// `YYYY-MM-DD`.
        public var expiresOn: String?
        public var tags: [String] = []
        /// A link reserved earlier (`share --link` without a document): bound to the new document.
        public var linkCode: String?

        public init(name: String, owner: Principal) {
            self.name = name
            self.owner = owner
        }
    }

    /// Stores the content read from `input` and records a document owned by `new.owner`, added by `actor`.
    public func add(_ new: NewDocument, from input: Int32, actor: Principal) throws -> Document {
        try Self.checkName(new.name)
        if let number = new.number { try Self.checkNumber(number) }
        if let date = new.expiresOn { try Self.checkDate(date) }
        try Self.checkTags(new.tags)
        guard new.owner != .everyone else { throw DocsError.invalidArgument("urn:public cannot own a document") }
        let staged = try blobs.stage(from: input)
        let now = clock.now()
        let id = Identifier.make(at: now)
        let tags = String(decoding: try JSONEncoder().encode(new.tags), as: UTF8.self)
        let document = try store.database.write { db -> Document in
            if let type = new.type { _ = try self.type(type, db) }
            try db.execute(sql: """
                INSERT INTO docs_document (id, name, number, type_code, owner, created_by, created_at, expires_on, tags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, new.name, new.number, new.type, new.owner.urn, actor.urn, Timestamp.format(now), new.expiresOn, tags])
            try db.execute(sql: "INSERT INTO docs_version VALUES (?, 1, ?, ?, ?, ?)",
                           arguments: [id, staged.hash, staged.size, actor.urn, Timestamp.format(now)])
            if let code = new.linkCode {
                // Only a document of the link's reserver takes it: a link gives no more than its maker holds.
                try db.execute(sql: "UPDATE docs_share SET document_id = ? WHERE code_hash = ? AND document_id IS NULL AND revoked_at IS NULL AND shared_by = ?",
                               arguments: [id, Self.codeHash(code), new.owner.urn])
                guard db.changesCount == 1 else {
                    throw DocsError.invalidArgument("the access code is not a link reserved by \(new.owner) and still unused")
                }
            }
            // The event commits with the record it tells of (docs verify checks the one against the other).
            let document = try self.document(id, db)
            try record("MDocs.Document.Added", contentFields(document, version: 1, sha256: staged.hash, actor: actor,
                                                             message: "added \(new.name) (\(staged.size) bytes, sha256 \(staged.hash))"), in: db)
            try staged.place()
            return document
        }
        return document
    }

    public func addVersion(_ id: String, from input: Int32, actor: Principal) throws -> Document {
        let staged = try blobs.stage(from: input)
        let now = Timestamp.format(clock.now())
        let document = try store.database.write { db -> Document in
            let current = try self.document(id, db)
            if current.deletedAt != nil { throw DocsError.deleted(id) }
            try self.require(.write, of: actor, on: current, db)
            let next = (current.versions.last?.version ?? 0) + 1
            try db.execute(sql: "INSERT INTO docs_version VALUES (?, ?, ?, ?, ?, ?)", arguments: [id, next, staged.hash, staged.size, actor.urn, now])
            let document = try self.document(id, db)
            try record("MDocs.Document.VersionAdded", contentFields(document, version: next, sha256: staged.hash, actor: actor,
                                                                   message: "version \(next) (\(staged.size) bytes, sha256 \(staged.hash))"), in: db)
            try staged.place()
            return document
        }
        return document
    }

    public func document(_ id: String) throws -> Document {
        try store.database.read { db in try self.document(id, db) }
    }

    func document(_ id: String, _ db: Database) throws -> Document {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM docs_document WHERE id = ?", arguments: [id]) else { throw DocsError.unknownDocument(id) }
        var document = Document(row: row)
        document.versions = try Row.fetchAll(db, sql: "SELECT * FROM docs_version WHERE document_id = ? ORDER BY version", arguments: [id])
            .map(DocumentVersion.init)
        document.flags = try flags(document, db)
        return document
    }

    private func flags(_ document: Document, _ db: Database) throws -> [String] {
        var flags: [String] = []
        if let code = document.type, try self.type(code, db).official { flags.append("Official") }
        if let expires = document.expiresOn {
            let today = Self.day(clock.now())
            let soon = Self.day(clock.now().addingTimeInterval(30 * 86_400))
            if expires < today { flags.append("Expired") } else if expires <= soon { flags.append("Expiring") }
        }
        if document.deletedAt != nil { flags.append("Deleted") }
        if document.holdReason != nil { flags.append("Held") }
        return flags
    }

    public struct Filter: Sendable {
        public var owner: Principal?
        public var type: String?
        public var expiring = false
        public var deleted = false
        public init() {}
    }

    public func list(_ filter: Filter) throws -> [Document] {
        try store.database.read { db in
            var sql = "SELECT id FROM docs_document WHERE deleted_at IS \(filter.deleted ? "NOT " : "")NULL"
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let owner = filter.owner { sql += " AND owner = ?"; arguments.append(owner.urn) }
            if let type = filter.type { sql += " AND type_code = ?"; arguments.append(type) }
            if filter.expiring {
                sql += " AND expires_on IS NOT NULL AND expires_on >= ? AND expires_on <= ?"
                arguments += [Self.day(clock.now()), Self.day(clock.now().addingTimeInterval(30 * 86_400))]
            }
            sql += " ORDER BY created_at, id"
            return try String.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { try self.document($0, db) }
        }
    }

    /// Streams a version (default: the latest) to `output` after checking `actor` may read it;
    /// the content's hash is checked as it is read (`corruptBlob` at the end when it changed).
    @discardableResult
    /// Writes a version's content to `output`, checked against its hash. Unless `discardedOnError`
    /// (a file the caller drops when this throws), the content is checked before the first byte is
    /// written, so a damaged blob never reaches a pipe, a terminal or a redirected stdout.
    public func read(_ id: String, version: Int? = nil, actor: Principal, to output: Int32, discardedOnError: Bool = false) throws -> DocumentVersion {
        let (document, chosen) = try store.database.read { db -> (Document, DocumentVersion) in
            let document = try self.document(id, db)
            if document.deletedAt != nil { throw DocsError.deleted(id) }
            do {
                try self.require(.read, of: actor, on: document, db)
            } catch {
                try self.recordRefusal(.noShare, object: id, owner: document.owner, principal: actor.urn, address: nil)
                throw error
            }
            guard let chosen = version.map({ v in document.versions.first { $0.version == v } }) ?? document.latest else {
                throw DocsError.unknownVersion(document: id, version: version ?? 0)
            }
            return (document, chosen)
        }
        if !discardedOnError { try blobs.check(chosen.sha256) }
        try blobs.read(chosen.sha256, to: output)
        try record("MDocs.Document.Read", documentFields(document, actor: actor, message: "read version \(chosen.version)"))
        return chosen
    }

    public func remove(_ id: String, actor: Principal) throws {
        let now = Timestamp.format(clock.now())
        try store.database.write { db in
            let document = try self.document(id, db)
            if document.deletedAt != nil { throw DocsError.deleted(id) }
            try self.requireOwner(actor, document)
            try db.execute(sql: "UPDATE docs_document SET deleted_at = ? WHERE id = ?", arguments: [now, id])
            try record("MDocs.Document.Deleted", documentFields(document, actor: actor, message: "moved to the recycle bin"), in: db)
        }
    }

    public func restore(_ id: String, actor: Principal) throws {
        try store.database.write { db in
            let document = try self.document(id, db)
            guard document.deletedAt != nil else { throw DocsError.notDeleted(id) }
            try self.requireOwner(actor, document)
            try db.execute(sql: "UPDATE docs_document SET deleted_at = NULL WHERE id = ?", arguments: [id])
            try record("MDocs.Document.Restored", documentFields(document, actor: actor, message: "restored from the recycle bin"), in: db)
        }
    }

    /// Puts a legal hold on (reason) or takes it off (nil): a held document is never purged. The
    /// principal who placed a hold is the only one who may change or release it (an authority's
    /// hold is not lifted by the owner it binds); a refused attempt is logged.
    public func hold(_ id: String, reason: String?, actor: Principal) throws {
        if let reason, reason.trimmingCharacters(in: .whitespaces).isEmpty { throw DocsError.invalidArgument("a legal hold needs a reason") }
        if reason != nil, actor == .everyone {
            throw DocsError.invalidArgument("a legal hold is placed by a named principal (--as urn:md:…), not urn:public: anyone could release it")
        }
        let outcome = try store.database.write { db -> (Document, refusal: String?) in
            let document = try self.document(id, db)
            if reason == nil, document.holdReason == nil { throw DocsError.notHeld(id) }
            if let current = document.holdReason, let holder = document.holdBy, holder != actor.urn {
                return (document, "document \(id) is under a legal hold placed by \(holder) (\(current)): only \(holder) may change or release it")
            }
            try db.execute(sql: "UPDATE docs_document SET hold_reason = ?, hold_by = ? WHERE id = ?",
                           arguments: [reason, reason == nil ? nil : actor.urn, id])
            try record(reason == nil ? "MDocs.Document.Released" : "MDocs.Document.Held",
                       documentFields(document, actor: actor, message: reason.map { "legal hold: \($0)" } ?? "legal hold released"), in: db)
            return (document, nil)
        }
        if let refusal = outcome.refusal {
            try recordRefusal(.notHolder, object: id, owner: outcome.0.owner, principal: actor.urn, address: nil)
            throw DocsError.denied(refusal)
        }
    }

    /// What `purge` did.
    public struct PurgeReport: Codable, Sendable {
        public var purged: [String] = []
        public var blobsRemoved = 0
        /// Documents that would be purged but are under legal hold, with the reason.
        public var held: [String: String] = [:]
        /// Documents in the bin (or expired) still inside their retention period, with its end.
        public var retained: [String: String] = [:]
        /// Content left staged by adds that never finished (older than a day).
        public var abandonedUploadsRemoved = 0

        enum CodingKeys: String, CodingKey {
            case purged, held, retained, blobsRemoved = "blobs_removed", abandonedUploadsRemoved = "abandoned_uploads_removed"
        }
    }

    /// How long staged content of an unfinished add is kept before a purge removes it.
    static let abandonedUploadAge: TimeInterval = 24 * 3600

    /// Removes for good the documents in the recycle bin, and the expired documents of types with
    /// delete-on-expiry, whose retention has ended; never one under legal hold. Blobs no remaining
    /// version refers to are deleted too, and content staged by adds that never finished.
    public func purge(actor: Principal, dryRun: Bool = false) throws -> PurgeReport {
        let now = clock.now()
        let today = Self.day(now)
        var report = PurgeReport()
        var unusedBlobs: [String] = []
        // A dry run does everything in the transaction, then rolls it back: its figures are the real
        // run's (it counted no blobs before). Blob files go only once the records that used them are
        // gone for good: removed inside the transaction, a failed commit would leave records without content.
        struct RolledBack: Error {}
        do { try store.database.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.id FROM docs_document d LEFT JOIN docs_type t ON t.code = d.type_code
                WHERE d.deleted_at IS NOT NULL OR (t.delete_on_expiry = 1 AND d.expires_on IS NOT NULL AND d.expires_on < ?)
                ORDER BY d.created_at
                """, arguments: [today])
            for row in rows {
                let document = try self.document(row["id"], db)
                let retention = try document.type.map { try Retention(try self.type($0, db).retention) } ?? Retention("0")
                let created = Timestamp.parse(document.createdAt) ?? now
                let end = retention.end(from: created)
                if let reason = document.holdReason {
                    report.held[document.id] = reason
                } else if end > now {
                    report.retained[document.id] = Timestamp.format(end)
                } else {
                    report.purged.append(document.id)
                    try db.execute(sql: "DELETE FROM docs_document WHERE id = ?", arguments: [document.id])
                    if !dryRun { try record("MDocs.Document.Purged", documentFields(document, actor: actor, message: "purged"), in: db) }
                    for hash in Set(document.versions.map(\.sha256)) {
                        let used = try Int.fetchOne(db, sql: "SELECT count(*) FROM docs_version WHERE blob = ?", arguments: [hash]) ?? 0
                        if used == 0 { unusedBlobs.append(hash) }
                    }
                }
            }
            if dryRun { throw RolledBack() }
        } } catch is RolledBack {}
        report.blobsRemoved = unusedBlobs.count
        if !dryRun { for hash in unusedBlobs { blobs.remove(hash) } }
        // File times are the system clock's, whatever clock the store's records use.
        report.abandonedUploadsRemoved = blobs.abandonedStaging(olderThan: Self.abandonedUploadAge, now: Date(), remove: !dryRun)
        return report
    }

    /// The result of re-hashing one blob.
    public struct BlobCheck: Codable, Sendable {
        public let sha256: String
        /// The documents (id and version) that use it.
        public let usedBy: [String]
        public let problem: String?
        /// Of `usedBy`, the versions whose hash the log does not hold (added before the log recorded
        /// hashes, or an add whose event was lost in a crash); nil when the log was not consulted.
        public let notInLog: [String]?

        enum CodingKeys: String, CodingKey { case sha256, problem, usedBy = "used_by", notInLog = "not_in_log" }
    }

    /// One version of one document.
    public struct VersionRef: Hashable, Sendable, CustomStringConvertible {
        public let document: String
        public let version: Int
        public init(document: String, version: Int) { self.document = document; self.version = version }
        public var description: String { "\(document) v\(version)" }
    }

    /// The event types that record a version's content hash (`object_version`, `object_sha256`).
    public static let contentEventTypes = ["MDocs.Document.Added", "MDocs.Document.VersionAdded"]

    /// The version and content hash an add event of `contentEventTypes` records, read from its
    /// fields; nil when it records none. Events written before the hash had fields of its own give
    /// it in the message of a first version ("added NAME (N bytes, sha256 HEX)").
    public static func loggedContent(type: String, fields: [String: String]) -> (VersionRef, sha256: String)? {
        guard contentEventTypes.contains(type), let document = fields["object"] else { return nil }
        if let version = fields["object_version"].flatMap(Int.init), let hash = fields["object_sha256"], BlobStore.isHash(hash) {
            return (VersionRef(document: document, version: version), hash)
        }
        guard type == "MDocs.Document.Added", let message = fields["event_message"], message.hasSuffix(")"),
              let marker = message.range(of: " bytes, sha256 ", options: .backwards) else { return nil }
        let hash = String(message[marker.upperBound...].dropLast())
        return BlobStore.isHash(hash) ? (VersionRef(document: document, version: 1), hash) : nil
    }

    /// Re-hashes every blob (or those of one document) and reports the missing and corrupted ones.
    /// With `logged` (what the audit log recorded of each version as it was added, from
    /// `loggedContent`), a version whose record in the store names other content than the log
    /// does is a problem too: the store's record, and perhaps the blob with it, was replaced.
    /// `hashesLoggedSince` is when the log first recorded an add's hash: a version added since
    /// then that the log holds no add of is a problem (its event was taken out of the log, or the
    /// record was put in the store behind mgov's back); one added before is only `notInLog`.
    public func verify(_ id: String? = nil, logged: [VersionRef: Set<String>]? = nil, hashesLoggedSince: Date? = nil) throws -> [BlobCheck] {
        let rows = try store.database.read { db -> [Row] in
            if let id { _ = try self.document(id, db) }
            return try Row.fetchAll(db, sql: "SELECT blob, document_id, version, added_at FROM docs_version \(id == nil ? "" : "WHERE document_id = ?") ORDER BY blob",
                                    arguments: id.map { [$0] } ?? [])
        }
        var uses: [String: [VersionRef]] = [:]
        var addedAt: [VersionRef: Date] = [:]
        for row in rows {
            let ref = VersionRef(document: row["document_id"], version: row["version"])
            uses[row["blob"], default: []].append(ref)
            addedAt[ref] = Timestamp.parse(row["added_at"])
        }
        return uses.keys.sorted().map { hash in
            let refs = uses[hash] ?? []
            var problems: [String] = []
            do { try blobs.check(hash) } catch { problems.append((error as? UserFacingError)?.description ?? String(describing: error)) }
            var notInLog: [String]?
            if let logged {
                notInLog = []
                for ref in refs where logged[ref] == nil {
                    if let since = hashesLoggedSince, let added = addedAt[ref], added >= since {
                        problems.append("the log holds no record of \(ref)'s add, though every add since \(Timestamp.format(since)) was logged: "
                            + "its event was taken out of the log, or the version was put in the store behind mgov's back")
                    } else {
                        notInLog?.append(ref.description)
                    }
                }
                for ref in refs {
                    guard let recorded = logged[ref], !recorded.contains(hash) else { continue }
                    problems.append("the log recorded \(ref) as sha256 \(recorded.sorted().joined(separator: " or ")) when it was added: "
                        + "the store's record of it was changed")
                }
            }
            return BlobCheck(sha256: hash, usedBy: refs.map(\.description), problem: problems.isEmpty ? nil : problems.joined(separator: "; "), notInLog: notInLog)
        }
    }

    // MARK: Access

    /// What `principal` may do with `document` now: everything as its owner, else what its live
    /// shares give. A share made by someone other than the owner gives only what its sharer itself
    /// still holds: when the sharer's own share ends or is revoked, the shares made from it end too
    /// (nobody shares more than they hold, then or later).
    func permission(of principal: Principal, on document: Document, _ db: Database) throws -> Permission? {
        try permission(of: principal.urn, on: document, db, depth: 0)
    }

    private func permission(of urn: String, on document: Document, _ db: Database, depth: Int) throws -> Permission? {
        if urn == document.owner { return .write }
        // A chain of re-shares longer than this (or a loop) gives nothing.
        guard depth < 8 else { return nil }
        let now = Timestamp.format(clock.now())
        let rows = try Row.fetchAll(db, sql: """
            SELECT permission, shared_by FROM docs_share
            WHERE document_id = ? AND (grantee = ? OR grantee = 'urn:public') AND revoked_at IS NULL
              AND valid_from <= ? AND valid_to >= ?
            """, arguments: [document.id, urn, now, now])
        var best: Permission?
        for row in rows {
            guard let granted = Permission(rawValue: row["permission"]) else { continue }
            guard let sharer = try sharerHolds(row["shared_by"], on: document, db, depth: depth) else { continue }
            let effective = min(granted, sharer)
            if best.map({ effective > $0 }) ?? true { best = effective }
        }
        return best
    }

    /// What the maker of a share holds now (nil: nothing, so the share gives nothing).
    func sharerHolds(_ sharer: String, on document: Document, _ db: Database, depth: Int = 0) throws -> Permission? {
        try permission(of: sharer, on: document, db, depth: depth + 1)
    }

    func require(_ needed: Permission, of principal: Principal, on document: Document, _ db: Database) throws {
        guard let held = try permission(of: principal, on: document, db), held >= needed else {
            throw DocsError.denied("\(principal) may not \(needed) document \(document.id) (not the owner, and no live share)")
        }
    }

    func requireOwner(_ principal: Principal, _ document: Document) throws {
        guard principal.urn == document.owner else { throw DocsError.denied("only the owner (\(document.owner)) may do this to document \(document.id)") }
    }

    // MARK: Helpers

    /// Records an event on its own: for what changes nothing in the store (a read, a refusal).
    func record(_ type: String, _ fields: [String: String?]) throws {
        try audit.record(type, at: clock.now(), fields)
    }

    /// Records an event inside the caller's write transaction: it commits with the change, or neither does.
    func record(_ type: String, _ fields: [String: String?], in db: Database) throws {
        try audit.record(type, at: clock.now(), fields, in: db)
    }

    /// The subject of an event about a document (shared, unshared, refused): its owner when a person,
    /// so the event shows in that person's access history. Nothing for an unknown id or an institution.
    func ownerSubject(_ documentID: String?, owner: String? = nil) -> [String: String?] {
        guard let documentID, let owner = owner ?? (try? document(documentID).owner) else { return [:] }
        return Self.subject(owner: owner)
    }

    /// `ownerSubject` inside a transaction (`db`).
    func ownerSubject(_ documentID: String?, _ db: Database) -> [String: String?] {
        guard let documentID, let owner = try? document(documentID, db).owner else { return [:] }
        return Self.subject(owner: owner)
    }

    static func subject(owner: String) -> [String: String?] {
        guard let idnp = (try? Principal(owner))?.idnp else { return [:] }
        return ["subject": idnp, "subject_type": "idnp"]
    }

    /// `documentFields` with the version added and its content hash, which `verify` checks the store against.
    func contentFields(_ document: Document, version: Int, sha256: String, actor: Principal, message: String) -> [String: String?] {
        documentFields(document, actor: actor, message: message).merging(["object_version": String(version), "object_sha256": sha256]) { $1 }
    }

    func documentFields(_ document: Document, actor: Principal, message: String) -> [String: String?] {
        let owner = try? Principal(document.owner)
        return ["object": document.id, "object_type": "document", "object_name": document.name, "user": actor.urn,
                "subject": owner?.idnp, "subject_type": owner?.idnp == nil ? nil : "idnp", "event_message": message]
    }

    static func day(_ date: Date) -> String { String(Timestamp.format(date).prefix(10)) }

    /// Throws unless `code` can name a document type: 1 to 50 letters, digits, '-', '_' or '.'.
    public static func checkTypeCode(_ code: String) throws {
        guard !code.isEmpty, code.count <= 50, code.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw DocsError.invalidArgument("a type code is 1 to 50 letters, digits, '-', '_' or '.'")
        }
    }

    /// Throws unless `name` can name a document: 1 to 250 characters.
    public static func checkName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 250 else { throw DocsError.invalidArgument("a document name has 1 to 250 characters, not \(name.count)") }
    }

    /// Throws unless `number` can number a document: 1 to 50 characters.
    public static func checkNumber(_ number: String) throws {
        guard !number.isEmpty, number.count <= 50 else { throw DocsError.invalidArgument("a document number has 1 to 50 characters, not \(number.count)") }
    }

    /// Throws unless `tags` can tag a document: at most 50, each of 1 to 100 characters (a tag is a
    /// label, listed with the document: one of megabytes was kept and printed by every show).
    public static func checkTags(_ tags: [String]) throws {
        guard tags.count <= 50 else { throw DocsError.invalidArgument("a document has at most 50 tags, not \(tags.count)") }
        for tag in tags where tag.isEmpty || tag.count > 100 {
            throw DocsError.invalidArgument("a tag has 1 to 100 characters, not \(tag.count)")
        }
    }

    /// Throws unless `text` is a date that exists, written YYYY-MM-DD.
    public static func checkDate(_ text: String) throws {
        guard text.count == 10, let date = Timestamp.parse(text), day(date) == text else {
            throw DocsError.invalidArgument("'\(text)' is not a date (YYYY-MM-DD)")
        }
    }

    static func codeHash(_ code: String) -> String { Hex.encode(Digest.sha256(Data(code.utf8))) }
}
