import Foundation
import MGovTestSupport
import Testing

@Suite struct PKIShowTests {
    @Test func showsEveryCertificateInAFileWithoutAStore() throws {
        let env = try CLIEnvironment()
        let ca = try TestPKI.makeCA(in: env.dir)
        let leaf = try TestPKI.makeLeaf(in: env.dir, name: "agency", ca: ca, san: "URI:urn:xroad:MD/GOV/1/SUB,DNS:agency.example.md")
        let chain = try env.dir.write("chain.pem", try String(contentsOfFile: leaf.cert, encoding: .utf8) + String(contentsOfFile: ca.cert, encoding: .utf8))
        let result = try env.mgov("pki", "show", chain, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try result.json() as? [String: Any])
        let certificates = try #require(summary["certificates"] as? [[String: Any]])
        #expect(certificates.count == 2)
        #expect(certificates[0]["subject"] as? String == "CN=agency")
        #expect(certificates[0]["uris"] as? [String] == ["urn:xroad:MD/GOV/1/SUB"])
        #expect(certificates[1]["is_ca"] as? Bool == true)
        #expect(certificates.map { $0["validity"] as? String } == ["valid", "valid"])
        #expect(!env.homeExists, "pki show opens no store")
        let human = try env.mgov("pki", "show", leaf.cert)
        #expect(human.stdout.contains("dns:         agency.example.md"))
        try env.mgov("pki", "show", leaf.key).expectOneLineError(2, containing: "holds a private key, not a certificate or PKCS#12 file")
        try env.mgov("pki", "show", try env.dir.write("empty.pem", "")).expectOneLineError(2, containing: "is empty")
    }

    @Test func marksAnExpiredCertificate() throws {
        let env = try CLIEnvironment()
        let ca = try TestPKI.makeCA(in: env.dir)
        let csr = env.dir.file("old.csr"), cert = env.dir.file("old.crt"), key = env.dir.file("old.key")
        try TestProcess.openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=old"])
        try TestProcess.openssl(["x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial", "-out", cert, "-days", "0"])
        usleep(1_100_000)
        let human = try env.mgov("pki", "show", cert)
        #expect(human.status == 0 && human.stdout.contains(" (expired)\n"), "\(human.stdout)")
        let shown = try #require(try env.mgov("pki", "show", cert, "--json").json() as? [String: Any])
        #expect((shown["certificates"] as? [[String: Any]])?.first?["validity"] as? String == "expired")
        #expect(!(try env.mgov("pki", "show", ca.cert).stdout.contains("expired")))
    }

    @Test func showsAPKCS12WithItsPassword() throws {
        let env = try CLIEnvironment()
        let ca = try TestPKI.makeCA(in: env.dir)
        let leaf = try TestPKI.makeLeaf(in: env.dir, name: "agency", ca: ca)
        let bundle = env.dir.file("agency.p12")
        try TestProcess.openssl(["pkcs12", "-export", "-inkey", leaf.key, "-in", leaf.cert, "-certfile", ca.cert, "-out", bundle, "-passout", "pass:pw"])
        let passwordFile = try env.dir.write("pw", "pw\n")
        let result = try env.mgov("pki", "show", bundle, "--password-file", passwordFile)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("private key: EC prime256v1"))
        #expect(result.stdout.contains("subject:     CN=agency"))
        // A pipe works as the password file, as `--password-file <(pass show x)` gives one.
        let piped = try env.mgov.run(["pki", "show", bundle, "--password-file", "/dev/stdin"], input: Data("pw\n".utf8))
        #expect(piped.status == 0 && piped.stdout.contains("subject:     CN=agency"), "\(piped.stderr)")
        let wrong = try env.dir.write("wrong", "nope\n")
        try env.mgov("pki", "show", bundle, "--password-file", wrong).expectOneLineError(2, containing: "wrong password")
        let junk = try env.dir.write("junk.bin", "not a certificate")
        try env.mgov("pki", "show", junk).expectOneLineError(2, containing: "junk.bin")
    }
}

@Suite struct PKIIssueTests {
    @Test func issuedCertificatesVerifyWithOpenSSLAndSignForXmlsec1() throws {
        let env = try CLIEnvironment()
        let ca = env.dir.file("ca")
        #expect(try env.mgov("pki", "init-ca", ca, "--name", "Test Root").status == 0)
        let passwordFile = try env.dir.write("pw", "secret\n")
        let issued = try env.mgov("pki", "issue", ca, "agency", "--identity", "MD/GOV/1003600123456/REGISTRY", "--dns", "localhost",
                                  "--ip", "127.0.0.1", "--pkcs12", "--password-file", passwordFile, "--json")
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(try TestProcess.openssl(["verify", "-CAfile", ca + "/ca.crt", ca + "/agency.crt"]).stdout.contains("OK"))
        for key in ["/ca.key", "/agency.key", "/agency.p12"] {
            let mode = (try FileManager.default.attributesOfItem(atPath: ca + key)[.posixPermissions] as? Int) ?? -1
            #expect(mode == 0o600, "\(key) is \(String(mode, radix: 8))")
        }
        let shown = try #require(try env.mgov("pki", "show", ca + "/agency.crt", "--json").json() as? [String: Any])
        let certificate = try #require((shown["certificates"] as? [[String: Any]])?.first)
        #expect(certificate["uris"] as? [String] == ["urn:xroad:MD/GOV/1003600123456/REGISTRY"])
        #expect(certificate["dns_names"] as? [String] == ["localhost"])
        #expect(try TestProcess.openssl(["pkcs12", "-in", ca + "/agency.p12", "-passin", "pass:secret", "-nokeys"]).stdout.contains("CN = agency"))

        let input = try env.dir.write("in.xml", "<doc><a>1</a></doc>")
        let signed = env.dir.file("signed.xml")
        #expect(try env.mgov("sign", "xml", input, "--pkcs12", ca + "/agency.p12", "--password-file", passwordFile, "-o", signed).status == 0)
        #expect(try TestProcess.run("/usr/bin/xmlsec1", ["--verify", "--trusted-pem", ca + "/ca.crt", signed]).status == 0)
    }

