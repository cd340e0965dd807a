import COpenSSL
import Foundation
import MGovCore

/// A public key held by OpenSSL, for verifying signatures offline.
public final class PublicKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is never mutated after init.
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    /// Reads a public key from a PEM `PUBLIC KEY` block, SubjectPublicKeyInfo DER,
    /// or a certificate (PEM or DER), whose key is taken.
    public static func load(_ data: Data, path: String) throws -> PublicKey {
        OpenSSLErrors.clear()
        if isPEM(data), data.range(of: Data("-----BEGIN PUBLIC KEY-----".utf8)) != nil {
            guard let bio = makeReadBIO(data) else { throw CryptoError.operationFailed("out of memory") }
            defer { BIO_free(bio) }
            if let key = PEM_read_bio_PUBKEY(bio, nil, nil, nil) { return PublicKey(taking: key) }
            throw CryptoError.notAPublicKey(path: path, detail: OpenSSLErrors.drain())
        }
        if !isPEM(data), let key = data.withUnsafeBytes({ raw -> OpaquePointer? in
            var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer<UInt8>($0) }
            return d2i_PUBKEY(nil, &p, raw.count)
        }) {
            return PublicKey(taking: key)
        }
        OpenSSLErrors.clear()
        do {
            guard let certificate = try Certificate.loadAll(data, path: path).first else {
                throw CryptoError.notAPublicKey(path: path, detail: "empty file")
            }
            return try certificate.publicKey()
        } catch CryptoError.notACertificate(_, let detail) {
            throw CryptoError.notAPublicKey(path: path, detail: detail)
        }
    }

    public static func load(path: String) throws -> PublicKey {
        try load(try FileSystem.read(path), path: path)
    }

    public var algorithm: PrivateKey.Algorithm { keyAlgorithm(pointer) }

    /// SubjectPublicKeyInfo DER.
    public var der: Data {
        get throws { try subjectPublicKeyInfo(pointer) }
    }

    /// The raw 32-byte key of an Ed25519 key (nil for other algorithms).
    public var rawEd25519: Data? { rawPublicKey(pointer) }

    /// Verifies `signature` over `message` with the key's natural scheme
    /// (see `PrivateKey.sign`). False for a wrong signature; never throws for one.
    public func verify(signature: Data, message: Data) -> Bool {
        verify(signature: signature, message: message, digest: .sha256)
    }

    /// Verifies with `digest` (ignored for Ed25519) and, for RSA, `padding`.
    public func verify(signature: Data, message: Data, digest: DigestAlgorithm, padding: SignaturePadding = .pkcs1) -> Bool {
        defer { OpenSSLErrors.clear() }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        let md = EVP_PKEY_get_base_id(pointer) == EVP_PKEY_ED25519 ? nil : digest.evp
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, md, nil, pointer) == 1 else { return false }
        if padding == .pss {
            guard let keyContext, configurePSS(keyContext, digest: digest) else { return false }
        }
        let result = signature.withUnsafeBytes { sig in
            message.withUnsafeBytes { msg in
                EVP_DigestVerify(context, sig.bindMemory(to: UInt8.self).baseAddress, sig.count,
                                 msg.bindMemory(to: UInt8.self).baseAddress, msg.count)
            }
        }
        return result == 1
    }
}

/// RSA signature padding: PKCS#1 v1.5, or PSS with MGF1 of the same digest and a salt as long as the digest.
public enum SignaturePadding: Sendable, Equatable {
    case pkcs1, pss
}

private func configurePSS(_ keyContext: OpaquePointer, digest: DigestAlgorithm) -> Bool {
    EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1
        && EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, Int32(digest.outputLength)) == 1
        && EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, digest.evp) == 1
}

extension PrivateKey {
    /// Signs `message`: Ed25519 (pure), ECDSA with SHA-256 (DER signature),
    /// or RSA PKCS#1 v1.5 with SHA-256.
    public func sign(_ message: Data) throws -> Data {
        try sign(message, digest: .sha256)
    }

