import COpenSSL
import Foundation
import MGovCore
import Synchronization

/// A PKCS#12 bundle: the private key, its certificate and any CA certificates.
public struct PKCS12Bundle: Sendable {
    public let key: PrivateKey
    public let certificate: Certificate
    public let chain: [Certificate]

    /// Reads a PKCS#12 file. Modern (AES, PBKDF2) and legacy (3DES, RC2-40)
    /// encryption are both read: the legacy provider is loaded when OpenSSL 3
    /// needs it.
    public static func load(_ data: Data, path: String, password: () throws -> String) throws -> PKCS12Bundle {
        let p12 = try parseStructure(data, path: path)
        defer { PKCS12_free(p12) }
        // A file without a MAC (`openssl pkcs12 -nomac`) has no password to check; when its bags
        // are not encrypted either, it needs none, and none is asked for. OpenSSL 3.0's reader
        // takes a password only with a MAC to check it against, so encrypted bags without one are
        // refused, with the way out.
        guard PKCS12_mac_present(p12) == 1 else {
            do { return try parse(p12, password: nil, path: path) } catch ParseFailure.undecodable {
                throw CryptoError.notAPKCS12(path: path, detail: "it is encrypted but has no MAC (openssl pkcs12 -nomac), which OpenSSL 3.0 does not read: export it again without -nomac")
            }
        }
        let secret = try password()
        guard PKCS12_verify_mac(p12, secret, Int32(secret.utf8.count)) == 1 else {
            OpenSSLErrors.clear()
            throw CryptoError.wrongPassword(path: path)
        }
        do { return try parse(p12, password: secret, path: path) } catch ParseFailure.undecodable(let detail) {
            throw CryptoError.notAPKCS12(path: path, detail: detail)
        }
    }

    /// PKCS12_parse failed: its bags do not decrypt or decode (other problems are CryptoErrors).
    private enum ParseFailure: Error { case undecodable(String) }

    /// The key, certificate and chain of a PKCS#12 structure whose MAC (if any) was checked.
    private static func parse(_ p12: OpaquePointer, password secret: String?, path: String) throws -> PKCS12Bundle {
        var key: OpaquePointer?
        var cert: OpaquePointer?
        var ca: OpaquePointer?
        var parsed = PKCS12_parse(p12, secret, &key, &cert, &ca) == 1
        if !parsed {
            // RC2-40 and friends live in OpenSSL 3's legacy provider.
            OpenSSLErrors.clear()
            LegacyProvider.load()
            parsed = PKCS12_parse(p12, secret, &key, &cert, &ca) == 1
        }
        guard parsed else { throw ParseFailure.undecodable(OpenSSLErrors.drain()) }
        var chain: [Certificate] = []
        if let ca {
            for i in 0..<mgov_sk_X509_num(ca) {
                if let x = mgov_sk_X509_value(ca, i) { chain.append(Certificate(sharing: x)) }
            }
            mgov_sk_X509_pop_free(ca)
        }
        guard let key else {
            if let cert { X509_free(cert) }
            throw CryptoError.pkcs12WithoutKey(path: path)
        }
        guard let cert else {
            EVP_PKEY_free(key)
            throw CryptoError.notAPKCS12(path: path, detail: "it holds no certificate for its key")
        }
        return PKCS12Bundle(key: PrivateKey(taking: key), certificate: Certificate(taking: cert), chain: chain)
    }

    public static func load(path: String, password: () throws -> String) throws -> PKCS12Bundle {
        try load(try FileSystem.read(path), path: path, password: password)
    }

    /// Checks the outer DER structure only (no password needed).
    public static func validateStructure(_ data: Data, path: String) throws {
        PKCS12_free(try parseStructure(data, path: path))
    }

    private static func parseStructure(_ data: Data, path: String) throws -> OpaquePointer {
        OpenSSLErrors.clear()
        let p12 = data.withUnsafeBytes { raw -> OpaquePointer? in
            var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer<UInt8>($0) }
            return d2i_PKCS12(nil, &p, raw.count)
        }
        guard let p12 else {
            _ = OpenSSLErrors.drain()
            throw CryptoError.notAPKCS12(path: path, detail: "the file does not parse as DER PKCS#12")
        }
        return p12
    }
}

/// OpenSSL 3's legacy provider, loaded once, beside the default one (loading
/// any provider explicitly turns off the implicit default).
enum LegacyProvider {
    private static let loaded = Mutex(false)

    static func load() {
        loaded.withLock { done in
            guard !done else { return }
            _ = OSSL_PROVIDER_load(nil, "default")
            _ = OSSL_PROVIDER_load(nil, "legacy")
            OpenSSLErrors.clear()
            done = true
        }
    }
}
