import COpenSSL
import Foundation
import MGovCore

/// How a CMS signature is written.
public enum CMSFormat: String, Sendable, CaseIterable, Codable {
    /// Binary ASN.1 (`.p7s` detached, `.p7m` attached).
    case der
    /// Base64 between `-----BEGIN CMS-----` lines.
    case pem
    /// An S/MIME message: multipart/signed (detached) or application/pkcs7-mime (attached).
    case smime
}

/// What `mgov sign cms` produces.
public struct CMSSigningOptions: Sendable {
    /// Leave the content out of the signature (default), or carry it inside.
    public var detached = true
    public var format: CMSFormat = .der
    public var digest: DigestAlgorithm = .sha256
    /// CAdES-BES: an ESS signing-certificate-v2 attribute binding the signer's certificate (RFC 5035).
    public var cades = false
    /// Include the signer's certificate and the chain (default), or no certificate at all.
    public var includeCertificates = true

    public init() {}
}

/// Signs files as CMS SignedData (RFC 5652) with OpenSSL, streaming the content:
/// memory does not grow with the file.
///
/// Content is binary (no MIME canonicalisation) except for S/MIME, which
/// canonicalises line ends as S/MIME requires and is meant for text messages
/// (read whole, not streamed). Signed attributes always carry
/// the content type, message digest and signing time.
public struct CMSSigner: Sendable {
    public let key: PrivateKey
    /// The signer's certificate first, then the chain to include.
    public let certificates: [Certificate]
    public let options: CMSSigningOptions

    public init(key: PrivateKey, certificates: [Certificate], options: CMSSigningOptions) throws {
        guard options.digest != .sha1 else { throw CryptoError.weakKey("SHA-1 is refused for signing (use sha256, sha384 or sha512)") }
        switch key.algorithm {
        case .rsa(let bits) where bits < 2048: throw CryptoError.weakKey("RSA keys of \(bits) bits are refused for signing (2048 or more)")
        case .rsa, .ec: break
        default: throw CryptoError.unsupportedKey("CMS signatures need an RSA or ECDSA key, not \(key.algorithm)")
        }
        guard let signer = certificates.first else {
            throw CryptoError.operationFailed("a CMS signature names its signer by certificate: give --cert FILE (or a PKCS#12 or profile with one)")
        }
        guard key.matches(signer) else { throw CryptoError.operationFailed("the key does not belong to the certificate \(signer.subject)") }
        self.key = key
        self.certificates = certificates
        self.options = options
    }

    /// The usual file name suffix of the output.
    public var suffix: String {
        switch options.format {
        case .smime: return ".eml"
        case .der, .pem: return options.detached ? ".p7s" : ".p7m"
        }
    }

