import Foundation
import MGovCore
import MGovCrypto

/// How `mgov sign verify` checks, for XML and CMS signatures alike
/// (the last group of settings applies to XML only).
public struct VerificationOptions: Sendable {
    /// Anchors the signer's certificate must chain to.
    public var trustAnchors: [Certificate] = []
    /// A pinned signer certificate: its key is used, whatever KeyInfo says; it must still chain
    /// to the anchors (or --any-signer).
    public var pinnedCertificate: Certificate?
    /// Accept a valid signature from any signer (no trust check; reported as waived, not trusted).
    public var anySigner = false
    /// The time the chain is checked at (default: now).
    public var at: Date?
    public var allowSHA1 = false

    // XML signatures only.
    /// The shared key for HMAC signatures; without one they are refused.
    public var hmacKey: Data?
    public var idAttributes = ["Id", "ID", "id"]
    /// Which signatures to check (XPath 1.0, prefix `ds` bound); default: every ds:Signature.
    public var signatureXPath: String?

    // CMS signatures only.
    /// The content was signed as text (`openssl cms -sign` without `-binary`): it is checked with
    /// each bare LF made CRLF, as S/MIME canonicalises text.
    public var textContent = false

    public init() {}
}

/// One reference as verified.
public struct ReferenceReport: Codable, Sendable {
    public let uri: String
    public let digestAlgorithm: String
    public let valid: Bool
    /// The element the reference covers, by path and name (the document element for URI="").
    public let signedPath: String?
    public let signedName: String?
    enum CodingKeys: String, CodingKey { case uri, digestAlgorithm = "digest_algorithm", valid, signedPath = "signed_path", signedName = "signed_name" }
}

/// What verifying one signature (a ds:Signature, or a CMS signer) found.
public struct SignatureReport: Codable, Sendable {
    /// `xmldsig` or `cms`.
    public var format = "xmldsig"
    /// The signature is mathematically valid: every reference digest and the SignatureValue check out.
    public var valid = false
    /// The SignatureValue could be checked: false when there was no key to check it with (no
    /// certificate in the signature, and none given), which is not the same as a wrong signature.
    public var checked = true
    /// The signer is trusted: its certificate (from the signature, or pinned) chains to an anchor
    /// and may sign documents, or an HMAC key checked out.
    public var trusted = false
    /// The signer was accepted without a trust check (--any-signer): `trusted` stays false.
    public var trustWaived = false
    public var signer: CertificateSummary?
    public var signatureAlgorithm: String?
    /// The message digest algorithm (CMS; XML names one per reference).
    public var digestAlgorithm: String?
    public var canonicalization: String?
    /// The signed signingTime attribute (CMS).
    public var signingTime: Date?
    /// The verified chain's subjects, signer first (empty when not checked against anchors).
    public var chain: [String] = []
    /// Signed attributes beyond the basic ones, and what checking them found, e.g. CAdES's signing-certificate-v2.
    public var attributes: [String] = []
    /// CMS: the content was given apart (`--content`) rather than carried inside.
    public var detached: Bool?
    /// CMS: the content the signature was checked over.
    public var content: ContentReport?
    public var references: [ReferenceReport] = []
    public var warnings: [String] = []
    public var problems: [String] = []
    /// Where the signature is: an XPath-like path (XML), or `signer N` (CMS).
    public var path: String = ""

    public init() {}

    enum CodingKeys: String, CodingKey {
        case format, valid, checked, trusted, trustWaived = "trust_waived", signer, signatureAlgorithm = "signature_algorithm", digestAlgorithm = "digest_algorithm"
        case canonicalization, signingTime = "signing_time", chain, attributes, detached, content, references, warnings, problems, path
    }
}

