import COpenSSL
import Foundation
import MGovCore

/// Key generation and certificate issuing for a local test PKI (`mgov pki`).
public enum KeyGeneration {
    public enum Kind: Sendable, Equatable {
        case ecP256
        case rsa(bits: Int)
    }

    public static func generate(_ kind: Kind) throws -> PrivateKey {
        OpenSSLErrors.clear()
        let name = kind == .ecP256 ? "EC" : "RSA"
        guard let context = EVP_PKEY_CTX_new_from_name(nil, name, nil) else { throw CryptoError.operationFailed("out of memory") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw CryptoError.operationFailed("key generation failed: \(OpenSSLErrors.drain())") }
        switch kind {
        case .ecP256:
            guard EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else { throw CryptoError.operationFailed("P-256 unavailable: \(OpenSSLErrors.drain())") }
        case .rsa(let bits):
            guard bits >= 2048 else { throw CryptoError.weakKey("RSA keys need 2048 bits or more, not \(bits)") }
            guard bits <= 16_384 else { throw CryptoError.operationFailed("RSA keys of more than 16384 bits are not made, not \(bits)") }
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1 else { throw CryptoError.operationFailed("RSA \(bits) unavailable") }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else {
            throw CryptoError.operationFailed("key generation failed: \(OpenSSLErrors.drain())")
        }
        return PrivateKey(taking: key)
    }
}

/// What a new certificate says.
public struct CertificateRequest: Sendable {
    public var commonName: String
    public var organization: String?
    public var serialNumberAttribute: String?
    public var isCA = false
    public var days = 365
    public var uris: [String] = []
    public var dnsNames: [String] = []
    public var ipAddresses: [String] = []
    /// keyUsage and extendedKeyUsage values, as OpenSSL's configuration strings.
    public var keyUsage: String?
    public var extendedKeyUsage: String?

    public init(commonName: String) { self.commonName = commonName }
}

public enum CertificateIssuer {
    /// Issues a certificate for `subjectKey`, signed by `issuerKey` (self-signed when `issuer` is nil), with SHA-256.
    public static func issue(_ request: CertificateRequest, subjectKey: PrivateKey, issuerKey: PrivateKey,
                             issuer: Certificate?, now: Date = Date()) throws -> Certificate {
        OpenSSLErrors.clear()
        guard let x509 = X509_new() else { throw CryptoError.operationFailed("out of memory") }
        var owned: OpaquePointer? = x509
        defer { if let owned { X509_free(owned) } }
        X509_set_version(x509, 2)
        // A random positive 127-bit serial.
        guard let bn = BN_new() else { throw CryptoError.operationFailed("out of memory") }
        defer { BN_free(bn) }
        BN_rand(bn, 127, -1, 0)
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x509))
        X509_time_adj_ex(X509_getm_notBefore(x509), 0, -300, nil)
        X509_time_adj_ex(X509_getm_notAfter(x509), Int32(request.days), 0, nil)
        guard let name = X509_get_subject_name(x509) else { throw CryptoError.operationFailed("no subject name") }
        func add(_ field: String, _ value: String?) throws {
            guard let value, !value.isEmpty else { return }
            // Refused, not left out: OpenSSL drops a value over its field's bound (64 for a CN).
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
                throw CryptoError.operationFailed("the subject's \(field) '\(value)' cannot be written: \(OpenSSLErrors.drain())")
            }
        }
        try add("O", request.organization)
        try add("serialNumber", request.serialNumberAttribute)
        try add("CN", request.commonName)
        X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.pointer) } ?? name)
        X509_set_pubkey(x509, subjectKey.pointer)

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x509, x509, nil, nil, 0)
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, request.isCA ? "critical,CA:TRUE" : "critical,CA:FALSE"),
            (NID_subject_key_identifier, "hash"),
        ]
        if issuer != nil || !request.isCA { extensions.append((NID_authority_key_identifier, "keyid:always")) }
        if let usage = request.keyUsage ?? (request.isCA ? "critical,keyCertSign,cRLSign" : nil) { extensions.append((NID_key_usage, usage)) }
        if let extended = request.extendedKeyUsage { extensions.append((NID_ext_key_usage, extended)) }
        let alternatives = request.uris.map { "URI:\($0)" } + request.dnsNames.map { "DNS:\($0)" } + request.ipAddresses.map { "IP:\($0)" }
        if !alternatives.isEmpty { extensions.append((NID_subject_alt_name, alternatives.joined(separator: ","))) }
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw CryptoError.operationFailed("invalid certificate extension '\(value)': \(OpenSSLErrors.drain())")
            }
            X509_add_ext(x509, ext, -1)
            X509_EXTENSION_free(ext)
        }
        let digest = EVP_PKEY_get_base_id(issuerKey.pointer) == EVP_PKEY_ED25519 ? nil : EVP_sha256()
        guard X509_sign(x509, issuerKey.pointer, digest) > 0 else {
            throw CryptoError.operationFailed("cannot sign the certificate: \(OpenSSLErrors.drain())")
        }
        owned = nil
        return Certificate(taking: x509)
    }

    /// A PKCS#12 file (AES-256, as OpenSSL 3 writes by default) with the key, its certificate and the chain.
    public static func pkcs12(key: PrivateKey, certificate: Certificate, chain: [Certificate], password: String, name: String) throws -> Data {
        guard let stack = mgov_sk_X509_new_null() else { throw CryptoError.operationFailed("out of memory") }
        defer { mgov_sk_X509_free(stack) }
        for c in chain { mgov_sk_X509_push(stack, c.pointer) }
        guard let p12 = PKCS12_create(password, name, key.pointer, certificate.pointer, stack, 0, 0, 0, 0, 0) else {
            throw CryptoError.operationFailed("cannot make the PKCS#12 file: \(OpenSSLErrors.drain())")
        }
        defer { PKCS12_free(p12) }
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.operationFailed("out of memory") }
        defer { BIO_free(bio) }
        guard i2d_PKCS12_bio(bio, p12) == 1 else { throw CryptoError.operationFailed("cannot encode the PKCS#12 file") }
        return readAll(bio)
    }
}
