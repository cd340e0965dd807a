import Foundation
import MGovCore
import MGovCrypto
import MGovTestSupport
import Testing
@testable import MGovSign

extension SigningFixture {
    /// Signs `content` as CMS into a file and returns the signature's path and the content's path.
    func signCMS(_ content: Data, _ configure: (inout CMSSigningOptions) -> Void = { _ in }) throws -> (signature: String, content: String) {
        var options = CMSSigningOptions()
        configure(&options)
        let contentPath = try dir.write("content-\(UUID().uuidString)", data: content)
        let signaturePath = contentPath + ".sig"
        let signer = try CMSSigner(key: key, certificates: [certificate], options: options)
        let input = try FileSystem.openForReading(contentPath)
        defer { close(input) }
        let output = try AtomicFile(path: signaturePath)
        try output.withDescriptor { try signer.sign(input: input, output: $0) }
        try output.commit()
        return (signaturePath, contentPath)
    }

    func verifyCMS(_ signature: String, content: String?, _ configure: (inout VerificationOptions) -> Void = { _ in }) throws -> SignatureReport {
        var options = VerificationOptions()
        options.trustAnchors = anchors
        configure(&options)
        let message = try CMSSignedData.parse(try FileSystem.read(signature), name: signature)
        let descriptor = try content.map(FileSystem.openForReading)
        defer { if let descriptor { close(descriptor) } }
        return try CMSVerifier(options: options).verify(message, name: signature, content: descriptor)[0]
    }
}

@Suite struct CMSTests {
    @Test(arguments: ["ec", "rsa:2048"], [CMSFormat.der, .pem, .smime])
    func detachedAndAttachedSignaturesVerify(keyType: String, format: CMSFormat) throws {
        let fixture = try SigningFixture(keyType: keyType)
        // S/MIME signs text; DER and PEM sign any bytes.
        let content = format == .smime ? Data("Dear citizen,\nyour certificate is ready.\n".utf8)
                                        : Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let detached = try fixture.signCMS(content) { $0.format = format }
        let smimeCarriesContent = format == .smime
        let report = try fixture.verifyCMS(detached.signature, content: smimeCarriesContent ? nil : detached.content)
        #expect(report.valid && report.trusted, "\(report.problems)")
        #expect(report.signer?.subject == "CN=signer")
        #expect(report.digestAlgorithm == "sha256")
        #expect(report.chain.count == 2)
        let attached = try fixture.signCMS(content) { $0.format = format; $0.detached = false }
        let inside = try fixture.verifyCMS(attached.signature, content: nil)
        #expect(inside.valid && inside.trusted && inside.detached == false, "\(inside.problems)")
    }

    @Test func sMIMERefusesBinaryContentInsteadOfCuttingIt() throws {
        let fixture = try SigningFixture()
        #expect(throws: CryptoError.self) { try fixture.signCMS(Data("abc\0def\n".utf8)) { $0.format = .smime } }
    }

    @Test func aChangedByteFailsAndTheReasonSaysSo() throws {
        let fixture = try SigningFixture()
        let signed = try fixture.signCMS(Data("pay 100 lei".utf8))
        try Data("pay 900 lei".utf8).write(to: URL(fileURLWithPath: signed.content))
        let report = try fixture.verifyCMS(signed.signature, content: signed.content)
        #expect(!report.valid)
        #expect(report.problems.contains { $0.contains("content was changed") })
    }

    @Test func cadesBindsTheSignerCertificate() throws {
        let fixture = try SigningFixture()
        let signed = try fixture.signCMS(Data("x".utf8)) { $0.cades = true; $0.digest = .sha384 }
        let report = try fixture.verifyCMS(signed.signature, content: signed.content)
        #expect(report.valid && report.trusted, "\(report.problems)")
        #expect(report.digestAlgorithm == "sha384")
        #expect(report.attributes.contains { $0.hasPrefix("signing-certificate-v2") && $0.contains("checked") })
        #expect(report.signingTime != nil)
        let plain = try fixture.signCMS(Data("x".utf8))
        #expect(try fixture.verifyCMS(plain.signature, content: plain.content).attributes.isEmpty)
    }

