import Foundation
import MGovCore
import MGovCrypto
import MGovTestSupport
import Testing
@testable import MGovLog

@Suite struct SignedEventTests {
    let fields: [String: AuditValue] = ["event_type": .string("MConnect.Request.Served"), "event_time": .string("2026-11-23T10:00:00.000Z"),
                                        "user": .string("alice")]

    func identity(_ keyType: String, in dir: TemporaryDirectory, name: String = "signer") throws -> (PrivateKey, Certificate) {
        let ca = try TestPKI.makeCA(in: dir, name: "ca-\(name)")
        let leaf = try TestPKI.makeLeaf(in: dir, name: name, ca: ca, keyType: keyType)
        return (try PrivateKey.load(path: leaf.key) { "" }, try Certificate.loadAll(path: leaf.cert)[0])
    }

    @Test(arguments: [("ec", "ES256"), ("rsa:2048", "RS256")])
    func signedEventsVerifyWithTheSignersCertificate(_ keyType: String, _ algorithm: String) throws {
        let dir = try TemporaryDirectory()
        let (key, certificate) = try identity(keyType, in: dir)
        let line = try SignedEvent.sign(fields, key: key, certificateSerial: certificate.serialHex)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        let header = try #require(Base64URL.decode(object["protected"] ?? "").flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: String] })
        #expect(header["alg"] == algorithm)
        #expect(header["kid"] == certificate.serialHex.lowercased())
        if algorithm == "ES256" { #expect(Base64URL.decode(object["signature"] ?? "")?.count == 64, "JOSE R||S, not DER") }
        let parsed = try SignedEvent.parse(Data(line.utf8), signer: certificate)
        #expect(parsed.event.fields == fields)
        #expect(parsed.signature?.contains("..") == true)
    }

    @Test func anotherCertificateOrAChangedPayloadIsRejected() throws {
        let dir = try TemporaryDirectory()
        let (key, certificate) = try identity("ec", in: dir)
        let (_, other) = try identity("ec", in: dir, name: "other")
        let line = try SignedEvent.sign(fields, key: key, certificateSerial: certificate.serialHex)
        #expect(throws: LogError.self) { try SignedEvent.parse(Data(line.utf8), signer: other) }
        var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        object["payload"] = Base64URL.encode(Data(#"{"event_time":"2026-11-23T10:00:00.000Z","event_type":"MConnect.Request.Served","user":"mallory"}"#.utf8))
        let changed = try JSONSerialization.data(withJSONObject: object)
        #expect {
            try SignedEvent.parse(changed, signer: certificate)
        } throws: { error in
            if case LogError.signatureRejected = error { return true }
            return false
        }
    }

    @Test func unsignedLinesAreEvents() throws {
        let parsed = try SignedEvent.parse(Data(#"{"event_type":"A.B.C","event_time":"2026-11-23"}"#.utf8), signer: nil)
        #expect(parsed.signature == nil)
        #expect(parsed.event.type == "A.B.C")
    }
}
