import Foundation
import MGovCore

/// Checks that the files a profile names are what they claim, with OpenSSL.
///
/// Encrypted keys and PKCS#12 files are checked structurally without a password;
/// when a password is available without prompting (`--password-file`,
/// `MGOV_PASSWORD`), they are decrypted too, so a wrong password shows up now
/// rather than at first use.
public struct OpenSSLCredentialValidator: CredentialValidating {
    public let passwords: PasswordSource

    public init(passwords: PasswordSource) { self.passwords = passwords }

    public func validatePrivateKey(at path: String) throws {
        let data = try FileSystem.read(path)
        if PrivateKey.isEncrypted(data) && !passwords.isProvided { return }
        _ = try PrivateKey.load(data, path: path) { try passwords.password(for: path) }
    }

    public func validateCertificates(at path: String) throws {
        _ = try Certificate.loadAll(path: path)
    }

    public func validatePKCS12(at path: String) throws {
        let data = try FileSystem.read(path)
        try PKCS12Bundle.validateStructure(data, path: path)
        if passwords.isProvided {
            _ = try PKCS12Bundle.load(data, path: path) { try passwords.password(for: path) }
        }
    }

    public func validateKeyMatchesCertificate(keyPath: String, certificatePath: String) throws {
        let data = try FileSystem.read(keyPath)
        if PrivateKey.isEncrypted(data) && !passwords.isProvided { return }
        let key = try PrivateKey.load(data, path: keyPath) { try passwords.password(for: keyPath) }
        guard let cert = try Certificate.loadAll(path: certificatePath).first, key.matches(cert) else {
            throw CryptoError.keyCertificateMismatch(key: keyPath, certificate: certificatePath)
        }
    }
}
