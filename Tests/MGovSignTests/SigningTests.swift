import Foundation
import MGovCore
import MGovCrypto
import MGovTestSupport
import MGovXML
import Testing
@testable import MGovSign

/// A CA, a signer and helpers for signing in tests.
struct SigningFixture {
    let dir: TemporaryDirectory
    let key: PrivateKey
    let certificate: Certificate
    let anchors: [Certificate]

    init(keyType: String = "ec", keyUsage: String = "digitalSignature", extendedKeyUsage: String? = nil) throws {
        dir = try TemporaryDirectory()
        let ca = try TestPKI.makeCA(in: dir)
        let leaf = try TestPKI.makeLeaf(in: dir, name: "signer", ca: ca, keyType: keyType, keyUsage: keyUsage, extendedKeyUsage: extendedKeyUsage)
        key = try PrivateKey.load(path: leaf.key) { "" }
        certificate = try Certificate.loadAll(path: leaf.cert)[0]
        anchors = try Certificate.loadAll(path: ca.cert)
    }

    func sign(_ xml: String, _ configure: (inout XMLSigningOptions) -> Void = { _ in }) throws -> String {
        var options = XMLSigningOptions()
        configure(&options)
        let signer = try XMLSigner(key: key, certificates: [certificate], options: options)
        return String(decoding: try signer.sign(try XMLDocument(data: Data(xml.utf8))).serialized(), as: UTF8.self)
    }

    func verify(_ xml: String, _ configure: (inout VerificationOptions) -> Void = { _ in }) throws -> SignatureReport {
        var options = VerificationOptions()
        options.trustAnchors = anchors
        configure(&options)
        return try XMLVerifier(options: options).verify(try XMLDocument(data: Data(xml.utf8)))[0]
    }
}

let assertion = #"<Response xmlns="urn:example"><Assertion Id="a1"><User>alice</User></Assertion><Note>unsigned</Note></Response>"#

@Suite struct SigningTests {
    @Test(arguments: ["ec", "rsa:2048"], CanonicalizationMethod.allCases)
    func envelopedSignaturesVerify(_ keyType: String, _ method: CanonicalizationMethod) throws {
        let f = try SigningFixture(keyType: keyType)
        let signed = try f.sign("<doc><!-- note --><a>1</a></doc>") { $0.canonicalization = method }
        let report = try f.verify(signed)
        #expect(report.valid && report.trusted, "\(report.problems)")
        #expect(report.references.first?.uri == "")
        #expect(report.canonicalization == method.shortName)
    }