/// The content a CMS signature was checked over: the file given (detached), or the content inside.
public struct ContentReport: Codable, Sendable {
    /// The file the content was read from (detached), or the file compared with the content inside.
    public var file: String?
    public var size: UInt64
    /// SHA-256 of the content, hex (what `sha256sum` prints).
    public var sha256: String
    /// With an attached signature and --content FILE: whether FILE is the content inside.
    public var matchesFile: Bool?
    /// When FILE is not the content inside: FILE's SHA-256 (`size` and `sha256` are always the signed content's).
    public var fileSHA256: String?

    public init(file: String?, size: UInt64, sha256: String, matchesFile: Bool? = nil) {
        self.file = file; self.size = size; self.sha256 = sha256; self.matchesFile = matchesFile
    }
    enum CodingKeys: String, CodingKey { case file, size, sha256, matchesFile = "matches_file", fileSHA256 = "file_sha256" }
}

/// The result for one file.
public struct FileReport: Codable, Sendable {
    public let file: String
    public var signatures: [SignatureReport]
    public var error: String?
    /// Every signature is valid, and trusted or accepted without a trust check (--any-signer).
    public var ok: Bool { error == nil && !signatures.isEmpty && signatures.allSatisfy { $0.valid && ($0.trusted || $0.trustWaived) } }

    enum CodingKeys: String, CodingKey { case file, ok, signatures, error }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(ok, forKey: .ok)
        try c.encode(signatures, forKey: .signatures)
        try c.encodeIfPresent(error, forKey: .error)
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        file = try c.decode(String.self, forKey: .file)
        signatures = try c.decode([SignatureReport].self, forKey: .signatures)
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }
    public init(file: String, signatures: [SignatureReport], error: String? = nil) {
        self.file = file; self.signatures = signatures; self.error = error
    }
}


/// The trust decision shared by XML and CMS verification.
enum SignerTrust {
    /// Sets `report.trusted` (and `report.chain`) for a signer identified by certificate (the one
    /// the signature carries, or a pinned one): it must chain to the anchors at `options.at`, through
    /// `intermediates`, for `purpose` (OpenSSL's, for CMS) and pass `usable` (a further check of its
    /// own usage, for XML). --any-signer waives all this for a valid signature, and says so.
    static func assess(signer: Certificate?, intermediates: [Certificate], signatureValid: Bool, options: VerificationOptions,
                       purpose: Int32? = nil, usable: ((Certificate) -> String?)? = nil, report: inout SignatureReport) {
        if options.anySigner {
            report.trustWaived = signatureValid
            if signatureValid { report.warnings.append("the signer was not checked against trust anchors (--any-signer)") }
            return
        }
        guard let signer else { return }
        if options.trustAnchors.isEmpty {
            let lead = signatureValid ? "the signature is mathematically valid but the signer is not trusted" : "the signer is not trusted either"
            report.problems.append("\(lead): no trust anchors (pass --trusted FILE, configure the profile's, or --any-signer)")
            return
        }
        do {
            let chain = try TrustVerifier.verify(signer, intermediates: intermediates, anchors: options.trustAnchors,
                                                 at: options.at, purpose: purpose)
            report.chain = chain.map(\.subject)
            if let refusal = usable?(signer) {
                report.problems.append(refusal)
            } else {
                report.trusted = true
            }
        } catch let error as UserFacingError {
            report.problems.append(error.description)
        } catch {
            report.problems.append(String(describing: error))
        }
    }
}

/// The signing certificate's validity period, checked before anything is signed.
public enum SigningCertificateValidity {
    /// Warnings to print; throws when the certificate is out of its validity period and that is not allowed.
    public static func check(_ signer: Certificate?, now: Date, allowExpired: Bool) throws -> [String] {
        guard let signer else { return [] }
        guard signer.notAfter < now || signer.notBefore > now else { return [] }
        let what = signer.notAfter < now ? "expired on \(Timestamp.formatSeconds(signer.notAfter))" : "is not valid before \(Timestamp.formatSeconds(signer.notBefore))"
        if !allowExpired { throw SignError.expiredCertificate("\(signer.subject) \(what)") }
        return ["the signing certificate \(signer.subject) \(what); signed anyway (--allow-expired)"]
    }
}
