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
        #expect(!env.homeExists, "pki show opens no store")
        let human = try env.mgov("pki", "show", leaf.cert)
        #expect(human.stdout.contains("dns:         agency.example.md"))
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
        let wrong = try env.dir.write("wrong", "nope\n")
        try env.mgov("pki", "show", bundle, "--password-file", wrong).expectOneLineError(2, containing: "wrong password")
        let junk = try env.dir.write("junk.bin", "not a certificate")
        try env.mgov("pki", "show", junk).expectOneLineError(2, containing: "junk.bin")
    }
}