    /// Signs the content read from `input` (a descriptor the caller owns) and writes the signature
    /// (with the content when attached) to `output`. Returns the SHA-256 of the content as read (for
    /// the audit log): the signer's messageDigest when it is that (SHA-256 over binary content), else
    /// hashed as it streams by.
    @discardableResult
    public func sign(input: Int32, output: Int32) throws -> [UInt8] {
        OpenSSLErrors.clear()
        errno = 0
        var flags = UInt32(CMS_PARTIAL)
        if options.detached { flags |= UInt32(CMS_DETACHED) }
        if options.format != .smime { flags |= UInt32(CMS_BINARY | CMS_NOSMIMECAP) }
        if !options.includeCertificates { flags |= UInt32(CMS_NOCERTS) }
        let chain = options.includeCertificates ? Array(certificates.dropFirst()) : []

        guard let stack = mgov_sk_X509_new_null() else { throw CryptoError.operationFailed("out of memory") }
        defer { mgov_sk_X509_free(stack) }
        for certificate in chain { _ = mgov_sk_X509_push(stack, certificate.pointer) }
        guard let cms = CMS_sign(nil, nil, stack, nil, flags) else { throw failure("cannot start the signature") }
        defer { CMS_ContentInfo_free(cms) }
        let signerFlags = flags | (options.cades ? UInt32(CMS_CADES) : 0)
        guard CMS_add1_signer(cms, certificates[0].pointer, key.pointer, options.digest.evp, signerFlags) != nil else {
            throw failure("cannot add the signer")
        }

        guard let sink = BIO_new_fd(output, BIO_NOCLOSE) else { throw CryptoError.operationFailed("out of memory") }
        guard let out = BIO_push(BIO_new(BIO_f_buffer()), sink) else { BIO_free(sink); throw CryptoError.operationFailed("out of memory") }
        defer { BIO_free_all(out) }

        // The first block, read ahead: empty content cannot be streamed (OpenSSL's streaming output
        // fails when nothing is written through it) and is signed in one go instead.
        let first = try readBlock(input)
        // Hashed a second time only when the signature's own digest is not the content's SHA-256.
        let tee = options.digest == .sha256 && options.format != .smime ? nil : StreamingDigest(.sha256)
        switch (options.format, options.detached) {
        case _ where first.isEmpty:
            try signEmpty(cms, to: out, flags: flags)
        case (.smime, _):
            try signText(cms, first: first, from: input, to: out, flags: flags, tee: tee)
        case (_, true):
            // The content only passes through the digest: read it in large blocks, then write DER/PEM.
            try digestContent(cms, first: first, from: input, tee: tee)
            let written = options.format == .der ? i2d_CMS_bio(out, cms) : PEM_write_bio_CMS(out, cms)
            guard written == 1 else { throw failure("cannot write the signature") }
        case (_, false):
            try streamAttached(cms, first: first, from: input, to: out, tee: tee)
        }
        guard mgov_BIO_flush(out) == 1 else { throw CryptoError.operationFailed("cannot write the signature: \(String(cString: strerror(errno)))") }
        if let tee { return tee.finish() }
        guard let signed = CMSSignedData.signedSHA256(cms) else { throw CryptoError.operationFailed("CMS: the signature holds no messageDigest") }
        return signed
    }

