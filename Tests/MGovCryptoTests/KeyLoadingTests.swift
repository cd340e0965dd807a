import Foundation
import MGovCore
import MGovCrypto
import MGovTestSupport
import Testing

@Suite struct KeyLoadingTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    func noPassword() throws -> String { throw TestFailure("a password was asked for an unencrypted key") }

    @Test func loadsUnencryptedPEMKeys() throws {
        try TestProcess.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", dir.file("rsa.pem")])
        try TestProcess.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", dir.file("ec.pem")])
        #expect(try PrivateKey.load(path: dir.file("rsa.pem"), password: noPassword).algorithm == .rsa(bits: 2048))
        #expect(try PrivateKey.load(path: dir.file("ec.pem"), password: noPassword).algorithm == .ec(curve: "secp384r1"))
    }

    @Test func loadsTraditionalAndDERKeys() throws {
        try TestProcess.openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", dir.file("sec1.pem")])
        try TestProcess.openssl(["pkey", "-in", dir.file("sec1.pem"), "-outform", "DER", "-out", dir.file("key.der")])
        #expect(try PrivateKey.load(path: dir.file("sec1.pem"), password: noPassword).algorithm == .ec(curve: "prime256v1"))
        #expect(try PrivateKey.load(path: dir.file("key.der"), password: noPassword).algorithm == .ec(curve: "prime256v1"))
    }

    @Test func loadsEncryptedPKCS8WithTheRightPassword() throws {
        try TestProcess.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                                 "-pass", "pass:s3cret pass", "-out", dir.file("enc.pem")])
        var asked = 0
        let key = try PrivateKey.load(path: dir.file("enc.pem")) { asked += 1; return "s3cret pass" }
        #expect(asked == 1)
        #expect(key.algorithm == .ec(curve: "prime256v1"))
    }

    @Test func loadsEncryptedDERPKCS8() throws {
        try TestProcess.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", dir.file("plain.pem")])
        try TestProcess.openssl(["pkcs8", "-topk8", "-in", dir.file("plain.pem"), "-outform", "DER", "-v2", "aes-128-cbc",
                                 "-passout", "pass:pw", "-out", dir.file("enc.der")])
        #expect(try PrivateKey.load(path: dir.file("enc.der")) { "pw" }.algorithm == .ec(curve: "prime256v1"))
    }

    @Test func wrongPasswordIsSaidSo() throws {
        try TestProcess.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                                 "-pass", "pass:right", "-out", dir.file("enc.pem")])
        #expect(throws: CryptoError.wrongPassword(path: dir.file("enc.pem"))) {
            _ = try PrivateKey.load(path: dir.file("enc.pem")) { "wrong" }
        }
    }

    @Test func garbageIsNotAKey() throws {
        try dir.write("junk.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        #expect {
            _ = try PrivateKey.load(path: dir.file("junk.pem"), password: noPassword)
        } throws: { error in
            guard case CryptoError.notAPrivateKey = error else { return false }
            return true
        }
    }

    @Test func noPasswordAvailableOutsideATerminalFailsClearly() throws {
        let source = PasswordSource(passwordFile: nil, environment: [:], interactive: false)
        #expect(throws: CoreError.passwordUnavailable("k.pem")) { _ = try source.password(for: "k.pem") }
    }

    @Test func passwordFileDropsOneTrailingNewline() throws {
        let file = try dir.write("pw", "two words \n")
        #expect(try PasswordSource(passwordFile: file, environment: [:], interactive: false).password(for: "x") == "two words ")
        // One written on Windows ends with CRLF: both go, and nothing of the password with them.
        let crlf = try dir.write("pw-crlf", "s3cret\r\n")
        #expect(try PasswordSource(passwordFile: crlf, environment: [:], interactive: false).password(for: "x") == "s3cret")
        let bare = try dir.write("pw-bare", "s3cret")
        #expect(try PasswordSource(passwordFile: bare, environment: [:], interactive: false).password(for: "x") == "s3cret")
        #expect(try PasswordSource(passwordFile: nil, environment: ["MGOV_PASSWORD": "env"], interactive: false).password(for: "x") == "env")
    }
}

@Suite struct PKCS12Tests {
    let dir: TemporaryDirectory
    let leaf: (key: String, cert: String)
    let ca: (key: String, cert: String)

    init() throws {
        dir = try TemporaryDirectory()
        ca = try TestPKI.makeCA(in: dir)
        leaf = try TestPKI.makeLeaf(in: dir, name: "signer", ca: ca, keyType: "rsa:2048")
    }

