import Foundation
import GRDB
import MGovCore
import MGovCrypto

/// Shares as MDocs defines them: a principal (or the holder of a link's access code) may read or
/// write a document between two times. Access codes are random, shown once, stored only as a hash.
extension DocumentStore {
    /// A share's window and permission, checked against what the sharer holds.
    public struct ShareRequest: Sendable {
        public var permission: Permission = .read
        public var from: Date
        public var to: Date
        public init(from: Date, to: Date) {
            self.from = from
            self.to = to
        }
    }

    /// Shares `documentID` with `grantee`.
    public func share(_ documentID: String, with grantee: Principal, _ request: ShareRequest, actor: Principal) throws -> Share {
        try createShare(documentID, grantee: grantee, codeHash: nil, request, actor: actor)
    }

    /// Makes a link: an unguessable access code, returned once. Without a document the link is
    /// reserved, and bound later by `add` (`NewDocument.linkCode`).
    public func shareLink(_ documentID: String?, _ request: ShareRequest, actor: Principal) throws -> (share: Share, code: String) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        let code = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let share = try createShare(documentID, grantee: nil, codeHash: Self.codeHash(code), request, actor: actor)
        return (share, code)
    }

    private func createShare(_ documentID: String?, grantee: Principal?, codeHash: String?, _ request: ShareRequest, actor: Principal) throws -> Share {
        let now = clock.now()
        guard request.to > now else { throw DocsError.invalidArgument("a share's --to must be in the future") }
        guard request.from <= request.to else { throw DocsError.invalidArgument("a share's --from must not be after its --to") }
        let id = Identifier.make(at: now)
        let share = try store.database.write { db -> Share in
            if let documentID {
                let document = try self.document(documentID, db)
                if document.deletedAt != nil { throw DocsError.deleted(documentID) }
                guard let held = try self.permission(of: actor, on: document, db) else {
                    throw DocsError.denied("\(actor) holds no permission on document \(documentID) to share")
                }
                guard request.permission <= held else {
                    throw DocsError.denied("\(actor) holds \(held) permission on document \(documentID) and cannot share \(request.permission)")
                }
                // Nor for longer than the actor holds it (a grantee's own share ends).
                if actor.urn != document.owner, let until = try String.fetchOne(db, sql: """
                    SELECT MAX(valid_to) FROM docs_share WHERE document_id = ? AND (grantee = ? OR grantee = 'urn:public') AND revoked_at IS NULL
                    """, arguments: [documentID, actor.urn]), Timestamp.format(request.to) > until {
                    throw DocsError.denied("\(actor) holds document \(documentID) only until \(until), and cannot share it for longer")
                }
            }
            try db.execute(sql: "INSERT INTO docs_share VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                           arguments: [id, documentID, grantee?.urn, request.permission.rawValue, Timestamp.format(request.from),
                                       Timestamp.format(request.to), codeHash, actor.urn, Timestamp.format(now)])
            let share = try self.share(id, db)
            var fields: [String: String?] = ["object": documentID, "object_type": "document", "user": actor.urn, "share_id": id,
                                             "grantee": grantee?.urn ?? "link", "permission": request.permission.rawValue,
                                             "event_message": "shared until \(share.validTo)"]
            fields.merge(ownerSubject(documentID, db)) { $1 }
            try record("MDocs.Share.Created", fields, in: db)
            return share
        }
        return share
    }

    public func share(_ id: String) throws -> Share {
        try store.database.read { db in try self.share(id, db) }
    }

    func share(_ id: String, _ db: Database) throws -> Share {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM docs_share WHERE id = ?", arguments: [id]) else { throw DocsError.unknownShare(id) }
        return Share(row: row, now: clock.now())
    }

    /// Shares made by `sharedBy`, or for `grantee`, or of one document (all when every filter is nil).
    public func shares(sharedBy: Principal? = nil, grantee: Principal? = nil, document: String? = nil) throws -> [Share] {
        try store.database.read { db in
            var sql = "SELECT * FROM docs_share WHERE 1 = 1"
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let sharedBy { sql += " AND shared_by = ?"; arguments.append(sharedBy.urn) }
            if let grantee { sql += " AND grantee = ?"; arguments.append(grantee.urn) }
            if let document { sql += " AND document_id = ?"; arguments.append(document) }
            sql += " ORDER BY created_at, id"
            let now = clock.now()
            var documents: [String: Document] = [:]
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                var share = Share(row: row, now: now)
                // A share its maker made from their own share gives nothing once that one ended.
                if share.status == "active", let id = share.document {
                    if documents[id] == nil { documents[id] = try self.document(id, db) }
                    if let document = documents[id], share.sharedBy != document.owner,
                       try sharerHolds(share.sharedBy, on: document, db) == nil {
                        share.status = "lapsed"
                    }
                }
                return share
            }
        }
    }

    /// Ends a share at once; the sharer or the document's owner may.
    public func revoke(_ id: String, actor: Principal) throws {
        let now = Timestamp.format(clock.now())
        try store.database.write { db in
            let share = try self.share(id, db)
            var allowed = share.sharedBy == actor.urn
            if !allowed, let documentID = share.document { allowed = try self.document(documentID, db).owner == actor.urn }
            guard allowed else { throw DocsError.denied("only the sharer (\(share.sharedBy)) or the owner may revoke share \(id)") }
            guard share.revokedAt == nil else { throw DocsError.invalidArgument("share \(id) is revoked already") }
            try db.execute(sql: "UPDATE docs_share SET revoked_at = ? WHERE id = ?", arguments: [now, id])
            try record("MDocs.Share.Revoked", ["object": share.document, "object_type": "document", "user": actor.urn, "share_id": id,
                                                "event_message": "share revoked"].merging(ownerSubject(share.document, db)) { $1 }, in: db)
        }
    }

    /// Why an access was refused: all of them look alike from outside (404), the audit log tells them apart.
    public enum AccessRefusal: String, Error, Sendable {
        case unknownCode = "unknown access code"
        case revoked = "revoked share"
        case notYetValid = "share not yet valid"
        case expired = "expired share"
        case unbound = "link reserved, no document yet"
        case noShare = "no owner rights and no live share"
        case deleted = "document in the recycle bin"
        case notHolder = "not the holder of its legal hold"
    }

    /// The document an access code opens now, or why not.
    public func resolve(code: String) throws -> Result<Document, AccessRefusal> {
        let now = clock.now()
        return try store.database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM docs_share WHERE code_hash = ?", arguments: [Self.codeHash(code)]) else {
                return .failure(.unknownCode)
            }
            let share = Share(row: row, now: now)
            switch share.liveness(at: now) {
            case "revoked": return .failure(.revoked)
            case "pending": return .failure(.notYetValid)
            case "expired": return .failure(.expired)
            case "unbound": return .failure(.unbound)
            default: break
            }
            guard let id = share.document else { return .failure(.unbound) }
            let document = try self.document(id, db)
            guard document.deletedAt == nil else { return .failure(.deleted) }
            // A link made by a grantee opens only while its maker still holds the document.
            guard try sharerHolds(share.sharedBy, on: document, db) != nil else { return .failure(.revoked) }
            return .success(document)
        }
    }

    /// The document `principal` may read now, or why not.
    public func resolve(documentID: String, for principal: Principal) throws -> Result<Document, AccessRefusal> {
        try store.database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id FROM docs_document WHERE id = ?", arguments: [documentID]) else {
                return .failure(.noShare)
            }
            let document = try self.document(row["id"], db)
            if document.deletedAt != nil { return .failure(.deleted) }
            return try self.permission(of: principal, on: document, db) == nil ? .failure(.noShare) : .success(document)
        }
    }

    /// What anyone may learn about content whose type allows anonymous verification: that a live
    /// document with exactly these bytes was issued, and its public particulars. Nil otherwise.
    public func anonymousVerification(sha256: String) throws -> [String: String]? {
        try store.database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT d.id, d.name, d.number, d.type_code, d.created_at, d.expires_on, t.official FROM docs_document d
                JOIN docs_version v ON v.document_id = d.id JOIN docs_type t ON t.code = d.type_code
                WHERE v.blob = ? AND d.deleted_at IS NULL AND t.anonymous_verify = 1
                ORDER BY d.created_at LIMIT 1
                """, arguments: [sha256.lowercased()]) else { return nil }
            var answer: [String: String] = ["sha256": sha256.lowercased(), "name": row["name"], "type": row["type_code"],
                                            "issued_at": row["created_at"], "official": (row["official"] as Bool) ? "true" : "false"]
            if let number = row["number"] as String? { answer["number"] = number }
            if let expires = row["expires_on"] as String? { answer["expires_on"] = expires }
            return answer
        }
    }

    /// Records a refused access (the server answers 404 whatever the reason).
    /// `owner` is the document's owner when the caller has it (inside a transaction, where it cannot be read again).
    public func recordRefusal(_ refusal: AccessRefusal, object: String?, owner: String? = nil, principal: String?, address: String?) throws {
        try record("MDocs.Access.Denied", ["object": object, "object_type": "document", "user": principal, "user_address": address,
                                           "event_level": "Warning", "event_message": refusal.rawValue].merging(ownerSubject(object, owner: owner)) { $1 })
    }

    /// Logs a document served over HTTPS; `how` says when it was not the whole content (a HEAD, a range).
    public func recordServed(_ document: Document, principal: String?, address: String?, how: String? = nil) throws {
        try record("MDocs.Document.Read", ["object": document.id, "object_type": "document", "object_name": document.name,
                                           "user": principal ?? "link", "user_address": address,
                                           "subject": (try? Principal(document.owner))?.idnp,
                                           "event_message": "served over HTTPS" + (how.map { ": " + $0 } ?? "")])
    }
}