    @Test func envelopingAndDetachedSignaturesVerify() throws {
        let f = try SigningFixture()
        let enveloping = try f.sign(assertion) { $0.mode = .enveloping }
        #expect(enveloping.contains("<ds:Object Id=\"object\">"))
        #expect(try f.verify(enveloping).valid)
        // A document that uses Id="object" itself gets the next free one.
        let taken = try f.sign(#"<doc><a Id="object">1</a><b Id="object-1">2</b></doc>"#) { $0.mode = .enveloping }
        #expect(taken.contains("<ds:Object Id=\"object-2\">") && taken.contains("URI=\"#object-2\""))
        #expect(try f.verify(taken).valid)
        let detached = try f.sign(assertion) { $0.mode = .detached(["#a1"]) }
        let report = try f.verify(detached)
        #expect(report.valid && report.trusted, "\(report.problems)")
        #expect(report.references.first?.signedName == "Assertion")
    }

    @Test(arguments: [DigestAlgorithm.sha384, .sha512])
    func otherDigestsAndRSAPSSVerify(_ digest: DigestAlgorithm) throws {
        let f = try SigningFixture(keyType: "rsa:2048")
        let signed = try f.sign(assertion) { $0.digest = digest; $0.rsaPSS = true }
        #expect(signed.contains("\(digest.rawValue)-rsa-MGF1"))
        #expect(try f.verify(signed).valid)
    }

    /// Signing again over what a signature covers would break it: refused. A signature that was
    /// already broken, or that covers another part, does not stop signing.
    @Test func aSignatureIsNotAddedWhereItWouldBreakAnother() throws {
        let f = try SigningFixture()
        let whole = try f.sign(assertion)
        for mode in [XMLSigningOptions.Mode.enveloped, .enveloping, .detached(["#a1"])] {
            #expect(throws: SignError.self, "\(mode)") { try f.sign(whole) { $0.mode = mode } }
        }
        // Nothing goes inside an enveloping signature (its root is ds:Signature).
        let enveloping = try f.sign(assertion) { $0.mode = .enveloping }
        #expect(throws: SignError.self) { try f.sign(enveloping) }
        let broken = whole.replacingOccurrences(of: "alice", with: "mallory")
        #expect(try !f.verify(broken).valid)
        _ = try f.sign(broken)
        let part = try f.sign(assertion) { $0.mode = .detached(["#a1"]) }
        let twice = try f.sign(part)
        let reports = try XMLVerifier(options: { var o = VerificationOptions(); o.trustAnchors = f.anchors; return o }())
            .verify(try XMLDocument(data: Data(twice.utf8)))
        #expect(reports.count == 2 && reports.allSatisfy { $0.valid && $0.trusted }, "\(reports.map(\.problems))")
    }

    /// No key to check a signature with is "not checked", not "invalid"; a signature over part of
    /// the document says the rest is not signed.
    @Test func anUncheckableSignatureIsNotCalledInvalidAndAPartialOneSaysSo() throws {
        let f = try SigningFixture()
        let keyless = try f.sign(assertion) { $0.includeKeyInfo = false }
        let unchecked = try f.verify(keyless)
        #expect(!unchecked.valid && !unchecked.checked && unchecked.problems.contains { $0.contains("--cert FILE") })
        let pinned = try f.verify(keyless) { $0.pinnedCertificate = f.certificate }
        #expect(pinned.valid && pinned.checked && pinned.trusted)
        let wrong = try f.verify(keyless.replacingOccurrences(of: "alice", with: "mallory")) { $0.pinnedCertificate = f.certificate }
        #expect(!wrong.valid && wrong.checked)
        let changed = try f.verify(keyless.replacingOccurrences(of: "alice", with: "mallory"))
        #expect(!changed.valid && changed.checked, "a changed document is INVALID, key or no key")

        let part = try f.verify(try f.sign(assertion) { $0.mode = .detached(["#a1"]) })
        #expect(part.valid && part.warnings.contains { $0.hasPrefix("it signs only /") && $0.hasSuffix("the rest of the document is not signed and may be changed without breaking it") }, "\(part.warnings)")
        #expect(try f.verify(try f.sign(assertion)).warnings.isEmpty)
        #expect(try f.verify(try f.sign(assertion) { $0.mode = .enveloping }).warnings.isEmpty)
    }

    @Test func weakKeysAndSHA1AreRefusedForSigning() throws {
        let f = try SigningFixture(keyType: "rsa:1024")
        #expect(throws: SignError.self) { try f.sign(assertion) }
        let g = try SigningFixture()
        #expect(throws: SignError.self) { try g.sign(assertion) { $0.digest = .sha1 } }
    }

    @Test func changedSignedContentFailsAndUnsignedContentDoesNot() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion) { $0.mode = .detached(["#a1"]) }
        #expect(!(try f.verify(signed.replacingOccurrences(of: "alice", with: "mallory")).valid))
        #expect(try f.verify(signed.replacingOccurrences(of: "unsigned", with: "changed")).valid)
    }

    @Test func signedOutputHoldsOnlySignedContent() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion) { $0.mode = .detached(["#a1"]) }
        var options = VerificationOptions()
        options.trustAnchors = f.anchors
        let verifier = XMLVerifier(options: options)
        let document = try XMLDocument(data: Data(signed.utf8))
        let content = String(decoding: try verifier.signedContent(document, reports: try verifier.verify(document)), as: UTF8.self)
        #expect(content.contains("alice"))
        #expect(!content.contains("unsigned"))
    }
}

