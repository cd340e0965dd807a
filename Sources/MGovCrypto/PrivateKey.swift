import COpenSSL
import Foundation
import MGovCore

/// A private key held by OpenSSL (`EVP_PKEY`), freed with its owner.
public final class PrivateKey: @unchecked Sendable {
    // @unchecked: EVP_PKEY is reference counted and safe to use from several
    // threads for signing once loaded; it is never mutated after init.
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    public enum Algorithm: Sendable, Equatable, CustomStringConvertible {
        case rsa(bits: Int)
        case ec(curve: String)
        case ed25519
        case other(String)

        public var description: String {
            switch self {
            case .rsa(let bits): return "RSA \(bits)"
            case .ec(let curve): return "EC \(curve)"
            case .ed25519: return "Ed25519"
            case .other(let name): return name
            }
        }
    }

    public var algorithm: Algorithm { keyAlgorithm(pointer) }

    /// Loads a key from PEM or DER bytes. `password` is called only when the key is encrypted.
    public static func load(_ data: Data, path: String, password: () throws -> String) throws -> PrivateKey {
        OpenSSLErrors.clear()
        let encrypted = PrivateKey.isEncrypted(data)
        let secret = encrypted ? try password() : ""
        guard let bio = makeReadBIO(data) else { throw CryptoError.operationFailed("out of memory") }
        defer { BIO_free(bio) }
        var key: OpaquePointer?
        if isPEM(data) {
            key = withPasswordUserdata(secret) { userdata in
                PEM_read_bio_PrivateKey(bio, nil, passwordCallback, userdata)
            }
        } else if encrypted {
            key = withPasswordUserdata(secret) { userdata in
                d2i_PKCS8PrivateKey_bio(bio, nil, passwordCallback, userdata)
            }
        } else {
            key = data.withUnsafeBytes { raw -> OpaquePointer? in
                var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer<UInt8>($0) }
                return d2i_AutoPrivateKey(nil, &p, raw.count)
            }
        }
        guard let key else {
            let detail = OpenSSLErrors.drain()
            if encrypted { throw CryptoError.wrongPassword(path: path) }
            throw CryptoError.notAPrivateKey(path: path, detail: detail)
        }
        OpenSSLErrors.clear()
        return PrivateKey(taking: key)
    }

    public static func load(path: String, password: () throws -> String) throws -> PrivateKey {
        try load(try FileSystem.read(path), path: path, password: password)
    }

    /// True for encrypted PKCS#8 (PEM or DER) and legacy encrypted PEM (`Proc-Type: 4,ENCRYPTED`).
    public static func isEncrypted(_ data: Data) -> Bool {
        if isPEM(data) {
            return data.range(of: Data("-----BEGIN ENCRYPTED PRIVATE KEY-----".utf8)) != nil
                || data.range(of: Data("Proc-Type: 4,ENCRYPTED".utf8)) != nil
        }
        // DER: an EncryptedPrivateKeyInfo parses as X509_SIG.
        return data.withUnsafeBytes { raw -> Bool in
            var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer<UInt8>($0) }
            guard let sig = d2i_X509_SIG(nil, &p, raw.count) else { OpenSSLErrors.clear(); return false }
            X509_SIG_free(sig)
            return true
        }
    }

    /// True when this key is the private half of the certificate's public key.
    public func matches(_ certificate: Certificate) -> Bool {
        let result = X509_check_private_key(certificate.pointer, pointer) == 1
        OpenSSLErrors.clear()
        return result
    }

    /// The key as unencrypted PKCS#8 PEM (for files mgov writes with mode 0600).
    public func pkcs8PEM() throws -> Data {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.operationFailed("out of memory") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil) == 1 else {
            throw CryptoError.operationFailed("cannot encode the key: \(OpenSSLErrors.drain())")
        }
        return readAll(bio)
    }

    /// The public key as SubjectPublicKeyInfo DER.
    public func publicKeyDER() throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(pointer, &out)
        guard length > 0, let out else { throw CryptoError.operationFailed("cannot encode the public key: \(OpenSSLErrors.drain())") }
        defer { mgov_OPENSSL_free(out) }
        return Data(bytes: out, count: Int(length))
    }
}

/// Box for the password handed through OpenSSL's `void *userdata`.
private final class PasswordBox {
    let bytes: [CChar]
    init(_ password: String) { bytes = Array(password.utf8CString.dropLast()) }
}

/// OpenSSL's pem_password_cb: copies the password into the buffer OpenSSL gives.
func passwordCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int32, _ rwflag: Int32, _ userdata: UnsafeMutableRawPointer?) -> Int32 {
    guard let buffer, let userdata else { return -1 }
    let box = Unmanaged<PasswordBox>.fromOpaque(userdata).takeUnretainedValue()
    let count = min(Int(size), box.bytes.count)
    for i in 0..<count { buffer[i] = box.bytes[i] }
    return Int32(count)
}

func withPasswordUserdata<T>(_ password: String, _ body: (UnsafeMutableRawPointer) -> T) -> T {
    let box = PasswordBox(password)
    let unmanaged = Unmanaged.passRetained(box)
    defer { unmanaged.release() }
    return body(unmanaged.toOpaque())
}

/// The algorithm of any OpenSSL key, private or public.
func keyAlgorithm(_ key: OpaquePointer) -> PrivateKey.Algorithm {
    switch EVP_PKEY_get_base_id(key) {
    case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS:
        return .rsa(bits: Int(EVP_PKEY_get_bits(key)))
    case EVP_PKEY_EC:
        var name = [CChar](repeating: 0, count: 80)
        var length = 0
        if EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, &name, name.count, &length) == 1 {
            return .ec(curve: String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        OpenSSLErrors.clear()
        return .ec(curve: "unknown")
    case EVP_PKEY_ED25519:
        return .ed25519
    default:
        return .other(String(cString: OBJ_nid2sn(EVP_PKEY_get_base_id(key))))
    }
}