    @Test func trustNeedsAnchorsOrAnExplicitChoice() throws {
        let fixture = try SigningFixture()
        let signed = try fixture.signCMS(Data("x".utf8))
        let noAnchors = try fixture.verifyCMS(signed.signature, content: signed.content) { $0.trustAnchors = [] }
        #expect(noAnchors.valid && !noAnchors.trusted)
        let other = try SigningFixture()
        let wrongAnchor = try fixture.verifyCMS(signed.signature, content: signed.content) { $0.trustAnchors = other.anchors }
        #expect(wrongAnchor.valid && !wrongAnchor.trusted)
        let anySigner = try fixture.verifyCMS(signed.signature, content: signed.content) { $0.trustAnchors = []; $0.anySigner = true }
        #expect(!anySigner.trusted && anySigner.trustWaived && !anySigner.warnings.isEmpty)
        // A pinned certificate of another signer does not match the signer identifier.
        let pinnedOther = try fixture.verifyCMS(signed.signature, content: signed.content) { $0.pinnedCertificate = other.certificate }
        #expect(!pinnedOther.valid && !pinnedOther.trusted)
        // The signer's own certificate, pinned, must still chain to the anchors.
        let pinnedUntrusted = try fixture.verifyCMS(signed.signature, content: signed.content) {
            $0.pinnedCertificate = fixture.certificate; $0.trustAnchors = other.anchors
        }
        #expect(pinnedUntrusted.valid && !pinnedUntrusted.trusted && !pinnedUntrusted.trustWaived)
        let pinnedTrusted = try fixture.verifyCMS(signed.signature, content: signed.content) { $0.pinnedCertificate = fixture.certificate }
        #expect(pinnedTrusted.valid && pinnedTrusted.trusted, "\(pinnedTrusted.problems)")
    }

    @Test func weakKeysSHA1AndMissingCertificatesAreRefusedForSigning() throws {
        let fixture = try SigningFixture()
        var options = CMSSigningOptions()
        options.digest = .sha1
        #expect(throws: CryptoError.self) { try CMSSigner(key: fixture.key, certificates: [fixture.certificate], options: options) }
        #expect(throws: CryptoError.self) { try CMSSigner(key: fixture.key, certificates: [], options: CMSSigningOptions()) }
        let other = try SigningFixture()
        #expect(throws: CryptoError.self) { try CMSSigner(key: fixture.key, certificates: [other.certificate], options: CMSSigningOptions()) }
        let weak = try SigningFixture(keyType: "rsa:1024")
        #expect(throws: CryptoError.self) { try CMSSigner(key: weak.key, certificates: [weak.certificate], options: CMSSigningOptions()) }
    }

    @Test func formatsAreDetectedAndJunkIsNotASignature() throws {
        #expect(CMSSignedData.detectFormat(Data([0x30, 0x80, 0x06])) == .der)
        #expect(CMSSignedData.detectFormat(Data("\n-----BEGIN CMS-----\nMIA=".utf8)) == .pem)
        #expect(CMSSignedData.detectFormat(Data("MIME-Version: 1.0\nContent-Type: application/pkcs7-mime; smime-type=signed-data".utf8)) == .smime)
        #expect(CMSSignedData.detectFormat(Data("From: registry@gov.md\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"\r\n\r\nbody".utf8)) == .smime)
        #expect(CMSSignedData.detectFormat(Data("Subject: hi\n\napplication/pkcs7-mime in the body only".utf8)) == nil)
        #expect(CMSSignedData.detectFormat(Data("<doc/>".utf8)) == nil)
        #expect(throws: CryptoError.self) { try CMSSignedData.parse(Data([0x30, 0x03, 0x02, 0x01, 0x00]), name: "junk") }
        #expect(throws: CryptoError.self) { try CMSSignedData.parse(Data("hello".utf8), name: "text") }
        #expect(throws: CryptoError.self) { try CMSSignedData.parse(Data(), name: "empty", format: .der) }
    }