@Suite struct AttackTests {
    @Test func externalEntitiesAreRefusedAndNothingIsRead() {
        let xxe = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#
        #expect(throws: XMLError.entityDeclarations(name: "document")) { try XMLDocument(data: Data(xxe.utf8)) }
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var dtd = #"<!ENTITY l0 "lol">"#
        for i in 1...9 { dtd += "<!ENTITY l\(i) \"" + String(repeating: "&l\(i - 1);", count: 10) + "\">" }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [\(dtd)]><r>&l9;</r>"
        let start = Date()
        #expect(throws: XMLError.self) { try XMLDocument(data: Data(bomb.utf8)) }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    /// XSW: the signed element moved into a wrapper, an evil one with the same ID in its place.
    @Test func aDuplicatedIDIsAnError() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion) { $0.mode = .detached(["#a1"]) }
        let original = #"<Assertion Id="a1"><User>alice</User></Assertion>"#
        let wrapped = signed.replacingOccurrences(of: original, with: #"<Assertion Id="a1"><User>mallory</User></Assertion><Wrapper>\#(original)</Wrapper>"#)
        #expect(throws: XMLError.self) { try f.verify(wrapped) }
        // The same ID under another attribute name counts too.
        let otherName = signed.replacingOccurrences(of: original, with: original + #"<Assertion ID="a1"><User>mallory</User></Assertion>"#)
        #expect(throws: XMLError.self) { try f.verify(otherName) }
        // And xml:id, an ID to libxml2 and to getElementById whatever --id-attr says, placed first.
        let xmlID = signed.replacingOccurrences(of: original, with: #"<Assertion xml:id="a1"><User>mallory</User></Assertion>"# + original)
        #expect(throws: XMLError.self) { try f.verify(xmlID) }
    }

    /// A pinned certificate gives the key, not the trust: it must chain to the anchors like any other.
    @Test func aPinnedCertificateMustStillBeTrusted() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion)
        let other = try SigningFixture()
        let untrusted = try f.verify(signed) { $0.pinnedCertificate = f.certificate; $0.trustAnchors = other.anchors }
        #expect(untrusted.valid && !untrusted.trusted && !untrusted.problems.isEmpty)
        let trusted = try f.verify(signed) { $0.pinnedCertificate = f.certificate }
        #expect(trusted.valid && trusted.trusted, "\(trusted.problems)")
        let waived = try f.verify(signed) { $0.pinnedCertificate = f.certificate; $0.trustAnchors = []; $0.anySigner = true }
        #expect(waived.valid && !waived.trusted && waived.trustWaived)
    }

    /// Only certificates for signing documents are trusted: a TLS-only one is refused, as `sign` warns.
    @Test func theSignersCertificateMustBeForSigningDocuments() throws {
        for (keyUsage, extendedKeyUsage, accepted) in [("digitalSignature", "serverAuth", false), ("digitalSignature", "serverAuth,clientAuth", false),
                                                        ("keyAgreement", nil, false), ("digitalSignature", "emailProtection", true),
                                                        ("nonRepudiation", "1.3.6.1.5.5.7.3.36", true), ("digitalSignature", nil, true)] as [(String, String?, Bool)] {
            let f = try SigningFixture(keyUsage: keyUsage, extendedKeyUsage: extendedKeyUsage)
            let report = try f.verify(try f.sign(assertion))
            #expect(report.valid && report.trusted == accepted, "\(keyUsage) \(extendedKeyUsage ?? "-"): \(report.problems)")
            if !accepted { #expect(report.problems.contains { $0.contains("not for signing documents") }) }
        }
    }

    /// XSW: the signed element moved into the Signature's Object, an evil one (another ID) in its place:
    /// the signature still holds, and the report names the element really signed.
    @Test func theReportNamesTheElementActuallySigned() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion) { $0.mode = .detached(["#a1"]) }
        let original = #"<Assertion Id="a1"><User>alice</User></Assertion>"#
        var moved = signed.replacingOccurrences(of: original, with: #"<Assertion Id="evil"><User>mallory</User></Assertion>"#)
        moved = moved.replacingOccurrences(of: "</ds:Signature>", with: "<ds:Object>\(original)</ds:Object></ds:Signature>")
        let report = try f.verify(moved)
        #expect(report.references.first?.signedPath?.contains("Signature") == true, "\(report.references)")
    }

