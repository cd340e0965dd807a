import Foundation
import MGovCrypto
import MGovTestSupport
import Testing
@testable import MGovLog

@Suite struct CheckpointTests {
    let head = TreeHead(size: 12, root: Merkle.leafHash(Data("root".utf8)))

    func key(_ algorithm: [String], in dir: TemporaryDirectory) throws -> PrivateKey {
        let path = dir.file("k.pem")
        try TestProcess.openssl(["genpkey"] + algorithm + ["-out", path])
        return try PrivateKey.load(path: path) { "" }
    }

    @Test(arguments: [["-algorithm", "ed25519"], ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                      ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]])
    func signedCheckpointsParseAndVerify(_ algorithm: [String]) throws {
        let dir = try TemporaryDirectory()
        let key = try key(algorithm, in: dir)
        let checkpoint = try Checkpoint.sign(origin: "example.md/log", head: head, key: key)
        let lines = checkpoint.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "example.md/log")
        #expect(lines[1] == "12")
        #expect(lines[2] == Substring(Data(head.root).base64EncodedString()))
        #expect(lines[3] == "")
        #expect(lines[4].hasPrefix("\u{2014} example.md/log "))
        let parsed = try Checkpoint.parse(checkpoint.text)
        #expect(parsed.size == 12 && parsed.root == head.root && parsed.origin == "example.md/log")
        try parsed.verify(key: try key.publicKey())
    }

    @Test func anEd25519CheckpointIsAStandardC2SPNote() throws {
        // Checked with openssl as the oracle: the signature covers the three text lines,
        // and the key ID is SHA-256(name || 0x0A || 0x01 || raw public key)[:4].
        let dir = try TemporaryDirectory()
        let key = try key(["-algorithm", "ed25519"], in: dir)
        let checkpoint = try Checkpoint.sign(origin: "example.md/log", head: head, key: key)
        let blob = try #require(Data(base64Encoded: String(checkpoint.text.split(separator: " ").last ?? "").trimmingCharacters(in: .newlines)))
        let raw = try #require(key.rawEd25519PublicKey)
        #expect(Array(blob.prefix(4)) == Array(Digest.sha256(Data("example.md/log\n".utf8) + Data([0x01]) + raw).prefix(4)))
        _ = try dir.write("body", checkpoint.body)
        _ = try dir.write("sig", data: blob.dropFirst(4))
        _ = try dir.write("pub.pem", data: try PublicKeyPEM.make(from: key, in: dir))
        let result = try TestProcess.openssl(["pkeyutl", "-verify", "-pubin", "-inkey", dir.file("pub.pem"), "-rawin",
                                              "-in", dir.file("body"), "-sigfile", dir.file("sig")])
        #expect(result.stdout.contains("Signature Verified Successfully"))
    }

    @Test func aChangedCheckpointDoesNotVerify() throws {
        let dir = try TemporaryDirectory()
        let key = try key(["-algorithm", "ed25519"], in: dir)
        let checkpoint = try Checkpoint.sign(origin: "example.md/log", head: head, key: key)
        let changed = try Checkpoint.parse(checkpoint.text.replacingOccurrences(of: "\n12\n", with: "\n13\n"))
        #expect(throws: LogError.self) { try changed.verify(key: try key.publicKey()) }
    }

    @Test func anotherKeysCheckpointIsRefused() throws {
        let dir = try TemporaryDirectory()
        let signer = try key(["-algorithm", "ed25519"], in: dir)
        let other = try key(["-algorithm", "ed25519"], in: dir)
        let checkpoint = try Checkpoint.sign(origin: "example.md/log", head: head, key: signer)
        #expect(throws: LogError.checkpointKeyMismatch("no signature line carries this key's ID")) { try checkpoint.verify(key: try other.publicKey()) }
    }

    @Test(arguments: ["", "origin\n12\n", "origin\n12\nnot-base64\n\n\u{2014} k AAAAAAAA\n", "origin\nx\nAAAA\n\n\u{2014} k AAAAAAAA\n",
                      "origin\n12\n\(Data(repeating: 1, count: 32).base64EncodedString())\n\n-- k AAAAAAAA\n"])
    func malformedCheckpointsAreRefused(_ text: String) {
        #expect(throws: LogError.self) { try Checkpoint.parse(text) }
    }
}

enum PublicKeyPEM {
    /// The public key as PEM, via openssl (so the test does not trust mgov's own encoder).
    static func make(from key: PrivateKey, in dir: TemporaryDirectory) throws -> Data {
        let privatePath = try dir.write("private.pem", data: try key.pkcs8PEM())
        let result = try TestProcess.openssl(["pkey", "-in", privatePath, "-pubout"])
        return Data(result.stdout.utf8)
    }
}
