import Foundation
import MGovTestSupport
import Testing

/// A CA with an RSA and an ECDSA signer, and the document we sign.
struct SignEnvironment {
    let env: CLIEnvironment
    var mgov: MGovRunner { env.mgov }
    var dir: TemporaryDirectory { env.dir }
    let ca: (key: String, cert: String)
    let rsa: (key: String, cert: String)
    let ec: (key: String, cert: String)
    let input: String

    init() throws {
        env = try CLIEnvironment()
        ca = try TestPKI.makeCA(in: env.dir)
        rsa = try TestPKI.makeLeaf(in: env.dir, name: "rsa-signer", ca: ca, keyType: "rsa:2048")
        ec = try TestPKI.makeLeaf(in: env.dir, name: "ec-signer", ca: ca)
        input = try env.dir.write("in.xml", #"<doc xmlns="urn:x"><!-- c --><a Id="x1">hello</a><b>bye</b></doc>"#)
    }

    func xmlsec(_ arguments: [String]) throws -> ProcessResult {
        try TestProcess.run("/usr/bin/xmlsec1", arguments)
    }

    /// An xmlsec1 signing template for each mode.
    func template(mode: String, c14n: String, signatureMethod: String) -> String {
        let transforms: String
        let uri: String
        switch mode {
        case "enveloped":
            uri = ""
            transforms = #"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="\#(c14n)"/>"#
        case "detached":
            uri = "#x1"
            transforms = #"<ds:Transform Algorithm="\#(c14n)"/>"#
        default:
            uri = "#object"
            transforms = #"<ds:Transform Algorithm="\#(c14n)"/>"#
        }
        let signature = #"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="\#(c14n)"/><ds:SignatureMethod Algorithm="\#(signatureMethod)"/><ds:Reference URI="\#(uri)"><ds:Transforms>\#(transforms)</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo>"#
        if mode == "enveloping" {
            return signature + #"<ds:Object Id="object"><doc xmlns="urn:x"><a>hello</a></doc></ds:Object></ds:Signature>"#
        }
        return #"<doc xmlns="urn:x"><a Id="x1">hello</a><b>bye</b>"# + signature + "</ds:Signature></doc>"
    }
}

let c14nMethods = [("exc", "http://www.w3.org/2001/10/xml-exc-c14n#"), ("exc-with-comments", "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"),
                   ("c14n", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"),
                   ("c14n-with-comments", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"),
                   ("c14n11", "http://www.w3.org/2006/12/xml-c14n11")]

@Suite struct SignInteropTests {
    @Test(arguments: ["rsa", "ec"])
    func whatMGovSignsXmlsec1Verifies(_ keyType: String) throws {
        let t = try SignEnvironment()
        let signer = keyType == "rsa" ? t.rsa : t.ec
        for mode in ["enveloped", "enveloping", "detached"] {
            for (c14n, _) in c14nMethods {
                let out = t.dir.file("\(mode)-\(c14n).xml")
                var args = ["sign", "xml", t.input, "--key", signer.key, "--cert", signer.cert, "--\(mode)", "--c14n", c14n, "-o", out]
                if mode == "detached" { args += ["--reference", "#x1"] }
                let signed = try t.mgov.run(args)
                #expect(signed.status == 0, "\(mode) \(c14n): \(signed.stderr)")
                let check = try t.xmlsec(["--verify", "--trusted-pem", t.ca.cert] + (mode == "detached" ? ["--id-attr:Id", "a"] : []) + [out])
                #expect(check.status == 0, "xmlsec1 refused \(keyType) \(mode) \(c14n): \(check.stderr)")
            }
        }
    }

    @Test(arguments: ["rsa", "ec"])
    func whatXmlsec1SignsMGovVerifies(_ keyType: String) throws {
        let t = try SignEnvironment()
        let signer = keyType == "rsa" ? t.rsa : t.ec
        let method = keyType == "rsa" ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" : "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
        for mode in ["enveloped", "enveloping", "detached"] {
            for (name, uri) in c14nMethods {
                let template = try t.dir.write("tmpl-\(mode)-\(name).xml", t.template(mode: mode, c14n: uri, signatureMethod: method))
                let out = t.dir.file("xmlsec-\(mode)-\(name).xml")
                let signed = try t.xmlsec(["--sign", "--privkey-pem", "\(signer.key),\(signer.cert)", "--output", out]
                                         + (mode == "detached" ? ["--id-attr:Id", "a"] : []) + [template])
                #expect(signed.status == 0, "xmlsec1 could not sign \(mode) \(name): \(signed.stderr)")
                let verified = try t.mgov("sign", "verify", out, "--trusted", t.ca.cert)
                #expect(verified.status == 0, "\(keyType) \(mode) \(name): \(verified.stdout) \(verified.stderr)")
            }
        }
    }
}

@Suite struct ECDSACurveTests {
    @Test(arguments: ["P-384", "P-521"])
    func largerCurvesSignWithRawSignaturesXmlsec1Accepts(_ curve: String) throws {
        let t = try SignEnvironment()
        let key = t.dir.file("\(curve).key"), cert = t.dir.file("\(curve).crt")
        try TestProcess.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:\(curve)", "-nodes", "-keyout", key,
                                 "-out", cert, "-subj", "/CN=\(curve) signer", "-days", "2"])
        let out = t.dir.file("signed-\(curve).xml")
        let signed = try t.mgov("sign", "xml", t.input, "--key", key, "--cert", cert, "--digest", curve == "P-384" ? "sha384" : "sha512", "-o", out)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(try t.xmlsec(["--verify", "--trusted-pem", cert, out]).status == 0)
        #expect(try t.mgov("sign", "verify", out, "--trusted", cert).status == 0)
    }
}

@Suite struct SignCommandTests {
    @Test func signsWithTheProfileAndVerifiesWithItsTrustAnchors() throws {
        let t = try SignEnvironment()
        #expect(try t.mgov("profile", "create", "signer", "--identity", "MD/GOV/1/SIGN", "--key", t.ec.key, "--cert", t.ec.cert,
                           "--trust", t.ca.cert).status == 0)
        let out = t.dir.file("signed.xml")
        #expect(try t.mgov("sign", "xml", t.input, "-o", out).status == 0)
        let verified = try t.mgov("sign", "verify", out, "--json")
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        let report = try #require(try verified.json() as? [String: Any])
        #expect(report["ok"] as? Bool == true)
        let signature = try #require((report["signatures"] as? [[String: Any]])?.first)
        #expect((signature["signer"] as? [String: Any])?["subject"] as? String == "CN=ec-signer")
        #expect((signature["references"] as? [[String: Any]])?.first?["signed_path"] as? String == "/*")
        // --signature-xpath: the selected signature is checked; an expression that does not compile is a usage error.
        #expect(try t.mgov("sign", "verify", out, "--signature-xpath", "/*/ds:Signature").status == 0)
        try t.mgov("sign", "verify", out, "--signature-xpath", "//((").expectOneLineError(64, containing: "--signature-xpath: '//((' is not an XPath expression")
        // The event names what was signed by its hash (two signings of one name are told apart), and by whom.
        let inputSHA256 = String(try TestProcess.run("/usr/bin/sha256sum", [t.input]).stdout.prefix(64))
        let certificateSHA256 = try TestProcess.openssl(["x509", "-in", t.ec.cert, "-noout", "-fingerprint", "-sha256"]).stdout
            .split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        let logged = try t.mgov("log", "query", "--type", "MGov.Sign.Signed", "--json")
        let event = try #require(((try logged.json() as? [String: Any])?["entries"] as? [[String: Any]])?.first?["event"] as? [String: Any])
        #expect(event["object"] as? String == t.input && event["object_sha256"] as? String == inputSHA256, "\(event)")
        #expect(event["signer"] as? String == "CN=ec-signer" && event["signer_sha256"] as? String == certificateSHA256, "\(event)")
        #expect(event["output"] as? String == out)
    }

    @Test func aTamperedFileFailsAndTheOthersStillVerify() throws {
        let t = try SignEnvironment()
        let dir = t.dir.file("signed")
        let second = try t.dir.write("second.xml", "<doc><a>2</a></doc>")
        let signed = try t.mgov("sign", "xml", t.input, second, "--key", t.ec.key, "--cert", t.ec.cert, "--out-dir", dir)
        #expect(signed.status == 0, "\(signed.stderr)")
        let tampered = try String(contentsOfFile: dir + "/second.xml", encoding: .utf8).replacingOccurrences(of: "<a>2</a>", with: "<a>3</a>")
        try tampered.write(toFile: dir + "/second.xml", atomically: true, encoding: .utf8)
        let result = try t.mgov("sign", "verify", dir + "/in.xml", dir + "/second.xml", "--trusted", t.ca.cert, "--json")
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines.first { ($0["file"] as? String)?.hasSuffix("in.xml") == true }?["ok"] as? Bool == true)
        #expect(lines.first { ($0["file"] as? String)?.hasSuffix("second.xml") == true }?["ok"] as? Bool == false)
    }

    @Test func untrustedOrMalformedInputGetsTheDocumentedExitCodes() throws {
        let t = try SignEnvironment()
        let out = t.dir.file("signed.xml")
        try t.mgov("sign", "xml", t.input, "--key", t.rsa.key, "--cert", t.rsa.cert, "-o", out)
        let untrusted = try t.mgov("sign", "verify", out)
        #expect(untrusted.status == 1)
        #expect(untrusted.stdout.contains("mathematically valid but the signer is not trusted"))
        #expect(try t.mgov("sign", "verify", out, "--any-signer").status == 0)
        // Changed after signing, and no anchors: not called mathematically valid.
        let changed = try t.dir.write("changed.xml", try String(contentsOfFile: out, encoding: .utf8).replacingOccurrences(of: "hello", with: "HELLO"))
        let invalid = try t.mgov("sign", "verify", changed)
        #expect(invalid.status == 1 && invalid.stdout.contains("INVALID") && invalid.stdout.contains("the signer is not trusted either")
                && !invalid.stdout.contains("mathematically valid"), "\(invalid.stdout)")
        let broken = try t.dir.write("broken.xml", "<doc><a></doc>")
        #expect(try t.mgov("sign", "verify", broken).status == 2)
        for (name, data) in [("empty.p7m", Data()), ("random.p7m", Data([0x13, 0x37, 0xFE, 0x01, 0x99]))] {
            let junk = try t.mgov("sign", "verify", try t.dir.write(name, data: data))
            #expect(junk.status == 2 && junk.stdout.contains(data.isEmpty ? "it is empty" : "neither CMS (DER, PEM, S/MIME) nor XML"), "\(junk.stdout)")
        }
        // Not a signature at all is bad input (2), as the exit codes say, not a refused signature (1).
        let unsigned = try t.dir.write("unsigned.xml", "<doc/>")
        let noSignature = try t.mgov("sign", "verify", unsigned)
        #expect(noSignature.status == 2 && noSignature.stdout.contains("holds no ds:Signature element"), "\(noSignature.stdout)")
        // The report went to a pipe: the user is told on stderr too that the file was not checked.
        #expect(noSignature.stderr.hasPrefix("mgov: \(unsigned): ") && noSignature.stderr.contains("holds no ds:Signature element"), "\(noSignature.stderr)")
        #expect(untrusted.stderr.isEmpty, "a file checked and refused is the report's alone: \(untrusted.stderr)")
        // 40,000 attributes on one element took libxml2 seconds (their square): refused before it reads them.
        let many = try t.dir.write("many.xml", "<doc " + (0..<40_000).map { "a\($0)=\"1\"" }.joined(separator: " ") + "/>")
        try t.mgov("sign", "xml", many, "--key", t.rsa.key, "--cert", t.rsa.cert, "-o", t.dir.file("many.signed.xml"))
            .expectOneLineError(2, containing: "has more than 1000 attributes")
        // A trust-anchor file with a damaged block is refused whole, not read up to it.
        let damaged = try t.dir.write("anchors.pem", try String(contentsOfFile: t.ca.cert, encoding: .utf8) + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        try t.mgov("sign", "verify", out, "--trusted", damaged).expectOneLineError(2, containing: "certificate 2 of 2 does not decode")
        let xxe = try t.dir.write("xxe.xml", #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#)
        let refused = try t.mgov("sign", "verify", xxe)
        #expect(refused.status == 2)
        #expect(refused.stdout.contains("declares entities"))
        try t.mgov("sign", "xml", broken, "--key", t.rsa.key, "--cert", t.rsa.cert).expectOneLineError(2, containing: "not well-formed")
    }

    @Test func signedOutputHoldsOnlyWhatTheSignatureCovers() throws {
        let t = try SignEnvironment()
        let out = t.dir.file("signed.xml")
        try t.mgov("sign", "xml", t.input, "--key", t.ec.key, "--cert", t.ec.cert, "--detached", "--reference", "#x1", "-o", out)
        let content = t.dir.file("content.xml")
        let result = try t.mgov("sign", "verify", out, "--trusted", t.ca.cert, "--signed-output", content)
        #expect(result.status == 0, "\(result.stdout)")
        let text = try String(contentsOfFile: content, encoding: .utf8)
        #expect(text.contains("hello"))
        #expect(!text.contains("bye"))
    }

    @Test func weakKeysAndBadOptionsAreRefused() throws {
        let t = try SignEnvironment()
        let weak = try TestPKI.makeLeaf(in: t.dir, name: "weak", ca: t.ca, keyType: "rsa:1024")
        try t.mgov("sign", "xml", t.input, "--key", weak.key, "--cert", weak.cert).expectOneLineError(2, containing: "1024 bits are refused")
        // The same exit code for CMS: a key too weak cannot be used.
        try t.mgov("sign", "cms", t.input, "--key", weak.key, "--cert", weak.cert).expectOneLineError(2, containing: "1024 bits are refused")
        #expect(try t.mgov("sign", "xml", t.input, "--key", t.ec.key, "--digest", "sha1").status == 64)
        #expect(try t.mgov("sign", "xml", t.input, t.input, "--key", t.ec.key).status == 64)
        try t.mgov("sign", "xml", t.input, "--key", t.ec.key, "--cert", t.ec.cert, "--detached", "--reference", "#nope")
            .expectOneLineError(2, containing: "'#nope' points to no element")
        // A key alone signs, and mgov says the signature names no certificate for a verifier to use.
        let keyOnly = try t.mgov("sign", "xml", t.input, "--key", t.ec.key, "-o", t.dir.file("key-only.xml"))
        #expect(keyOnly.status == 0 && keyOnly.stderr.contains("no certificate (--cert)"), "\(keyOnly.stderr)")
    }

    @Test func anExpiredCertificateIsRefusedUnlessAllowed() throws {
        let t = try SignEnvironment()
        let csr = t.dir.file("expired.csr"), cert = t.dir.file("expired.crt"), key = t.dir.file("expired.key")
        try TestProcess.openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=expired"])
        try TestProcess.openssl(["x509", "-req", "-in", csr, "-CA", t.ca.cert, "-CAkey", t.ca.key, "-CAcreateserial", "-out", cert, "-days", "0"])
        usleep(1_100_000)
        try t.mgov("sign", "xml", t.input, "--key", key, "--cert", cert).expectOneLineError(1, containing: "--allow-expired")
        let allowed = try t.mgov("sign", "xml", t.input, "--key", key, "--cert", cert, "--allow-expired", "-o", t.dir.file("out.xml"))
        #expect(allowed.status == 0)
        #expect(allowed.stderr.contains("warning: the signing certificate CN=expired expired"))
    }

    @Test func signsWithAPKCS12Bundle() throws {
        let t = try SignEnvironment()
        let bundle = t.dir.file("signer.p12")
        let passwordFile = try t.dir.write("password", "s3cret\n")
        try TestProcess.openssl(["pkcs12", "-export", "-inkey", t.rsa.key, "-in", t.rsa.cert, "-out", bundle, "-passout", "pass:s3cret"])
        let out = t.dir.file("p12.xml")
        let signed = try t.mgov("sign", "xml", t.input, "--pkcs12", bundle, "--password-file", passwordFile, "-o", out)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(try t.mgov("sign", "verify", out, "--trusted", t.ca.cert).status == 0)
        try t.mgov("sign", "xml", t.input, "--pkcs12", bundle).expectOneLineError(2, containing: "password")
    }

    /// A second signature that would break the first is refused, and nothing is written; one over a
    /// part the first does not cover is made, and both verify.
    @Test func aSignatureThatWouldBreakAnotherIsRefused() throws {
        let t = try SignEnvironment()
        let key = ["--key", t.ec.key, "--cert", t.ec.cert]
        let first = t.dir.file("first.xml")
        #expect(try t.mgov.run(["sign", "xml", t.input, "-o", first] + key).status == 0)
        for mode in ["--enveloped", "--enveloping"] {
            let second = t.dir.file("second\(mode).xml")
            try t.mgov.run(["sign", "xml", first, "-o", second, mode] + key).expectOneLineError(1, containing: "would break the one at /*/ds:Signature")
            #expect(!FileManager.default.fileExists(atPath: second))
        }
        // A signature over #x1 only, then one over the whole document: the first still verifies.
        let part = t.dir.file("part.xml"), both = t.dir.file("both.xml")
        #expect(try t.mgov.run(["sign", "xml", t.input, "-o", part, "--detached", "--reference", "#x1"] + key).status == 0)
        #expect(try t.mgov.run(["sign", "xml", part, "-o", both] + key).status == 0)
        let verified = try t.mgov("sign", "verify", both, "--trusted", t.ca.cert)
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.components(separatedBy: "valid, trusted").count == 3, "\(verified.stdout)")
        // ...and a third over the whole document would break the second.
        try t.mgov.run(["sign", "xml", both, "-o", t.dir.file("three.xml")] + key).expectOneLineError(1, containing: "would break")
    }

    /// --out-dir may not hold the originals (their signed copies would replace them); -o may name
    /// a device.
    @Test func outputsThatWouldReplaceTheOriginalOrAreDevices() throws {
        let t = try SignEnvironment()
        let key = ["--key", t.ec.key, "--cert", t.ec.cert]
        let before = try Data(contentsOf: URL(fileURLWithPath: t.input))
        try t.mgov.run(["sign", "xml", t.input, "--out-dir", t.dir.path] + key).expectOneLineError(2, containing: "would replace it")
        try t.mgov.run(["sign", "xml", t.input, "--out-dir", t.dir.path + "/./"] + key).expectOneLineError(2, containing: "would replace it")
        #expect(try Data(contentsOf: URL(fileURLWithPath: t.input)) == before)
        let quiet = try t.mgov.run(["sign", "xml", t.input, "-o", "/dev/null"] + key)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }
}