    @Test func readsModernAESPKCS12() throws {
        try TestProcess.openssl(["pkcs12", "-export", "-inkey", leaf.key, "-in", leaf.cert, "-certfile", ca.cert,
                                 "-passout", "pass:pw", "-out", dir.file("modern.p12")])
        let bundle = try PKCS12Bundle.load(path: dir.file("modern.p12")) { "pw" }
        #expect(bundle.certificate.subject == "CN=signer")
        #expect(bundle.chain.map(\.subject) == ["CN=Test CA ca"])
        #expect(bundle.key.matches(bundle.certificate))
    }

    @Test func readsLegacy3DESAndRC2PKCS12() throws {
        try TestProcess.openssl(["pkcs12", "-export", "-legacy", "-inkey", leaf.key, "-in", leaf.cert,
                                 "-passout", "pass:pw", "-out", dir.file("legacy.p12")])
        let bundle = try PKCS12Bundle.load(path: dir.file("legacy.p12")) { "pw" }
        #expect(bundle.certificate.subject == "CN=signer")
    }

    @Test func wrongPasswordIsSaidSo() throws {
        try TestProcess.openssl(["pkcs12", "-export", "-inkey", leaf.key, "-in", leaf.cert, "-passout", "pass:pw", "-out", dir.file("a.p12")])
        #expect(throws: CryptoError.wrongPassword(path: dir.file("a.p12"))) {
            _ = try PKCS12Bundle.load(path: dir.file("a.p12")) { "nope" }
        }
    }

    @Test func readsAPKCS12WithoutMAC() throws {
        // Neither encrypted nor MAC'd: no password to give, and none is asked for.
        try TestProcess.openssl(["pkcs12", "-export", "-inkey", leaf.key, "-in", leaf.cert, "-keypbe", "NONE", "-certpbe", "NONE", "-nomac",
                                 "-passout", "pass:", "-out", dir.file("plain.p12")])
        let plain = try PKCS12Bundle.load(path: dir.file("plain.p12")) { throw TestFailure("a password was asked for an unencrypted PKCS#12 file") }
        #expect(plain.key.matches(plain.certificate))
        // Encrypted without a MAC: OpenSSL 3.0's reader will not take a password it cannot check. Said so, without asking.
        try TestProcess.openssl(["pkcs12", "-export", "-inkey", leaf.key, "-in", leaf.cert, "-nomac", "-passout", "pass:pw", "-out", dir.file("nomac.p12")])
        #expect {
            _ = try PKCS12Bundle.load(path: dir.file("nomac.p12")) { throw TestFailure("asked for a password it cannot use") }
        } throws: { error in
            guard case CryptoError.notAPKCS12(_, let detail) = error else { return false }
            return detail.contains("without -nomac")
        }
    }

    @Test func aPEMFileIsNotPKCS12() throws {
        #expect {
            _ = try PKCS12Bundle.load(path: leaf.cert) { "pw" }
        } throws: { error in
            guard case CryptoError.notAPKCS12 = error else { return false }
            return true
        }
    }
}