    @Test func commentsInSignedTextDoNotChangeWhatWasSigned() throws {
        let f = try SigningFixture()
        let signed = try f.sign(#"<r><Assertion Id="a1"><NameID>admin@example.md.evil.com</NameID></Assertion></r>"#) { $0.mode = .detached(["#a1"]) }
        let commented = signed.replacingOccurrences(of: "admin@example.md.evil.com", with: "admin@example.md<!---->.evil.com")
        var options = VerificationOptions()
        options.trustAnchors = f.anchors
        let verifier = XMLVerifier(options: options)
        let document = try XMLDocument(data: Data(commented.utf8))
        let reports = try verifier.verify(document)
        #expect(reports[0].valid)
        let content = String(decoding: try verifier.signedContent(document, reports: reports), as: UTF8.self)
        #expect(content.contains("admin@example.md.evil.com"), "the signed text, whole: \(content)")
    }

    @Test func hmacIsRefusedWithoutAKeyAndOutputLengthAlways() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion)
        let hmacURI = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
        let asHMAC = signed.replacingOccurrences(of: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", with: hmacURI)
        let noKey = try f.verify(asHMAC)
        #expect(!noKey.valid && noKey.problems.contains { $0.contains("--hmac-key") })
        let truncated = asHMAC.replacingOccurrences(of: "Algorithm=\"\(hmacURI)\"/>", with: "Algorithm=\"\(hmacURI)\"><ds:HMACOutputLength>8</ds:HMACOutputLength></ds:SignatureMethod>")
        let refused = try f.verify(truncated) { $0.hmacKey = Data("secret".utf8) }
        #expect(!refused.valid && refused.problems.contains { $0.contains("HMACOutputLength") })
    }

    @Test func otherDocumentsAndXPathAreNotFollowed() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion) { $0.mode = .detached(["#a1"]) }
        let external = try f.verify(signed.replacingOccurrences(of: "URI=\"#a1\"", with: "URI=\"http://example.com/x.xml\""))
        #expect(!external.valid && external.problems.contains { $0.contains("not in this document") })
        let xslt = try f.verify(signed.replacingOccurrences(of: "http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>", with: "http://www.w3.org/TR/1999/REC-xslt-19991116\"/></ds:Transforms>"))
        #expect(!xslt.valid && xslt.problems.contains { $0.contains("refused") }, "\(xslt.problems)")
    }

    @Test func aCorrectHMACVerifiesWithTheSharedKey() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion)
        let hmacURI = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
        let key = Data("shared secret".utf8)
        let document = try XMLDocument(data: Data(signed.replacingOccurrences(of: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", with: hmacURI).utf8))
        let signedInfo = try #require(document.elements(named: "SignedInfo", namespace: DSig.namespace).first)
        let canonical = try Canonicalizer.canonicalize(document, selection: .subtree(signedInfo, excluding: nil), method: .exclusive)
        let mac = Data(Digest.hmac(.sha256, key: key, data: canonical)).base64EncodedString()
        let text = String(decoding: document.serialized(), as: UTF8.self)
        let start = try #require(text.range(of: "<ds:SignatureValue>")), end = try #require(text.range(of: "</ds:SignatureValue>"))
        let withMAC = text.replacingCharacters(in: start.upperBound..<end.lowerBound, with: mac)
        let report = try f.verify(withMAC) { $0.hmacKey = key }
        #expect(report.valid && report.trusted, "\(report.problems)")
        #expect(!(try f.verify(withMAC) { $0.hmacKey = Data("wrong".utf8) }).valid)
    }

    @Test func anXPathChoosesWhichSignaturesAreChecked() throws {
        let f = try SigningFixture()
        let signed = try f.sign(assertion) { $0.mode = .detached(["#a1"]) }
        var options = VerificationOptions()
        options.trustAnchors = f.anchors
        options.signatureXPath = "/*/ds:Signature"
        #expect(try XMLVerifier(options: options).verify(try XMLDocument(data: Data(signed.utf8))).count == 1)
        options.signatureXPath = "//ds:Object/ds:Signature"
        #expect(throws: SignError.self) { try XMLVerifier(options: options).verify(try XMLDocument(data: Data(signed.utf8))) }
        options.signatureXPath = "//(("
        #expect(throws: XMLError.self) { try XMLVerifier(options: options).verify(try XMLDocument(data: Data(signed.utf8))) }
    }
}