    @Test func refusesToOverwriteAndChecksTheIdentity() throws {
        let env = try CLIEnvironment()
        let ca = env.dir.file("ca")
        try env.mgov("pki", "init-ca", ca, "--name", "Root")
        try env.mgov("pki", "init-ca", ca, "--name", "Root").expectOneLineError(2, containing: "already holds a CA")
        try env.mgov("pki", "issue", ca, "x", "--identity", "MD/GOV/1/X")
        try env.mgov("pki", "issue", ca, "x", "--identity", "MD/GOV/1/X").expectOneLineError(2, containing: "already issued")
        try env.mgov("pki", "issue", ca, "y", "--identity", "not an identity").expectOneLineError(64, containing: "not an identity")
        try env.mgov("pki", "issue", ca, "y", "--identity", "MD/GOV/1/Y", "--dns", "bad dns!").expectOneLineError(64, containing: "not a DNS name")
        try env.mgov("pki", "issue", ca, "y", "--identity", "MD/GOV/1/Y", "--ip", "999.1.1.1").expectOneLineError(64, containing: "not an IP address")
        // A common name over X.509's 64 characters was left out of the subject without a word.
        try env.mgov("pki", "issue", ca, String(repeating: "b", count: 65), "--identity", "MD/GOV/1/Y").expectOneLineError(64, containing: "at most 64 characters")
        try env.mgov("pki", "issue", ca, "ca", "--identity", "MD/GOV/1/Y").expectOneLineError(64, containing: "names the CA's own files")
        #expect(try env.mgov("pki", "issue", ca, "v6", "--identity", "MD/GOV/1/Y", "--ip", "::1", "--ip", "10.0.0.1").status == 0)
        try env.mgov("pki", "init-ca", env.dir.file("nameless"), "--name", "").expectOneLineError(64, containing: "--name is the CA's common name")
        #expect(!FileManager.default.fileExists(atPath: env.dir.file("nameless")))
        // A certificate that outlives its CA is issued, with a warning that it stops verifying with the CA.
        let short = env.dir.file("short")
        try env.mgov("pki", "init-ca", short, "--name", "Short Root", "--days", "2")
        let outliving = try env.mgov("pki", "issue", short, "z", "--identity", "MD/GOV/1/Z")
        #expect(outliving.status == 0 && outliving.stderr.contains("past its CA's expiry"), "\(outliving.stderr)")
        // Every kind of name it wrote, pki show reads back.
        try env.mgov("pki", "issue", ca, "h", "--identity", "MD/GOV/1/H", "--dns", "*.gov.md", "--ip", "127.0.0.1", "--ip", "::1")
        let shown = try env.mgov("pki", "show", ca + "/h.crt")
        #expect(shown.stdout.contains("dns:         *.gov.md") && shown.stdout.contains("ip:          127.0.0.1, ::1"), "\(shown.stdout)")
        try env.mgov("pki", "issue", env.dir.file("nowhere"), "z", "--identity", "MD/GOV/1/Z").expectOneLineError(2, containing: "holds no CA")
        try env.mgov("pki", "init-ca", env.dir.file("weak"), "--name", "Weak", "--rsa", "1024").expectOneLineError(64, containing: "2048")
        // A validity the certificate cannot encode (or none) is refused before anything is written.
        for days in ["0", "36501", "9223372036854775807"] {
            try env.mgov("pki", "issue", ca, "d\(days.count)", "--identity", "MD/GOV/1/D", "--days", days).expectOneLineError(64, containing: "--days must be from 1 to 36500")
            try env.mgov("pki", "init-ca", env.dir.file("ca\(days.count)"), "--name", "R", "--days", days).expectOneLineError(64, containing: "--days must be from 1 to 36500")
            #expect(!FileManager.default.fileExists(atPath: env.dir.file("ca\(days.count)")))
        }
        // A PKCS#12 without a password: nothing is written, so a retry with one works.
        try env.mgov.run(["pki", "issue", ca, "p", "--identity", "MD/GOV/1/P", "--pkcs12"], input: Data())
            .expectOneLineError(2, containing: "a password is needed")
        #expect(!FileManager.default.fileExists(atPath: ca + "/p.key"))
    }
}