    /// Signs with `digest` (ignored for Ed25519) and, for RSA, `padding`. ECDSA signatures are DER.
    public func sign(_ message: Data, digest: DigestAlgorithm, padding: SignaturePadding = .pkcs1) throws -> Data {
        OpenSSLErrors.clear()
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.operationFailed("out of memory") }
        defer { EVP_MD_CTX_free(context) }
        let md = EVP_PKEY_get_base_id(pointer) == EVP_PKEY_ED25519 ? nil : digest.evp
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, md, nil, pointer) == 1 else {
            throw CryptoError.unsupportedKey("cannot sign with this \(algorithm) key: \(OpenSSLErrors.drain())")
        }
        if padding == .pss {
            guard let keyContext, configurePSS(keyContext, digest: digest) else {
                throw CryptoError.unsupportedKey("RSA-PSS needs an RSA key, not \(algorithm)")
            }
        }
        return try digestSign(context, message)
    }

    /// The public half.
    public func publicKey() throws -> PublicKey {
        let der = try publicKeyDER()
        return try PublicKey.load(der, path: "the private key")
    }

    /// The raw 32-byte key of an Ed25519 key (nil for other algorithms).
    public var rawEd25519PublicKey: Data? { rawPublicKey(pointer) }
}

extension Certificate {
    /// The certificate's public key.
    public func publicKey() throws -> PublicKey {
        guard let key = X509_get_pubkey(pointer) else {
            throw CryptoError.operationFailed("cannot read the certificate's public key: \(OpenSSLErrors.drain())")
        }
        return PublicKey(taking: key)
    }
}

/// One-shot EVP_DigestSign with an initialised context: the size, then the signature.
private func digestSign(_ context: OpaquePointer, _ message: Data) throws -> Data {
    try message.withUnsafeBytes { msg -> Data in
        let input = msg.bindMemory(to: UInt8.self).baseAddress
        var length = 0
        guard EVP_DigestSign(context, nil, &length, input, msg.count) == 1 else {
            throw CryptoError.operationFailed("signing failed: \(OpenSSLErrors.drain())")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, input, msg.count) == 1 else {
            throw CryptoError.operationFailed("signing failed: \(OpenSSLErrors.drain())")
        }
        return Data(signature.prefix(length))
    }
}

private func subjectPublicKeyInfo(_ key: OpaquePointer) throws -> Data {
    var out: UnsafeMutablePointer<UInt8>?
    let length = i2d_PUBKEY(key, &out)
    guard length > 0, let out else { throw CryptoError.operationFailed("cannot encode the public key: \(OpenSSLErrors.drain())") }
    defer { mgov_OPENSSL_free(out) }
    return Data(bytes: out, count: Int(length))
}

private func rawPublicKey(_ key: OpaquePointer) -> Data? {
    guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else { return nil }
    var bytes = [UInt8](repeating: 0, count: 32)
    var length = 32
    guard EVP_PKEY_get_raw_public_key(key, &bytes, &length) == 1 else { OpenSSLErrors.clear(); return nil }
    return Data(bytes.prefix(length))
}

/// Signs many messages with one key: OpenSSL's signing context is set up once (in OpenSSL 3 that
/// set-up fetches the algorithms from the provider each time) and copied for each message. For a
/// server signing every response.
public final class PreparedSigner: @unchecked Sendable {
    // @unchecked: the template context is only copied, under `lock`; each signature uses its own copy.
    private let template: OpaquePointer
    private let lock = NSLock()
    public let key: PrivateKey
    public let algorithm: JWSAlgorithm

    /// A JWS signer (RS256, ES256 or EdDSA, as `PrivateKey.signJWS` chooses).
    public init(jwsKey key: PrivateKey) throws {
        algorithm = try JWSAlgorithm.forKey(key.algorithm)
        OpenSSLErrors.clear()
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.operationFailed("out of memory") }
        let md = algorithm == .edDSA ? nil : DigestAlgorithm.sha256.evp
        guard EVP_DigestSignInit(context, nil, md, nil, key.pointer) == 1 else {
            EVP_MD_CTX_free(context)
            throw CryptoError.unsupportedKey("cannot sign with this \(key.algorithm) key: \(OpenSSLErrors.drain())")
        }
        template = context
        self.key = key
    }

    deinit { EVP_MD_CTX_free(template) }

    /// The signature of `message` in JOSE form (ES256: raw R||S).
    public func signJWS(_ message: Data) throws -> Data {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.operationFailed("out of memory") }
        defer { EVP_MD_CTX_free(context) }
        guard lock.withLock({ EVP_MD_CTX_copy_ex(context, template) }) == 1 else {
            // A key type whose context cannot be copied: sign the ordinary way.
            OpenSSLErrors.clear()
            return try key.signJWS(message).1
        }
        let der = try digestSign(context, message)
        return algorithm == .es256 ? try ECDSASignature.derToRaw(der, size: 32) : der
    }
}