    /// Up to 64 KB from `input` (empty at its end).
    private func readBlock(_ input: Int32) throws -> Data {
        var block = Data(count: 65_536)
        while true {
            let n = block.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw CryptoError.operationFailed("cannot read the content: \(String(cString: strerror(errno)))") }
            return block.prefix(n)
        }
    }

    /// A signature of empty content, made in one go and written in the chosen format.
    private func signEmpty(_ cms: OpaquePointer, to out: OpaquePointer, flags: UInt32) throws {
        guard let empty = BIO_new(BIO_s_mem()) else { throw CryptoError.operationFailed("out of memory") }
        defer { BIO_free(empty) }
        if options.format == .smime, options.detached {
            // multipart/signed: its writer signs the (empty) first part as it streams it.
            guard SMIME_write_CMS(out, cms, empty, Int32(bitPattern: flags | UInt32(CMS_STREAM))) == 1 else { throw failure("cannot write the signature") }
            return
        }
        guard CMS_final(cms, empty, nil, flags) == 1 else { throw failure("cannot sign") }
        let written: Int32
        switch options.format {
        case .der: written = i2d_CMS_bio(out, cms)
        case .pem: written = PEM_write_bio_CMS(out, cms)
        case .smime:
            guard let part = BIO_new(BIO_s_mem()) else { throw CryptoError.operationFailed("out of memory") }
            defer { BIO_free(part) }
            written = SMIME_write_CMS(out, cms, part, Int32(bitPattern: flags))
        }
        guard written == 1 else { throw failure("cannot write the signature") }
    }

    /// Hands `first`, then the rest of `input` in large blocks, to `consume`; read errors are errors
    /// (OpenSSL's own copy loops take them for the end of the file).
    private func pump(_ first: Data, _ input: Int32, tee: StreamingDigest?, _ consume: (UnsafeMutableRawPointer, Int) throws -> Void) throws {
        var first = first
        tee?.update(first)
        if !first.isEmpty { try first.withUnsafeMutableBytes { try consume($0.baseAddress!, $0.count) } }
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(input, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw CryptoError.operationFailed("cannot read the content: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            tee?.update(UnsafeRawBufferPointer(start: buffer, count: n))
            try consume(buffer, n)
        }
    }

    private func digestContent(_ cms: OpaquePointer, first: Data, from input: Int32, tee: StreamingDigest?) throws {
        guard let chain = CMS_dataInit(cms, nil) else { throw failure("cannot start the digest") }
        defer { BIO_free_all(chain) }
        try pump(first, input, tee: tee) { buffer, n in
            guard BIO_write(chain, buffer, Int32(n)) == Int32(n) else { throw failure("cannot digest the content") }
        }
        guard CMS_dataFinal(cms, chain) == 1 else { throw failure("cannot sign") }
    }

    /// Attached DER or PEM: the content streams into the output as indefinite-length BER (as
    /// `openssl cms -stream` writes) and the signature is made when the stream is flushed.
    private func streamAttached(_ cms: OpaquePointer, first: Data, from input: Int32, to out: OpaquePointer, tee: StreamingDigest?) throws {
        var base64: OpaquePointer?
        if options.format == .pem {
            guard BIO_puts(out, "-----BEGIN CMS-----\n") > 0, let b64 = BIO_new(BIO_f_base64()) else {
                throw failure("cannot write the signature")
            }
            base64 = BIO_push(b64, out)
        }
        let target = base64 ?? out
        try {
            guard let ndef = BIO_new_NDEF(target, cms, mgov_CMS_ContentInfo_item()) else { throw failure("cannot start the output") }
            defer { mgov_BIO_free_until(ndef, target) }
            try pump(first, input, tee: tee) { buffer, n in
                guard BIO_write(ndef, buffer, Int32(n)) == Int32(n) else { throw failure("cannot write the content") }
            }
            // Flushing the stream computes the signature and writes the trailer.
            guard mgov_BIO_flush(ndef) == 1 else { throw failure("cannot sign") }
        }()
        if let base64 {
            guard mgov_BIO_flush(base64) == 1 else { throw failure("cannot write the signature") }
            BIO_pop(base64)
            BIO_free(base64)
            guard BIO_puts(out, "-----END CMS-----\n") > 0 else { throw failure("cannot write the signature") }
        }
    }

    /// S/MIME: its text mode reads lines as C strings, so the text is read whole first (no read error
    /// can cut it short) and refused if it holds a NUL byte (which would cut a line short without a word).
    private func signText(_ cms: OpaquePointer, first: Data, from input: Int32, to out: OpaquePointer, flags: UInt32, tee: StreamingDigest?) throws {
        var text = Data()
        try pump(first, input, tee: tee) { buffer, n in text.append(buffer.assumingMemoryBound(to: UInt8.self), count: n) }
        if text.contains(0) {
            throw CryptoError.operationFailed("S/MIME signs text, and this content holds NUL bytes: sign binary files with --format der or pem")
        }
        // Streamed from memory: OpenSSL digests the text while writing it, then signs (its
        // non-streaming S/MIME writer would digest a finalised signature a second time).
        guard let source = makeReadBIO(text) else { throw CryptoError.operationFailed("out of memory") }
        defer { BIO_free(source) }
        guard SMIME_write_CMS(out, cms, source, Int32(bitPattern: flags | UInt32(CMS_STREAM))) == 1 else {
            throw failure("cannot write the signature")
        }
    }

    private func failure(_ what: String) -> CryptoError {
        // A write that failed (a full disk, a closed pipe) leaves no OpenSSL error, only errno.
        let code = errno
        let reasons = OpenSSLErrors.drain()
        if reasons == OpenSSLErrors.none, [ENOSPC, EPIPE, EIO, EDQUOT, EFBIG, EBADF].contains(code) {
            return .operationFailed("cannot write the signature: \(String(cString: strerror(code)))")
        }
        return .operationFailed("CMS: \(what): \(reasons)")
    }
}

