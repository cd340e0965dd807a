import Foundation
import MGovCore

/// A profile's signing key and certificates, opened from the files it names
/// (PKCS#12, or a key file with a certificate file).
public struct ProfileCredentials: Sendable {
    public let key: PrivateKey
    /// The signer's certificate, when the profile names one.
    public let certificate: Certificate?
    /// Further certificates (intermediates) after the signer's.
    public let chain: [Certificate]

    public static func load(_ profile: Profile, passwords: PasswordSource) throws -> ProfileCredentials {
        guard profile.pkcs12Path != nil || profile.keyPath != nil else { throw CryptoError.noKey(profile: profile.name) }
        return try load(key: profile.keyPath, certificate: profile.certificatePath, pkcs12: profile.pkcs12Path, passwords: passwords)
    }

    /// Opens a PKCS#12 file, or a key file with an optional certificate file (signer first, then the chain).
    public static func load(key keyPath: String?, certificate certificatePath: String?, pkcs12 pkcs12Path: String?,
                            passwords: PasswordSource) throws -> ProfileCredentials {
        if let path = pkcs12Path {
            let bundle = try PKCS12Bundle.load(path: path) { try passwords.password(for: path) }
            return ProfileCredentials(key: bundle.key, certificate: bundle.certificate, chain: bundle.chain)
        }
        guard let keyPath else { throw CryptoError.operationFailed("no key given (--key FILE or --pkcs12 FILE)") }
        let key = try PrivateKey.load(path: keyPath) { try passwords.password(for: keyPath) }
        var certificates: [Certificate] = []
        if let certificatePath {
            certificates = try Certificate.loadAll(path: certificatePath)
            if let first = certificates.first, !key.matches(first) {
                throw CryptoError.keyCertificateMismatch(key: keyPath, certificate: certificatePath)
            }
        }
        return ProfileCredentials(key: key, certificate: certificates.first, chain: Array(certificates.dropFirst()))
    }

    /// The signer's certificate followed by the chain.
    public var certificates: [Certificate] { (certificate.map { [$0] } ?? []) + chain }
}
