import MGovCore

/// Errors of the document store, as sentences a user can act on.
public enum DocsError: UserFacingError, Equatable {
    case invalidPrincipal(String, reason: String)
    case invalidArgument(String)
    case unknownDocument(String)
    case unknownVersion(document: String, version: Int)
    case unknownType(String)
    case typeExists(String)
    case unknownShare(String)
    case deleted(String)
    case notDeleted(String)
    case notHeld(String)
    case missingBlob(String)
    case corruptBlob(String, actual: String)
    case denied(String)
    case underHold(String, reason: String)

    public var description: String {
        switch self {
        case let .invalidPrincipal(text, reason): return "'\(text)' is not a principal: \(reason)"
        case let .invalidArgument(text): return text
        case let .unknownDocument(id): return "no document \(id)"
        case let .unknownVersion(document, version): return "document \(document) has no version \(version)"
        case let .unknownType(code): return "no document type \(code) (add it: mgov docs type add \(code) --retention 5y)"
        case let .typeExists(code): return "the document type \(code) exists already"
        case let .unknownShare(id): return "no share \(id)"
        case let .deleted(id): return "document \(id) is in the recycle bin (mgov docs restore \(id))"
        case let .notDeleted(id): return "document \(id) is not in the recycle bin"
        case let .notHeld(id): return "document \(id) is not under legal hold"
        case let .missingBlob(hash): return "the content \(hash) is missing from the blob store"
        case let .corruptBlob(hash, actual): return "the content \(hash) is corrupted: it now hashes to \(actual)"
        case let .denied(text): return text
        case let .underHold(id, reason): return "document \(id) is under legal hold (\(reason))"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .denied, .underHold, .corruptBlob, .missingBlob: return .refused
        default: return .failure
        }
    }
}
