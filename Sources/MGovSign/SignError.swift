import MGovCore

/// Errors of signing and verifying, as sentences a user can act on.
public enum SignError: UserFacingError, Equatable {
    case weakKey(String)
    case invalidOption(String)
    case expiredCertificate(String)
    /// A file holds no signature of the kind named (e.g. `ds:Signature element`).
    case noSignature(String, kind: String)
    case malformedSignature(String)
    case unsupported(String)
    case referenceUnresolved(String)
    case refused(String)
    /// The signature names no key to check it with (and none was given).
    case noSignerKey(String)

    public var exitStatus: ExitStatus {
        switch self {
        // A key too weak is unusable input (2), as for CMS and pki; an expired certificate is a refusal
        // that --allow-expired overrides (1).
        case .refused, .expiredCertificate, .noSignerKey: return .refused
        default: return .failure
        }
    }

    public var description: String {
        switch self {
        case let .weakKey(text), let .invalidOption(text), let .refused(text), let .noSignerKey(text): return text
        case let .expiredCertificate(text): return "the signing certificate \(text); pass --allow-expired to sign anyway"
        case let .noSignature(file, kind): return "\(file) holds no \(kind)"
        case let .malformedSignature(text): return "malformed signature: \(text)"
        case let .unsupported(text): return "unsupported: \(text)"
        case let .referenceUnresolved(text): return "reference \(text)"
        }
    }
}
