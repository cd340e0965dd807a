import Foundation
import MGovCore
import MGovCrypto

/// Verifies CMS SignedData (RFC 5652; CAdES-BES attributes when present) with
/// the same trust rules and report as XML signatures.
public struct CMSVerifier: Sendable {
    public let options: VerificationOptions

    public init(options: VerificationOptions) { self.options = options }

    /// Checks every signer of `message` over its content: `content` (a descriptor, read from the
    /// file `contentName`) for a detached signature, else the content inside, copied to
    /// `contentOutput` when given. `content` given with a signature that carries its content is
    /// compared with it: a signature is not valid for a file that is not what it signed.
    public func verify(_ message: CMSSignedData, name: String, content: Int32?, contentName: String? = nil,
                       contentOutput: Int32? = nil) throws -> [SignatureReport] {
        let compared = message.isDetached ? nil : content
        let check = try message.check(content: compared == nil ? content : nil, contentOutput: contentOutput,
                                      signerCertificate: options.pinnedCertificate, text: options.textContent)
        guard !check.signers.isEmpty else { throw SignError.noSignature(name, kind: "CMS signer") }
        let carried = message.certificates
        var contentReport = check.contentSHA256.map { ContentReport(file: contentName, size: check.contentLength, sha256: Hex.encode($0)) }
        // OpenSSL stopped before the content (no signer certificate, a bad signature): what was signed is still told.
        if contentReport == nil {
            if let inside = message.embeddedContentDigest {
                contentReport = ContentReport(file: contentName, size: inside.length, sha256: Hex.encode(inside.sha256))
            } else if message.isDetached, let content, lseek(content, 0, SEEK_SET) == 0 {
                let (hash, size) = try Self.sha256(of: content, name: contentName ?? "the content file")
                contentReport = ContentReport(file: contentName, size: size, sha256: hash)
            }
        }
        var contentProblem: String?
        // S/MIME signs text with CRLF line ends: the file is compared as it would have been signed.
        let asText = message.format == .smime || options.textContent
        if let compared, var report = contentReport {
            let given = try Self.sha256(of: compared, name: contentName ?? "the content file", crlf: asText).hex
            report.matchesFile = given == report.sha256
            if report.matchesFile == false {
                report.fileSHA256 = given
                contentProblem = "\(contentName ?? "the --content file") is not the content this signature carries (its SHA-256\(asText ? " with CRLF line ends" : "") is \(given)): "
                    + "the signature is not valid for it" + (asText ? "" : " (or its line ends, when it was signed as text, as openssl cms -sign does without -binary: then try --text)")
            }
            contentReport = report
        }
        // No key to check a signer with, but a SHA-256 signer's messageDigest needs none: content that is not it was changed.
        if contentProblem == nil, check.signerNotFound, !asText, let signed = message.signedSHA256(), let report = contentReport,
           report.sha256 != Hex.encode(signed) {
            contentProblem = "the content does not match the signature's message digest: the signed content was changed (no certificate is needed to tell)"
        }
        return check.signers.enumerated().map { index, signer in
            var report = SignatureReport()
            report.format = "cms"
            report.path = "signer \(index + 1)"
            report.detached = message.isDetached
            report.content = contentReport
            report.signer = signer.certificate?.summary
            report.signatureAlgorithm = signer.signatureAlgorithm
            report.digestAlgorithm = signer.digestAlgorithm
            report.signingTime = signer.signingTime
            var valid = check.valid && contentProblem == nil
            if let problem = check.problem { report.problems.append(problem) }
            // No certificate to check the signer with: not checked, unless the content is known not to match.
            // A --cert that is not the signer's is a signature by someone else: INVALID.
            report.checked = !check.signerNotFound || contentProblem != nil || options.pinnedCertificate != nil
            if let contentProblem { report.problems.append(contentProblem) }
            // Only content from outside (detached, or a --content to compare) is read as text.
            if options.textContent, message.format != .smime, message.isDetached || compared != nil {
                report.warnings.append("the content was checked as text (--text): its line ends were made CRLF, so a copy with other line ends verifies too")
            }

            switch signer.digest {
            case .sha1:
                if options.allowSHA1 {
                    report.warnings.append("SHA-1 is used (allowed by --allow-sha1); it is broken for collision resistance")
                } else {
                    report.problems.append("SHA-1 is used; refused unless --allow-sha1")
                    valid = false
                }
            case .sha256, .sha384, .sha512: break
            case nil:
                report.problems.append("the digest algorithm \(signer.digestAlgorithm) is refused (SHA-256, SHA-384 or SHA-512)")
                valid = false
            }

            for (found, name) in [(signer.signingCertificateV2, "signing-certificate-v2"), (signer.signingCertificateV1, "signing-certificate")] {
                guard let found else { continue }
                if found {
                    report.attributes.append("\(name) (ESS, CAdES-BES): checked, names the signer's certificate")
                } else {
                    report.attributes.append("\(name) (ESS, CAdES-BES): does NOT name the signer's certificate")
                    report.problems.append("the \(name) attribute does not name the signer's certificate: the certificate was swapped")
                    valid = false
                }
            }
            if signer.signingTime == nil { report.warnings.append("no signing time attribute") }
            report.valid = valid

            let signerDER = signer.certificate?.der
            SignerTrust.assess(signer: signer.certificate, intermediates: carried.filter { $0.der != signerDER },
                               signatureValid: valid, options: options, purpose: TrustVerifier.smimeSigningPurpose, report: &report)
            return report
        }
    }

    /// SHA-256 of what is left to read from `descriptor`, hex, and the bytes read; with `crlf`, of
    /// the text with each bare LF made CRLF (as S/MIME canonicalises it).
    static func sha256(of descriptor: Int32, name: String, crlf: Bool = false) throws -> (hex: String, size: UInt64) {
        let digest = StreamingDigest(.sha256)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var canonical: [UInt8] = []
        var previous: UInt8 = 0
        var size: UInt64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw CryptoError.operationFailed("cannot read \(name): \(String(cString: strerror(errno)))")
            }
            size += UInt64(n)
            guard crlf else {
                buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0.prefix(n))) }
                continue
            }
            canonical.removeAll(keepingCapacity: true)
            for byte in buffer[0..<n] {
                if byte == 0x0A, previous != 0x0D { canonical.append(0x0D) }
                canonical.append(byte)
                previous = byte
            }
            canonical.withUnsafeBytes { digest.update($0) }
        }
        return (Hex.encode(digest.finish()), size)
    }
}
