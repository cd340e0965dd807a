import Foundation
import MGovCore

/// Checks that the files a profile names are what they claim, with OpenSSL.
///
/// Encrypted keys and PKCS#12 files are decrypted with the password when one can be had
/// (`--password-file`, `MGOV_PASSWORD`, or a prompt on a terminal), so a wrong password or a key
/// of another certificate shows up now rather than at first use. Without one (a script with
/// neither) an encrypted key is checked structurally only, and `unchecked` is told what was not
/// checked, for a warning.
public struct OpenSSLCredentialValidator: CredentialValidating {
    public let passwords: PasswordSource
    let unchecked: @Sendable (String) -> Void

    public init(passwords: PasswordSource, unchecked: @escaping @Sendable (String) -> Void = { _ in }) {
        self.passwords = passwords
        self.unchecked = unchecked
    }

    public func validatePrivateKey(at path: String) throws {
        let data = try FileSystem.read(path)
        if PrivateKey.isEncrypted(data) && !passwords.isObtainable { return }
        _ = try PrivateKey.load(data, path: path) { try passwords.password(for: path) }
    }

    public func validateCertificates(at path: String) throws {
        _ = try Certificate.loadAll(path: path)
    }

    public func validatePKCS12(at path: String) throws {
        let data = try FileSystem.read(path)
        try PKCS12Bundle.validateStructure(data, path: path)
        if !passwords.isObtainable {
            unchecked("\(path) is encrypted and no password was given (--password-file or MGOV_PASSWORD): its key and certificate were not checked")
        } else {
            _ = try PKCS12Bundle.load(data, path: path) { try passwords.password(for: path) }
        }
    }

    public func validateKeyMatchesCertificate(keyPath: String, certificatePath: String) throws {
        let data = try FileSystem.read(keyPath)
        if PrivateKey.isEncrypted(data) && !passwords.isObtainable {
            unchecked("\(keyPath) is encrypted and no password was given (--password-file or MGOV_PASSWORD): it was not checked against \(certificatePath)")
            return
        }
        let key = try PrivateKey.load(data, path: keyPath) { try passwords.password(for: keyPath) }
        guard let cert = try Certificate.loadAll(path: certificatePath).first, key.matches(cert) else {
            throw CryptoError.keyCertificateMismatch(key: keyPath, certificate: certificatePath)
        }
    }
}
