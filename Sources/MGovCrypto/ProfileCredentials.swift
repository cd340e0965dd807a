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
        if let path = profile.pkcs12Path {
            let bundle = try PKCS12Bundle.load(path: path) { try passwords.password(for: path) }
            return ProfileCredentials(key: bundle.key, certificate: bundle.certificate, chain: bundle.chain)
        }
        guard let keyPath = profile.keyPath else { throw CryptoError.noKey(profile: profile.name) }
        let key = try PrivateKey.load(path: keyPath) { try passwords.password(for: keyPath) }
        var certificates: [Certificate] = []
        if let certificatePath = profile.certificatePath {
            certificates = try Certificate.loadAll(path: certificatePath)
            if let first = certificates.first, !key.matches(first) {
                throw CryptoError.keyCertificateMismatch(key: keyPath, certificate: certificatePath)
            }
        }
        return ProfileCredentials(key: key, certificate: certificates.first, chain: Array(certificates.dropFirst()))
    }
}