@Suite struct CertificateTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    @Test func readsFieldsAndSubjectAlternativeURIs() throws {
        let ca = try TestPKI.makeCA(in: dir)
        let leaf = try TestPKI.makeLeaf(in: dir, name: "member", ca: ca, san: "URI:urn:xroad:MD/GOV/123/SUB,DNS:localhost")
        let cert = try #require(try Certificate.loadAll(path: leaf.cert).first)
        #expect(cert.subject == "CN=member")
        #expect(cert.issuer == "CN=Test CA ca")
        #expect(cert.subjectAlternativeURIs == ["urn:xroad:MD/GOV/123/SUB"])
        #expect(cert.subjectAlternativeDNSNames == ["localhost"])
        #expect(!cert.isCA)
        #expect(cert.notAfter > cert.notBefore)
        let fingerprint = try TestProcess.openssl(["x509", "-in", leaf.cert, "-noout", "-fingerprint", "-sha256"]).stdout
        #expect(fingerprint.contains(cert.sha256Fingerprint))
        let serial = try TestProcess.openssl(["x509", "-in", leaf.cert, "-noout", "-serial"]).stdout
        #expect(serial.uppercased().contains(cert.serialHex))
    }

    @Test func readsEveryCertificateOfAPEMChainAndDER() throws {
        let ca = try TestPKI.makeCA(in: dir)
        let leaf = try TestPKI.makeLeaf(in: dir, name: "member", ca: ca)
        let chainText = try String(contentsOfFile: leaf.cert, encoding: .utf8) + String(contentsOfFile: ca.cert, encoding: .utf8)
        #expect(try Certificate.loadAll(Data(chainText.utf8), path: "chain").count == 2)
        try TestProcess.openssl(["x509", "-in", ca.cert, "-outform", "DER", "-out", dir.file("ca.der")])
        #expect(try Certificate.loadAll(path: dir.file("ca.der")).first?.subject == "CN=Test CA ca")
    }

    @Test func aDamagedBlockIsAnErrorNotTheEndOfTheFile() throws {
        let ca = try TestPKI.makeCA(in: dir)
        let leaf = try TestPKI.makeLeaf(in: dir, name: "member", ca: ca)
        let damaged = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        let good = try String(contentsOfFile: ca.cert, encoding: .utf8)
        let leafText = try String(contentsOfFile: leaf.cert, encoding: .utf8)
        for text in [good + damaged, good + damaged + leafText] {
            #expect(throws: CryptoError.damagedCertificateFile(path: "anchors.pem", block: 2, of: text.components(separatedBy: "BEGIN CERTIFICATE").count - 1)) {
                _ = try Certificate.loadAll(Data(text.utf8), path: "anchors.pem")
            }
        }
        // Other blocks (a key beside its certificate) are no certificates, and are passed over.
        let withKey = try String(contentsOfFile: leaf.key, encoding: .utf8) + String(contentsOfFile: leaf.cert, encoding: .utf8)
        #expect(try Certificate.loadAll(Data(withKey.utf8), path: "both.pem").map(\.subject) == ["CN=member"])
    }

    @Test func keyFileIsNotACertificate() throws {
        let ca = try TestPKI.makeCA(in: dir)
        #expect {
            _ = try Certificate.loadAll(path: ca.key)
        } throws: { error in
            guard case CryptoError.notACertificate = error else { return false }
            return true
        }
    }
}

@Suite struct TrustTests {
    let dir: TemporaryDirectory
    let ca: (key: String, cert: String)
    init() throws {
        dir = try TemporaryDirectory()
        ca = try TestPKI.makeCA(in: dir)
    }

    @Test func verifiesALeafIssuedByTheAnchor() throws {
        let leaf = try TestPKI.makeLeaf(in: dir, name: "member", ca: ca)
        let chain = try TrustVerifier.verify(try Certificate.loadAll(path: leaf.cert)[0], anchors: try Certificate.loadAll(path: ca.cert))
        #expect(chain.map(\.subject) == ["CN=member", "CN=Test CA ca"])
    }

    @Test func refusesALeafFromAnotherCA() throws {
        let other = try TestPKI.makeCA(in: dir, name: "other")
        let leaf = try TestPKI.makeLeaf(in: dir, name: "member", ca: other)
        #expect {
            try TrustVerifier.verify(try Certificate.loadAll(path: leaf.cert)[0], anchors: try Certificate.loadAll(path: ca.cert))
        } throws: { error in
            guard case CryptoError.untrusted(let reason) = error else { return false }
            return reason.contains("unable to get local issuer certificate")
        }
    }

    @Test func checksValidityAtTheGivenTime() throws {
        let leaf = try TestPKI.makeLeaf(in: dir, name: "member", ca: ca, days: 1)
        let cert = try Certificate.loadAll(path: leaf.cert)[0]
        let anchors = try Certificate.loadAll(path: ca.cert)
        try TrustVerifier.verify(cert, anchors: anchors, at: Date())
        #expect(throws: CryptoError.self) { try TrustVerifier.verify(cert, anchors: anchors, at: Date().addingTimeInterval(10 * 86_400)) }
    }

    @Test func noAnchorsIsAnError() throws {
        #expect(throws: CryptoError.noTrustAnchors) { try TrustVerifier.verify(try Certificate.loadAll(path: ca.cert)[0], anchors: []) }
    }
}

@Suite struct DigestTests {
    @Test func sha256MatchesTheKnownVector() {
        let hex = Digest.sha256(Data("abc".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func streamingEqualsOneShot() {
        let data = Data((0..<100_000).map { UInt8($0 % 251) })
        let streaming = StreamingDigest(.sha512)
        streaming.update(data.prefix(12_345))
        streaming.update(data.dropFirst(12_345))
        #expect(streaming.finish() == Digest.hash(.sha512, data))
    }
}
