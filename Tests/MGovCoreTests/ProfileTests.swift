import Foundation
import MGovCore
import MGovCrypto
import MGovTestSupport
import Testing

@Suite struct ProfileTests {
    let dir: TemporaryDirectory
    let manager: ProfileManager

    init() throws {
        dir = try TemporaryDirectory()
        let store = try Store(home: MGovHome(path: dir.file("home")), migrations: ProfileManager.migrations)
        manager = ProfileManager(store: store, validator: OpenSSLCredentialValidator(passwords: PasswordSource(passwordFile: nil, environment: [:], interactive: false)))
    }

    func draft(_ name: String, key: String? = nil, cert: String? = nil) throws -> Profile {
        Profile(name: name, identity: try MemberIdentity(parsing: "MD/GOV/1003600123456/SUB"), keyPath: key, certificatePath: cert)
    }

    @Test func firstProfileBecomesTheDefault() throws {
        try manager.create(try draft("a"), makeDefault: false)
        try manager.create(try draft("b"), makeDefault: false)
        #expect(try manager.defaultProfileName() == "a")
        #expect(try manager.select(explicit: nil).name == "a")
        #expect(try manager.select(explicit: "b").name == "b")
    }

    @Test func useChangesTheDefault() throws {
        try manager.create(try draft("a"), makeDefault: false)
        try manager.create(try draft("b"), makeDefault: false)
        try manager.use("b")
        #expect(try manager.list().filter(\.isDefault).map(\.name) == ["b"])
    }

    @Test func aChangeWhoseAuditEventCannotBeWrittenIsNotMade() throws {
        try manager.create(try draft("a"), makeDefault: false)
        try manager.create(try draft("b"), makeDefault: false)
        let log = TransactionRefusingSink()
        let logged = ProfileManager(store: manager.store, validator: manager.validator, audit: { log })
        #expect(throws: TransactionRefusingSink.Refused.self) { try logged.create(try draft("c"), makeDefault: true) }
        #expect(throws: TransactionRefusingSink.Refused.self) { try logged.use("b") }
        #expect(throws: TransactionRefusingSink.Refused.self) { try logged.set("b", key: "output", value: "json") }
        #expect(throws: TransactionRefusingSink.Refused.self) { try logged.delete("a", force: true) }
        #expect(try manager.list().map(\.name) == ["a", "b"])
        #expect(try manager.defaultProfileName() == "a")
        #expect(try manager.get("b").output == nil)
        #expect(log.events.isEmpty, "nothing was logged after a commit either")
    }

    @Test func refusesDuplicateNames() throws {
        try manager.create(try draft("a"), makeDefault: false)
        #expect(throws: CoreError.profileExists("a")) { try manager.create(try draft("a"), makeDefault: false) }
    }

    @Test(arguments: ["", "-x", "a b", "a/b", String(repeating: "x", count: 65)])
    func refusesBadNames(_ name: String) throws {
        #expect(throws: CoreError.invalidProfileName(name)) { try manager.create(try draft(name), makeDefault: false) }
    }

    @Test func storesAbsolutePathsNotKeyMaterial() throws {
        let ca = try TestPKI.makeCA(in: dir)
        let leaf = try TestPKI.makeLeaf(in: dir, name: "leaf", ca: ca)
        let created = try manager.create(try draft("a", key: leaf.key, cert: leaf.cert), makeDefault: true)
        #expect(created.keyPath == leaf.key)
        let raw = try Data(contentsOf: URL(fileURLWithPath: dir.file("home/mgov.sqlite")))
        #expect(raw.range(of: Data("PRIVATE KEY".utf8)) == nil)
    }

    @Test func refusesACertificateGivenAsKey() throws {
        let ca = try TestPKI.makeCA(in: dir)
        #expect {
            try manager.create(try draft("a", key: ca.cert), makeDefault: false)
        } throws: { error in
            guard case CryptoError.notAPrivateKey = error else { return false }
            return true
        }
    }

    @Test func refusesAKeyThatDoesNotMatchTheCertificate() throws {
        let ca = try TestPKI.makeCA(in: dir)
        let leaf = try TestPKI.makeLeaf(in: dir, name: "leaf", ca: ca)
        #expect(throws: CryptoError.keyCertificateMismatch(key: ca.key, certificate: leaf.cert)) {
            try manager.create(try draft("a", key: ca.key, cert: leaf.cert), makeDefault: false)
        }
    }

    @Test func refusesMissingFiles() throws {
        #expect(throws: CoreError.fileNotFound(dir.file("nope.pem"))) {
            try manager.create(try draft("a", key: dir.file("nope.pem")), makeDefault: false)
        }
    }

    @Test func setChangesOneSettingAndValidatesIt() throws {
        try manager.create(try draft("a"), makeDefault: false)
        try manager.set("a", key: "endpoint.provider", value: "https://127.0.0.1:8443")
        try manager.set("a", key: "output", value: "json")
        let p = try manager.get("a")
        #expect(p.endpoints == ["provider": "https://127.0.0.1:8443"])
        #expect(p.output == .json)
        #expect(throws: CoreError.self) { try manager.set("a", key: "endpoint.x", value: "ftp://host") }
        #expect(throws: CoreError.unknownProfileSetting("colour")) { try manager.set("a", key: "colour", value: "red") }
        try manager.set("a", key: "endpoint.provider", value: "")
        #expect(try manager.get("a").endpoints.isEmpty)
    }

    @Test func deletingTheDefaultNeedsForce() throws {
        try manager.create(try draft("a"), makeDefault: false)
        #expect(throws: CoreError.defaultProfileDeletion("a")) { try manager.delete("a", force: false) }
        try manager.delete("a", force: true)
        #expect(throws: CoreError.noProfileSelected) { try manager.select(explicit: nil) }
    }
}
