import MGovCrypto
import MGovXML

/// Namespaces and URIs of XML Signature 1.0/1.1 and xmldsig-more (RFC 6931).
public enum DSig {
    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    public static let exclusiveNamespace = "http://www.w3.org/2001/10/xml-exc-c14n#"
    public static let envelopedTransform = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    public static let base64Transform = "http://www.w3.org/2000/09/xmldsig#base64"
}

extension DigestAlgorithm {
    public init?(xmlDSigURI uri: String) {
        switch uri {
        case "http://www.w3.org/2000/09/xmldsig#sha1": self = .sha1
        case "http://www.w3.org/2001/04/xmlenc#sha256": self = .sha256
        case "http://www.w3.org/2001/04/xmldsig-more#sha384": self = .sha384
        case "http://www.w3.org/2001/04/xmlenc#sha512": self = .sha512
        default: return nil
        }
    }

    public var xmlDSigURI: String {
        switch self {
        case .sha1: return "http://www.w3.org/2000/09/xmldsig#sha1"
        case .sha256: return "http://www.w3.org/2001/04/xmlenc#sha256"
        case .sha384: return "http://www.w3.org/2001/04/xmldsig-more#sha384"
        case .sha512: return "http://www.w3.org/2001/04/xmlenc#sha512"
        }
    }
}

/// A SignatureMethod.
public enum XMLSignatureAlgorithm: Sendable, Equatable, CustomStringConvertible {
    case rsa(DigestAlgorithm)
    case rsaPSS(DigestAlgorithm)
    case ecdsa(DigestAlgorithm)
    case hmac(DigestAlgorithm)

    public var digest: DigestAlgorithm {
        switch self {
        case .rsa(let d), .rsaPSS(let d), .ecdsa(let d), .hmac(let d): return d
        }
    }

    public init?(uri: String) {
        let table: [String: XMLSignatureAlgorithm] = [
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1": .rsa(.sha1),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": .rsa(.sha256),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": .rsa(.sha384),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": .rsa(.sha512),
            "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1": .rsaPSS(.sha256),
            "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1": .rsaPSS(.sha384),
            "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1": .rsaPSS(.sha512),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1": .ecdsa(.sha1),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": .ecdsa(.sha256),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": .ecdsa(.sha384),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": .ecdsa(.sha512),
            "http://www.w3.org/2000/09/xmldsig#hmac-sha1": .hmac(.sha1),
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256": .hmac(.sha256),
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha384": .hmac(.sha384),
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512": .hmac(.sha512),
        ]
        guard let algorithm = table[uri] else { return nil }
        self = algorithm
    }

    public var uri: String {
        switch self {
        case .rsa(.sha1): return "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
        case .rsa(let d): return "http://www.w3.org/2001/04/xmldsig-more#rsa-\(d.rawValue)"
        case .rsaPSS(let d): return "http://www.w3.org/2007/05/xmldsig-more#\(d.rawValue)-rsa-MGF1"
        case .ecdsa(let d): return "http://www.w3.org/2001/04/xmldsig-more#ecdsa-\(d.rawValue)"
        case .hmac(.sha1): return "http://www.w3.org/2000/09/xmldsig#hmac-sha1"
        case .hmac(let d): return "http://www.w3.org/2001/04/xmldsig-more#hmac-\(d.rawValue)"
        }
    }

    public var description: String {
        switch self {
        case .rsa(let d): return "rsa-\(d.rawValue)"
        case .rsaPSS(let d): return "\(d.rawValue)-rsa-MGF1"
        case .ecdsa(let d): return "ecdsa-\(d.rawValue)"
        case .hmac(let d): return "hmac-\(d.rawValue)"
        }
    }

    /// The algorithm a key signs with, for a digest.
    public static func forKey(_ key: PrivateKey.Algorithm, digest: DigestAlgorithm, pss: Bool) throws -> XMLSignatureAlgorithm {
        switch key {
        case .rsa(let bits):
            guard bits >= 2048 else { throw SignError.weakKey("RSA keys of \(bits) bits are refused for signing (2048 or more)") }
            return pss ? .rsaPSS(digest) : .rsa(digest)
        case .ec:
            if pss { throw SignError.invalidOption("--rsa-pss needs an RSA key") }
            return .ecdsa(digest)
        default:
            throw SignError.invalidOption("XML signatures need an RSA or ECDSA key, not \(key)")
        }
    }
}