/// One signer of a CMS SignedData, as found in the message.
public struct CMSSignerInfo: Sendable {
    /// The signer's certificate, when the message (or a pinned certificate) holds it.
    public let certificate: Certificate?
    /// The digest algorithm's OpenSSL short name in lower case, e.g. `sha256`.
    public let digestAlgorithm: String
    /// The digest as OpenSSL resolves it for verification (aliases included); nil when it is none of
    /// SHA-1 and SHA-2 (MD5, unknown).
    public let digest: DigestAlgorithm?
    /// The signature algorithm's OpenSSL name, e.g. `rsaEncryption`, `ecdsa-with-SHA256`.
    public let signatureAlgorithm: String
    /// The signingTime signed attribute.
    public let signingTime: Date?
    /// The ESS signing-certificate-v2 attribute: nil when absent, else whether it names the signer's certificate.
    public let signingCertificateV2: Bool?
    /// The older ESS signing-certificate (SHA-1) attribute, likewise.
    public let signingCertificateV1: Bool?
}

/// The outcome of checking a SignedData's signatures over its content.
public struct CMSCheck: Sendable {
    /// Every signer's signature and message digest verify over the content.
    public let valid: Bool
    /// OpenSSL's reason when not valid.
    public let problem: String?
    /// No certificate to check a signer with: neither in the message nor given. The signature was not checked.
    public let signerNotFound: Bool
    public let signers: [CMSSignerInfo]
    /// The SHA-256 of the content (nil when OpenSSL stopped before it had read all of it).
    public let contentSHA256: [UInt8]?
    /// Bytes of content read.
    public let contentLength: UInt64
}

/// A signature file as read: a CMS message, or bytes that are not CMS (XML, perhaps).
public enum SignatureFileContents {
    case cms(CMSSignedData)
    case other(Data)
}

/// A parsed CMS SignedData (DER or BER, PEM, or S/MIME).
public final class CMSSignedData: @unchecked Sendable {
    // @unchecked: used by one thread at a time (one file per task).
    private let pointer: OpaquePointer
    /// The first part of a multipart/signed S/MIME message: the signed content.
    private let mimeContent: OpaquePointer?
    public let format: CMSFormat

    private init(pointer: OpaquePointer, mimeContent: OpaquePointer?, format: CMSFormat) {
        self.pointer = pointer
        self.mimeContent = mimeContent
        self.format = format
    }

    deinit {
        CMS_ContentInfo_free(pointer)
        if let mimeContent { BIO_free(mimeContent) }
    }

