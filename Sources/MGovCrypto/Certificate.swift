import COpenSSL
import Foundation
import MGovCore

/// An X.509 certificate held by OpenSSL, freed with its owner.
public final class Certificate: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: the X509 is never mutated after loading; OpenSSL allows
    // concurrent reads of one certificate.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (one reference).
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    /// Shares `pointer`, adding a reference.
    convenience init(sharing pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.init(taking: pointer)
    }
    deinit { X509_free(pointer) }

    // MARK: Loading

    /// Every certificate in PEM (one or more blocks) or DER bytes.
    public static func loadAll(_ data: Data, path: String) throws -> [Certificate] {
        OpenSSLErrors.clear()
        var certificates: [Certificate] = []
        if isPEM(data) {
            guard let bio = makeReadBIO(data) else { throw CryptoError.operationFailed("out of memory") }
            defer { BIO_free(bio) }
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(Certificate(taking: x509))
            }
            OpenSSLErrors.clear()  // the loop ends on "no start line", or at a block that does not decode
            // A damaged block ends the reading there: the rest of a trust-anchor or chain file would
            // be lost without a word (other blocks, a private key say, are skipped as they should be).
            let blocks = pemBlocks(data, labels: ["CERTIFICATE", "X509 CERTIFICATE"])
            if !certificates.isEmpty, certificates.count < blocks {
                throw CryptoError.damagedCertificateFile(path: path, block: certificates.count + 1, of: blocks)
            }
        } else {
            data.withUnsafeBytes { raw in
                var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer<UInt8>($0) }
                if let x509 = d2i_X509(nil, &p, raw.count) { certificates.append(Certificate(taking: x509)) }
            }
        }
        guard !certificates.isEmpty else {
            let detail = OpenSSLErrors.drain()
            throw CryptoError.notACertificate(path: path, detail: isPEM(data) ? "no CERTIFICATE block parses" : detail)
        }
        return certificates
    }

    /// How many PEM blocks in `data` begin with one of `labels` (`-----BEGIN LABEL-----` at the
    /// start of a line, where OpenSSL looks for them).
    static func pemBlocks(_ data: Data, labels: [String]) -> Int {
        let text = "\n" + String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        return labels.reduce(0) { $0 + text.components(separatedBy: "\n-----BEGIN \($1)-----").count - 1 }
    }

    public static func loadAll(path: String) throws -> [Certificate] {
        try loadAll(try FileSystem.read(path), path: path)
    }

    public convenience init(der: Data) throws {
        let x509 = der.withUnsafeBytes { raw -> OpaquePointer? in
            var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer<UInt8>($0) }
            return d2i_X509(nil, &p, raw.count)
        }
        guard let x509 else { throw CryptoError.notACertificate(path: "(DER data)", detail: OpenSSLErrors.drain()) }
        self.init(taking: x509)
    }

    // MARK: Encoding

    public var der: Data {
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(pointer, &out)
        guard length > 0, let out else { return Data() }
        defer { mgov_OPENSSL_free(out) }
        return Data(bytes: out, count: Int(length))
    }

    public var pem: String {
        let b64 = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE-----\n\(b64)\n-----END CERTIFICATE-----\n"
    }

    // MARK: Fields

    /// The subject as a one-line RFC 2253 string, e.g. `CN=Agency,O=MD`.
    public var subject: String { Self.name(X509_get_subject_name(pointer)) }
    public var issuer: String { Self.name(X509_get_issuer_name(pointer)) }

    /// The serial number in upper-case hex, without leading zeros.
    public var serialHex: String {
        guard let serial = X509_get_serialNumber(pointer), let bn = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { mgov_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    public var notBefore: Date { Self.date(X509_get0_notBefore(pointer)) }
    public var notAfter: Date { Self.date(X509_get0_notAfter(pointer)) }

    public var sha256Fingerprint: String {
        Digest.sha256(der).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    public var isCA: Bool { X509_check_ca(pointer) > 0 }

    /// Whether its key usage and extended key usage allow signing CMS messages (OpenSSL's S/MIME
    /// signing purpose, which `openssl cms -verify` and mgov's CMS verification check).
    public var allowsSMIMESigning: Bool { X509_check_purpose(pointer, X509_PURPOSE_SMIME_SIGN, 0) == 1 }

    /// Whether its key usage and extended key usage allow signing XML documents: key usage (when
    /// present) digitalSignature or nonRepudiation; extended key usage (when present)
    /// emailProtection, documentSigning (RFC 9336) or any. A TLS-only certificate does not.
    public var allowsDocumentSigning: Bool { mgov_X509_allows_document_signing(pointer) == 1 }

    /// Subject alternative names of type URI (e.g. `urn:xroad:MD/GOV/123/SUB`).
    public var subjectAlternativeURIs: [String] { alternativeNames(type: GEN_URI) }
    public var subjectAlternativeDNSNames: [String] { alternativeNames(type: GEN_DNS) }
    /// The X-Road identities its SAN URIs name (`urn:xroad:MD/GOV/123/SUB` → `MD/GOV/123/SUB`), as `mgov pki` writes them.
    public var xroadIdentities: [String] {
        subjectAlternativeURIs.compactMap { $0.hasPrefix("urn:xroad:") ? String($0.dropFirst("urn:xroad:".count)) : nil }
    }
    /// IP address names, written as addresses (`127.0.0.1`, `::1`).
    public var subjectAlternativeIPAddresses: [String] {
        alternativeNames(type: GEN_IPADD) { bytes in
            guard bytes.count == 4 || bytes.count == 16 else { return nil }
            var text = [CChar](repeating: 0, count: 64)
            guard inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, bytes.baseAddress, &text, socklen_t(text.count)) != nil else { return nil }
            return String(cString: text)
        }
    }

    public var publicKeyAlgorithm: PrivateKey.Algorithm {
        guard let key = X509_get0_pubkey(pointer) else { return .other("unknown") }
        return keyAlgorithm(key)
    }

    public var description: String { "\(subject) (serial \(serialHex))" }

    /// A summary for reports and `--json`.
    public var summary: CertificateSummary {
        CertificateSummary(subject: subject, issuer: issuer, serial: serialHex, notBefore: notBefore, notAfter: notAfter,
                           sha256Fingerprint: sha256Fingerprint, keyAlgorithm: publicKeyAlgorithm.description,
                           uris: subjectAlternativeURIs, dnsNames: subjectAlternativeDNSNames,
                           ipAddresses: subjectAlternativeIPAddresses, isCA: isCA)
    }

    /// The subject alternative names of one type, each read from its string's bytes by `read`
    /// (by default as UTF-8 text: URIs and DNS names are IA5 strings; an IP address is 4 or 16 octets).
    private func alternativeNames(type: Int32, _ read: (UnsafeBufferPointer<UInt8>) -> String? = { String(decoding: $0, as: UTF8.self) }) -> [String] {
        guard let raw = X509_get_ext_d2i(pointer, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { mgov_GENERAL_NAMES_free(names) }
        var result: [String] = []
        for i in 0..<mgov_sk_GENERAL_NAME_num(names) {
            // ia5 and iPAddress are the same ASN1_STRING member of the name's union.
            guard let name = mgov_sk_GENERAL_NAME_value(names, i), name.pointee.type == type,
                  let string = name.pointee.d.ia5, let bytes = ASN1_STRING_get0_data(string) else { continue }
            if let value = read(UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(string)))) { result.append(value) }
        }
        return result
    }

    static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        X509_NAME_print_ex(bio, name, 0, mgov_XN_FLAG_RFC2253_UTF8())
        return String(decoding: readAll(bio), as: UTF8.self)
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        guard let time else { return Date(timeIntervalSince1970: 0) }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

/// What people and scripts need to know about a certificate.
public struct CertificateSummary: Codable, Sendable, Equatable {
    public var subject: String
    public var issuer: String
    public var serial: String
    public var notBefore: Date
    public var notAfter: Date
    public var sha256Fingerprint: String
    public var keyAlgorithm: String
    public var uris: [String]
    public var dnsNames: [String]
    public var ipAddresses: [String]
    public var isCA: Bool

    enum CodingKeys: String, CodingKey {
        case subject, issuer, serial, uris
        case notBefore = "not_before"
        case notAfter = "not_after"
        case sha256Fingerprint = "sha256_fingerprint"
        case keyAlgorithm = "key_algorithm"
        case dnsNames = "dns_names"
        case ipAddresses = "ip_addresses"
        case isCA = "is_ca"
    }
}
