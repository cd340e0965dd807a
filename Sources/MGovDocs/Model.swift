import Foundation
import GRDB
import MGovCore

/// How long documents of a type are kept after they are created: `5y`, `18m`, `90d`, or `0`.
public struct Retention: Sendable, Equatable, CustomStringConvertible {
    public let amount: Int
    public let unit: Calendar.Component

    public init(_ text: String) throws {
        if text == "0" {
            amount = 0
            unit = .day
            return
        }
        guard let last = text.last, let value = Int(text.dropLast()), value >= 0, value <= 200 * 366 else {
            throw DocsError.invalidArgument("retention '\(text)' is not a period: write 5y, 18m, 90d or 0")
        }
        switch last {
        case "y": unit = .year
        case "m": unit = .month
        case "d": unit = .day
        default: throw DocsError.invalidArgument("retention '\(text)' is not a period: write 5y, 18m, 90d or 0")
        }
        amount = value
    }

    /// When a document created at `start` may be purged.
    public func end(from start: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!  // safe: UTC always exists
        return calendar.date(byAdding: unit, value: amount, to: start) ?? start
    }

    public var description: String {
        if amount == 0 { return "0" }
        switch unit {
        case .year: return "\(amount)y"
        case .month: return "\(amount)m"
        default: return "\(amount)d"
        }
    }
}

/// A document type and its retention rules.
public struct DocumentType: Codable, Sendable, Equatable {
    public let code: String
    public let retention: String
    public let deleteOnExpiry: Bool
    public let official: Bool
    public let anonymousVerify: Bool

    enum CodingKeys: String, CodingKey {
        case code, retention, official
        case deleteOnExpiry = "delete_on_expiry"
        case anonymousVerify = "anonymous_verify"
    }

    init(row: Row) {
        code = row["code"]
        retention = row["retention"]
        deleteOnExpiry = row["delete_on_expiry"]
        official = row["official"]
        anonymousVerify = row["anonymous_verify"]
    }
}

/// One stored version of a document's content.
public struct DocumentVersion: Codable, Sendable, Equatable {
    public let version: Int
    /// The SHA-256 of the content (hex), which names its blob.
    public let sha256: String
    public let size: Int64
    public let addedBy: String
    public let addedAt: String

    enum CodingKeys: String, CodingKey {
        case version, sha256, size
        case addedBy = "added_by"
        case addedAt = "added_at"
    }

    init(row: Row) {
        version = row["version"]
        sha256 = row["blob"]
        size = row["size"]
        addedBy = row["added_by"]
        addedAt = row["added_at"]
    }
}

/// A document: a record pointing at its versions' blobs.
public struct Document: Codable, Sendable, Equatable {
    public let id: String
    public let name: String
    public let number: String?
    public let type: String?
    public let owner: String
    public let createdBy: String
    public let createdAt: String
    /// A date, `YYYY-MM-DD`.
    public let expiresOn: String?
    public let tags: [String]
    public let deletedAt: String?
    public let holdReason: String?
    /// Who placed the legal hold (the only one who may release it).
    public let holdBy: String?
    public var versions: [DocumentVersion] = []
    /// Official (from its type), Expiring (expiry within 30 days), Expired, Deleted, Held.
    public var flags: [String] = []

    enum CodingKeys: String, CodingKey {
        case id, name, number, type, owner, tags, versions, flags
        case createdBy = "created_by"
        case createdAt = "created_at"
        case expiresOn = "expires_on"
        case deletedAt = "deleted_at"
        case holdReason = "hold_reason"
        case holdBy = "hold_by"
    }

    init(row: Row) {
        id = row["id"]
        name = row["name"]
        number = row["number"]
        type = row["type_code"]
        owner = row["owner"]
        createdBy = row["created_by"]
        createdAt = row["created_at"]
        expiresOn = row["expires_on"]
        let tagText: String = row["tags"]
        tags = (try? JSONDecoder().decode([String].self, from: Data(tagText.utf8))) ?? []
        deletedAt = row["deleted_at"]
        holdReason = row["hold_reason"]
        holdBy = holdReason == nil ? nil : (row["hold_by"] as String?) ?? owner
    }

    public var latest: DocumentVersion? { versions.last }
}

/// What a principal may do with a document.
public enum Permission: String, Codable, Sendable, Comparable, CaseIterable {
    case read, write

    public static func < (a: Permission, b: Permission) -> Bool { a == .read && b == .write }
}

/// A share: a principal's (or a link's) access to a document for a time window.
public struct Share: Codable, Sendable, Equatable {
    public let id: String
    /// Nil for a link reserved before its document exists.
    public let document: String?
    /// The principal it is for; nil for a link (the holder of the access code).
    public let grantee: String?
    public let permission: Permission
    public let validFrom: String
    public let validTo: String
    public let link: Bool
    public let sharedBy: String
    public let createdAt: String
    public let revokedAt: String?
    public var status = ""

    enum CodingKeys: String, CodingKey {
        case id, document, grantee, permission, link, status
        case validFrom = "valid_from"
        case validTo = "valid_to"
        case sharedBy = "shared_by"
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }

    init(row: Row, now: Date) {
        id = row["id"]
        document = row["document_id"]
        grantee = row["grantee"]
        permission = Permission(rawValue: row["permission"]) ?? .read
        validFrom = row["valid_from"]
        validTo = row["valid_to"]
        link = (row["code_hash"] as String?) != nil
        sharedBy = row["shared_by"]
        createdAt = row["created_at"]
        revokedAt = row["revoked_at"]
        status = liveness(at: now)
    }

    /// `revoked`, `pending` (before its window), `expired` (after it), `unbound` (a reserved link), or `active`
    /// (listings also say `lapsed`: active, but made by a grantee who no longer holds the document).
    func liveness(at now: Date) -> String {
        if revokedAt != nil { return "revoked" }
        let at = Timestamp.format(now)
        if at < validFrom { return "pending" }
        if at > validTo { return "expired" }
        if document == nil { return "unbound" }
        return "active"
    }
}