    /// What kind of signature container `prefix` (the first bytes of a file) starts, if CMS.
    public static func detectFormat(_ prefix: Data) -> CMSFormat? {
        // A UTF-8 byte-order mark (a Windows editor's) goes before anything else.
        let unmarked = prefix.starts(with: [0xEF, 0xBB, 0xBF]) ? prefix.dropFirst(3) : prefix
        let bytes = unmarked.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.first else { return nil }
        if first == 0x30 { return .der }
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        if text.hasPrefix("-----BEGIN CMS-----") || text.hasPrefix("-----BEGIN PKCS7-----") { return .pem }
        // A MIME message: a header line first, and a PKCS#7 content type in the headers.
        let lower = text.lowercased()
        let headers = lower.components(separatedBy: "\n\n").first?.components(separatedBy: "\r\n\r\n").first ?? ""
        if let colon = headers.firstIndex(of: ":"), !headers[..<colon].isEmpty,
           headers[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
           headers.contains("application/pkcs7-") || headers.contains("application/x-pkcs7-") {
            return .smime
        }
        // PEM after lines of text (openssl reads past them too); never in what looks like XML.
        if first != UInt8(ascii: "<"), text.contains("\n-----BEGIN CMS-----") || text.contains("\n-----BEGIN PKCS7-----") { return .pem }
        return nil
    }

    /// Parses a signature file's bytes in the given (or detected) format. The bytes are parsed
    /// where they are, not copied first, so a large attached signature is held once as bytes
    /// and once parsed, and the bytes can be let go as soon as this returns.
    public static func parse(_ data: Data, name: String, format: CMSFormat? = nil) throws -> CMSSignedData {
        guard let format = format ?? detectFormat(data.prefix(4096)) else {
            throw CryptoError.notASignature(path: name, detail: "neither CMS (DER, PEM, S/MIME) nor XML")
        }
        if format != .der, data.count > Int(Int32.max) {
            throw CryptoError.notASignature(path: name, detail: "a \(format == .pem ? "PEM" : "S/MIME") file over 2 GB; convert it to DER (openssl cms -cmsout -outform DER)")
        }
        OpenSSLErrors.clear()
        var content: OpaquePointer?
        let parsed: OpaquePointer? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count > 0 else { return nil }
            if format == .der {
                var cursor: UnsafePointer<UInt8>? = base
                return d2i_CMS_ContentInfo(nil, &cursor, raw.count)
            }
            // A read-only memory BIO over the bytes: no copy, and end of data reads as end of file.
            guard let bio = BIO_new_mem_buf(base, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return format == .pem ? PEM_read_bio_CMS(bio, nil, nil, nil) : SMIME_read_CMS(bio, &content)
        }
        guard let parsed else {
            if let content { BIO_free(content) }
            throw CryptoError.notASignature(path: name, detail: "not a CMS message (\(OpenSSLErrors.drain()))")
        }
        let message = CMSSignedData(pointer: parsed, mimeContent: content, format: format)
        guard OBJ_obj2nid(CMS_get0_type(parsed)) == NID_pkcs7_signed else {
            throw CryptoError.notASignature(path: name, detail: "a CMS message, but not SignedData")
        }
        return message
    }

    /// Reads the file at `path` ("-" for standard input) and parses it when it is CMS. The bytes
    /// of a CMS file are let go once parsed; other bytes are returned for the caller to try as XML.
    public static func load(_ path: String, name: String) throws -> SignatureFileContents {
        let data = try FileSystem.read(path)
        guard let format = detectFormat(data.prefix(4096)) else { return .other(data) }
        return .cms(try parse(data, name: name, format: format))
    }

    /// The content is not inside the message (and, for S/MIME, not in a multipart/signed part either).
    public var isDetached: Bool { mimeContent == nil && CMS_is_detached(pointer) == 1 }

    /// SHA-256 and length of the content inside a DER or PEM message (nil when detached, or for
    /// S/MIME, whose content is a MIME part): read without verifying anything.
    public var embeddedContentDigest: (sha256: [UInt8], length: UInt64)? {
        guard mimeContent == nil, let slot = CMS_get0_content(pointer), let octets = slot.pointee else { return nil }
        let length = Int(ASN1_STRING_length(octets))
        guard let bytes = ASN1_STRING_get0_data(octets) else { return (Digest.sha256(Data()), 0) }
        return (Digest.sha256Parts([UnsafeRawBufferPointer(start: bytes, count: length)]), UInt64(length))
    }

    /// The certificates the message carries.
    public var certificates: [Certificate] {
        guard let stack = CMS_get1_certs(pointer) else { return [] }
        defer { mgov_sk_X509_pop_free(stack) }
        return (0..<mgov_sk_X509_num(stack)).compactMap { mgov_sk_X509_value(stack, $0).map { Certificate(sharing: $0) } }
    }

    /// Checks every signer's signature and message digest over the content: `content` for a detached
    /// signature (a descriptor the caller owns), else the content inside. The content is streamed;
    /// with `contentOutput`, it is also copied there. Chains are not checked here.
    ///
    /// - Parameter signerCertificate: the only certificate the signer may use (pinning); default: the
    ///   certificates in the message.
    /// - Parameter text: the content was signed as text (S/MIME always is): each bare LF is read as CRLF.
    public func check(content: Int32?, contentOutput: Int32? = nil, signerCertificate: Certificate? = nil, text: Bool = false) throws -> CMSCheck {
        if content != nil, !isDetached { throw CryptoError.operationFailed("the signature carries its content: drop --content") }
        if content == nil, isDetached { throw CryptoError.operationFailed("the signature is detached: give the signed file with --content FILE") }
        OpenSSLErrors.clear()
        var flags = UInt32(CMS_NO_SIGNER_CERT_VERIFY)
        let asText = text || format == .smime
        if !asText { flags |= UInt32(CMS_BINARY) }
        guard let pinned = mgov_sk_X509_new_null() else { throw CryptoError.operationFailed("out of memory") }
        defer { mgov_sk_X509_free(pinned) }
        if let signerCertificate {
            _ = mgov_sk_X509_push(pinned, signerCertificate.pointer)
            flags |= UInt32(CMS_NOINTERN)
        }
        _ = CMS_set1_signers_certs(pointer, pinned, flags)
        OpenSSLErrors.clear()

        // The report says what was signed: binary content's SHA-256 is the signer's messageDigest
        // once the signature verifies (no second pass over the content; when it does not, the
        // caller hashes the content inside, or reads a file again). Otherwise, and for content
        // that cannot be read again (a pipe), the content passes through a SHA-256 filter on its
        // way in (detached) or out (attached).
        let rereadable = content.map { lseek($0, 0, SEEK_CUR) >= 0 } ?? true
        let signedDigest = asText || !rereadable ? nil : signedSHA256()
        let digest = signedDigest == nil ? mgov_BIO_new_sha256() : nil
        if signedDigest == nil, digest == nil { throw CryptoError.operationFailed("out of memory") }
        var source: OpaquePointer?, sink: OpaquePointer?, buffer: OpaquePointer?
        defer {
            if let buffer { BIO_pop(buffer); BIO_free(buffer) }
            if let digest { BIO_pop(digest); BIO_free(digest) }
            if content != nil, let source { BIO_free(source) }
            if let sink { BIO_free(sink) }
        }
        var detached: OpaquePointer?, out: OpaquePointer?
        if let content { source = BIO_new_fd(content, BIO_NOCLOSE) } else if let mimeContent { source = mimeContent }
        if let source {
            detached = digest.map { BIO_push($0, source) } ?? source
            // Text is read by lines, and BIO_gets on the digest filter would return the digest.
            if asText {
                buffer = BIO_new(BIO_f_buffer())
                guard let buffer else { throw CryptoError.operationFailed("out of memory") }
                detached = BIO_push(buffer, detached)
            }
        } else {
            sink = contentOutput.map { BIO_new_fd($0, BIO_NOCLOSE) } ?? BIO_new(BIO_s_null())
            guard let sink else { throw CryptoError.operationFailed("out of memory") }
            out = digest.map { BIO_push($0, sink) } ?? sink
        }
        if let contentOutput, source != nil {
            sink = BIO_new_fd(contentOutput, BIO_NOCLOSE)
            out = sink
        }

        let valid = CMS_verify(pointer, pinned, nil, detached, out, flags) == 1
        let reasons = valid ? "" : OpenSSLErrors.drain()
        let problem = valid ? nil : Self.explain(reasons, text: asText)
        var hash = [UInt8](repeating: 0, count: 32)
        // OpenSSL reads the content only once the signers' signatures check out: all of it when
        // valid or when its digest is what failed; otherwise it may not have been read at all.
        let read = valid || Self.isContentMismatch(reasons)
        var hashed = false
        if let digest {
            hashed = read && hash.withUnsafeMutableBytes { BIO_gets(digest, $0.baseAddress?.assumingMemoryBound(to: CChar.self), 32) } == 32
        } else if valid, let signedDigest {
            hash = signedDigest
            hashed = true
        }
        let length = source.map { BIO_number_read($0) } ?? sink.map { BIO_number_written($0) } ?? 0
        return CMSCheck(valid: valid, problem: problem, signerNotFound: reasons.contains("signer certificate not found"),
                        signers: signerInfos(), contentSHA256: hashed ? hash : nil, contentLength: length)
    }

    /// The messageDigest attribute of a signer that digests with SHA-256: once every signer
    /// verifies, the SHA-256 of the content. nil when no signer has one. Content whose SHA-256 is not
    /// this was changed, which needs no key to tell.
    public func signedSHA256() -> [UInt8]? { Self.signedSHA256(pointer) }

    static func signedSHA256(_ pointer: OpaquePointer) -> [UInt8]? {
        guard let infos = CMS_get0_SignerInfos(pointer), let oid = OBJ_nid2obj(NID_pkcs9_messageDigest) else { return nil }
        for index in 0..<mgov_sk_CMS_SignerInfo_num(infos) {
            guard let info = mgov_sk_CMS_SignerInfo_value(infos, index) else { continue }
            var algorithm: UnsafeMutablePointer<X509_ALGOR>?
            CMS_SignerInfo_get0_algs(info, nil, nil, &algorithm, nil)
            guard let algorithm, mgov_CMS_digest_nid(algorithm) == NID_sha256,
                  let attribute = CMS_signed_get0_data_by_OBJ(info, oid, -3, V_ASN1_OCTET_STRING) else { continue }
            let octets = UnsafePointer(attribute.assumingMemoryBound(to: ASN1_STRING.self))
            guard ASN1_STRING_length(octets) == 32, let bytes = ASN1_STRING_get0_data(octets) else { continue }
            return Array(UnsafeBufferPointer(start: bytes, count: 32))
        }
        return nil
    }

    private func signerInfos() -> [CMSSignerInfo] {
        guard let infos = CMS_get0_SignerInfos(pointer) else { return [] }
        let carried = CMS_get1_certs(pointer)
        defer { if let carried { mgov_sk_X509_pop_free(carried) } }
        return (0..<mgov_sk_CMS_SignerInfo_num(infos)).compactMap { index in
            guard let info = mgov_sk_CMS_SignerInfo_value(infos, index) else { return nil }
            var signer: OpaquePointer?
            var digest: UnsafeMutablePointer<X509_ALGOR>?
            var signature: UnsafeMutablePointer<X509_ALGOR>?
            CMS_SignerInfo_get0_algs(info, nil, &signer, &digest, &signature)
            var parts = tm()
            let timeFound = mgov_CMS_signing_time(info, &parts)
            let time = timeFound == 1 ? Date(timeIntervalSince1970: TimeInterval(timegm(&parts))) : nil
            func ess(_ v2: Int32) -> Bool? {
                switch mgov_CMS_check_signing_certificate(info, signer, carried, v2) {
                case -1: return nil
                case 1: return true
                default: return false
                }
            }
            let result = CMSSignerInfo(certificate: signer.map { Certificate(sharing: $0) },
                                       digestAlgorithm: Self.algorithmName(digest, short: true).lowercased(),
                                       digest: digest.flatMap { DigestAlgorithm(nid: mgov_CMS_digest_nid($0)) },
                                       signatureAlgorithm: Self.algorithmName(signature, short: false),
                                       signingTime: time, signingCertificateV2: ess(1), signingCertificateV1: ess(0))
            OpenSSLErrors.clear()
            return result
        }
    }

    private static func algorithmName(_ algorithm: UnsafeMutablePointer<X509_ALGOR>?, short: Bool) -> String {
        guard let algorithm else { return "unknown" }
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        let nid = OBJ_obj2nid(object)
        if nid != NID_undef, let name = short ? OBJ_nid2sn(nid) : OBJ_nid2ln(nid) { return String(cString: name) }
        var buffer = [CChar](repeating: 0, count: 128)
        OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        return String(cString: buffer)
    }

    /// OpenSSL's reasons say the content's digest did not match (so all of it was read).
    private static func isContentMismatch(_ reasons: String) -> Bool {
        reasons.contains("content verify error") || reasons.contains("digest failure")
    }

    /// OpenSSL's reasons, in words a user can act on.
    private static func explain(_ reasons: String, text: Bool) -> String {
        if isContentMismatch(reasons) {
            return "the content does not match the signature's message digest: the signed content was changed"
                + (text ? "" : " (or its line ends, when it was signed as text, as openssl cms -sign does without -binary: then try --text)")
        }
        if reasons.contains("signer certificate not found") {
            return "the signer's certificate is neither in the message nor the one given with --cert (give the signer's with --cert FILE)"
        }
        if reasons.contains("verification failure") || reasons.contains("signature failure") {
            return "the signature does not verify with the signer's key: the signed attributes or the certificate were changed"
        }
        return "the CMS signature does not verify: \(reasons)"
    }
}