    /// A file is parsed as CMS when it is one (a cut-short one is an error), else handed back as it is.
    @Test func aFileIsLoadedAsCMSOrHandedBack() throws {
        let fixture = try SigningFixture()
        for attached in [false, true] {
            let signed = try fixture.signCMS(Data("the content".utf8)) { $0.detached = !attached }
            guard case .cms(let message) = try CMSSignedData.load(signed.signature, name: "s") else {
                Issue.record("a signature was not loaded as CMS"); continue
            }
            #expect(message.isDetached == !attached)
            let whole = try FileSystem.read(signed.signature)
            let cut = try fixture.dir.write("cut-\(attached)", data: whole.prefix(whole.count - 10))
            #expect(throws: CryptoError.self) { try CMSSignedData.load(cut, name: "cut") }
        }
        let xml = Data("<doc>not CMS</doc>".utf8)
        guard case .other(let bytes) = try CMSSignedData.load(try fixture.dir.write("doc.xml", data: xml), name: "doc.xml") else {
            Issue.record("XML was loaded as CMS"); return
        }
        #expect(bytes == xml)
    }

    /// A detached signature needs its content; content given with an attached one is compared with
    /// the content inside, and the report says what was signed.
    @Test func aDetachedSignatureNeedsItsContentAndAnAttachedOneIsComparedWithIt() throws {
        let fixture = try SigningFixture()
        let detached = try fixture.signCMS(Data("x".utf8))
        #expect(throws: CryptoError.self) { try fixture.verifyCMS(detached.signature, content: nil) }
        let checked = try fixture.verifyCMS(detached.signature, content: detached.content)
        #expect(checked.content?.sha256 == Hex.encode(Digest.sha256(Data("x".utf8))) && checked.content?.size == 1)
        let attached = try fixture.signCMS(Data("x".utf8)) { $0.detached = false }
        let same = try fixture.verifyCMS(attached.signature, content: attached.content)
        #expect(same.valid && same.content?.matchesFile == true && same.content?.sha256 == checked.content?.sha256)
        let keyless = try fixture.signCMS(Data("x".utf8)) { $0.includeCertificates = false }
        let unchecked = try fixture.verifyCMS(keyless.signature, content: keyless.content)
        #expect(!unchecked.valid && !unchecked.checked && unchecked.content?.sha256 == checked.content?.sha256, "not checked; what was signed is still told")
        #expect(try fixture.verifyCMS(keyless.signature, content: keyless.content) { $0.pinnedCertificate = fixture.certificate }.valid)
        // Content that is not what was signed is told without any key: its digest is not the signed one.
        let changed = try fixture.dir.write("changed", "z")
        let tampered = try fixture.verifyCMS(keyless.signature, content: changed)
        #expect(!tampered.valid && tampered.checked, "INVALID, not NOT CHECKED: \(tampered.problems)")
        #expect(tampered.problems.contains { $0.contains("no certificate is needed to tell") })
        let other = try fixture.dir.write("other", "y")
        let different = try fixture.verifyCMS(attached.signature, content: other)
        #expect(!different.valid && different.content?.matchesFile == false)
        #expect(different.problems.contains { $0.contains("is not the content this signature carries") }, "\(different.problems)")
    }

@Suite struct CMSFormatTests {
    @Test func pemIsFoundAfterAByteOrderMarkOrLinesOfTextButNotInXML() {
        let pem = "-----BEGIN CMS-----\nMIIB\n-----END CMS-----\n"
        #expect(CMSSignedData.detectFormat(Data(pem.utf8)) == .pem)
        #expect(CMSSignedData.detectFormat(Data([0xEF, 0xBB, 0xBF]) + Data(pem.utf8)) == .pem)
        #expect(CMSSignedData.detectFormat(Data(("Subject: the act\n" + pem).utf8)) == .pem)
        #expect(CMSSignedData.detectFormat(Data(("<doc>\n" + pem + "</doc>").utf8)) == nil)
    }
}

}
