import Foundation
import MGovCore
import MGovCrypto

/// Verifies CMS SignedData (RFC 5652; CAdES-BES attributes when present) with
/// the same trust rules and report as XML signatures.
public struct CMSVerifier: Sendable {
    public let options: VerificationOptions

    public init(options: VerificationOptions) { self.options = options }

    /// Checks every signer of `message` over its content: `content` (a descriptor) for a detached
    /// signature, else the content inside, copied to `contentOutput` when given.
    public func verify(_ message: CMSSignedData, name: String, content: Int32?, contentOutput: Int32? = nil) throws -> [SignatureReport] {
        let check = try message.check(content: content, contentOutput: contentOutput, signerCertificate: options.pinnedCertificate)
        guard !check.signers.isEmpty else { throw SignError.noSignature(name, kind: "CMS signer") }
        let carried = message.certificates
        return check.signers.enumerated().map { index, signer in
            var report = SignatureReport()
            report.format = "cms"
            report.path = "signer \(index + 1)"
            report.detached = content != nil
            report.signer = signer.certificate?.summary
            report.signatureAlgorithm = signer.signatureAlgorithm
            report.digestAlgorithm = signer.digestAlgorithm
            report.signingTime = signer.signingTime
            var valid = check.valid
            if let problem = check.problem { report.problems.append(problem) }

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
}
