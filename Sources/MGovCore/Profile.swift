import Foundation
import GRDB

/// A named set of identity, keys, trust anchors and endpoints.
///
/// Profiles store file paths, never key material (DESIGN.md §3).
public struct Profile: Sendable, Equatable, Codable {
    public var name: String
    public var identity: MemberIdentity
    public var keyPath: String?
    public var certificatePath: String?
    public var pkcs12Path: String?
    public var trustPaths: [String]
    public var endpoints: [String: String]
    /// The output a command uses when neither --json nor a human format is asked for.
    public var output: OutputFormat?
    public var isDefault: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(name: String, identity: MemberIdentity, keyPath: String? = nil, certificatePath: String? = nil,
                pkcs12Path: String? = nil, trustPaths: [String] = [], endpoints: [String: String] = [:],
                output: OutputFormat? = nil, isDefault: Bool = false, createdAt: Date = Date(), updatedAt: Date = Date()) {
        self.name = name
        self.identity = identity
        self.keyPath = keyPath
        self.certificatePath = certificatePath
        self.pkcs12Path = pkcs12Path
        self.trustPaths = trustPaths
        self.endpoints = endpoints
        self.output = output
        self.isDefault = isDefault
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case name, identity, output
        case keyPath = "key"
        case certificatePath = "cert"
        case pkcs12Path = "pkcs12"
        case trustPaths = "trust"
        case endpoints
        case isDefault = "default"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let namePattern = try! NSRegularExpression(pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  // safe: constant pattern

    public static func validateName(_ name: String) throws {
        let range = NSRange(name.startIndex..., in: name)
        guard namePattern.firstMatch(in: name, range: range) != nil else { throw CoreError.invalidProfileName(name) }
    }
}

/// What a profile's credential files must be; implemented with OpenSSL in MGovCrypto,
/// so that MGovCore stays free of crypto.
public protocol CredentialValidating: Sendable {
    /// Throws unless `path` holds a private key (PEM or DER, PKCS#8 encrypted or not).
    func validatePrivateKey(at path: String) throws
    /// Throws unless `path` holds one or more X.509 certificates.
    func validateCertificates(at path: String) throws
    /// Throws unless `path` holds a PKCS#12 file.
    func validatePKCS12(at path: String) throws
    /// Throws when the key and the first certificate do not belong together.
    func validateKeyMatchesCertificate(keyPath: String, certificatePath: String) throws
}

/// Profile rows in the store, with validation of everything they name.
public struct ProfileManager: Sendable {
    public let store: Store
    public let validator: any CredentialValidating
    public let clock: Clock
    /// Where changes are logged, each in the transaction that makes it; nil logs nothing (tests of
    /// the rules alone). Asked for before the transaction: making the sink reads the store.
    public let audit: (@Sendable () throws -> any AuditSink)?

    public init(store: Store, validator: any CredentialValidating, clock: Clock = .system,
                audit: (@Sendable () throws -> any AuditSink)? = nil) {
        self.store = store
        self.validator = validator
        self.clock = clock
        self.audit = audit
    }

    /// Runs `body` in a write transaction that also records the event telling of it: both commit, or neither.
    private func change<T: Sendable>(_ type: String, _ fields: [String: String?], _ body: @Sendable (Database) throws -> T) throws -> T {
        let sink = try audit?()
        return try store.write { db in
            let result = try body(db)
            try sink?.record(type, at: clock.now(), fields, in: db)
            return result
        }
    }

    public static let migrations: [StoreMigration] = [
        StoreMigration("core.1-profiles") { db in
            try db.execute(sql: """
                CREATE TABLE core_profile (
                    name TEXT PRIMARY KEY NOT NULL,
                    identity TEXT NOT NULL,
                    key_path TEXT,
                    cert_path TEXT,
                    pkcs12_path TEXT,
                    trust_paths TEXT NOT NULL DEFAULT '[]',
                    endpoints TEXT NOT NULL DEFAULT '{}',
                    output TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE TABLE core_setting (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                """)
        },
    ]

    // MARK: Changes

    /// Validates and stores a new profile; the first profile becomes the default.
    @discardableResult
    public func create(_ draft: Profile, makeDefault: Bool) throws -> Profile {
        try Profile.validateName(draft.name)
        var profile = try validated(draft)
        let now = clock.now()
        profile.createdAt = now
        profile.updatedAt = now
        let row = try ProfileRow(profile)
        let created = profile
        return try change("MGov.Profile.Created", ["object": created.name, "object_type": "profile", "subject": created.identity.description]) { db in
            if try ProfileRow.fetchOne(db, key: created.name) != nil { throw CoreError.profileExists(created.name) }
            try row.insert(db)
            let hasDefault = try String.fetchOne(db, sql: "SELECT value FROM core_setting WHERE key = 'default_profile'") != nil
            if makeDefault || !hasDefault { try Self.setDefault(created.name, db) }
            var stored = created
            stored.isDefault = makeDefault || !hasDefault
            return stored
        }
    }

    /// Changes one setting: identity, key, cert, pkcs12, trust (comma-separated
    /// paths), endpoint.NAME (a URL; empty removes it), output (human|json).
    /// An empty value clears an optional setting.
    @discardableResult
    public func set(_ name: String, key: String, value: String) throws -> Profile {
        var profile = try get(name)
        let empty = value.isEmpty
        switch key {
        case "identity":
            profile.identity = try MemberIdentity(parsing: value)
        case "key":
            profile.keyPath = empty ? nil : absolute(value)
        case "cert", "certificate":
            profile.certificatePath = empty ? nil : absolute(value)
        case "pkcs12":
            profile.pkcs12Path = empty ? nil : absolute(value)
            // The file holds the key and the certificate: it replaces the pair, as `create` takes one or the other.
            if !empty { profile.keyPath = nil; profile.certificatePath = nil }
        case "trust":
            profile.trustPaths = value.split(separator: ",").map { absolute(String($0)) }
        case "output":
            if empty { profile.output = nil } else {
                guard let format = OutputFormat(rawValue: value) else {
                    throw CoreError.invalidSetting(key: key, reason: "use human or json")
                }
                profile.output = format
            }
        default:
            guard key.hasPrefix("endpoint."), key.count > "endpoint.".count else { throw CoreError.unknownProfileSetting(key) }
            let endpointName = String(key.dropFirst("endpoint.".count))
            if empty {
                profile.endpoints[endpointName] = nil
            } else {
                let (n, url) = try Self.parseEndpoint("\(endpointName)=\(value)")
                profile.endpoints[n] = url
            }
        }
        profile = try validated(profile)
        profile.updatedAt = clock.now()
        let row = try ProfileRow(profile)
        try change("MGov.Profile.Changed", ["object": name, "object_type": "profile", "event_message": "\(key) changed\(key == "pkcs12" && !empty ? " (it replaces key and cert)" : "")"]) { db in
            guard try ProfileRow.fetchOne(db, key: name) != nil else { throw CoreError.profileNotFound(name) }
            try row.update(db)
        }
        return profile
    }

    public func use(_ name: String) throws {
        try change("MGov.Profile.DefaultChanged", ["object": name, "object_type": "profile"]) { db in
            guard try ProfileRow.fetchOne(db, key: name) != nil else { throw CoreError.profileNotFound(name) }
            try Self.setDefault(name, db)
        }
    }

    /// Deletes a profile; the default one only with `force` (the store is then left without a default).
    public func delete(_ name: String, force: Bool) throws {
        try change("MGov.Profile.Deleted", ["object": name, "object_type": "profile"]) { db in
            guard try ProfileRow.fetchOne(db, key: name) != nil else { throw CoreError.profileNotFound(name) }
            let current = try String.fetchOne(db, sql: "SELECT value FROM core_setting WHERE key = 'default_profile'")
            if current == name {
                guard force else { throw CoreError.defaultProfileDeletion(name) }
                try db.execute(sql: "DELETE FROM core_setting WHERE key = 'default_profile'")
            }
            _ = try ProfileRow.deleteOne(db, key: name)
        }
    }

    // MARK: Reading

    public func list() throws -> [Profile] {
        try store.read { db in
            let defaultName = try String.fetchOne(db, sql: "SELECT value FROM core_setting WHERE key = 'default_profile'")
            return try ProfileRow.order(Column("name")).fetchAll(db).map { try $0.profile(isDefault: $0.name == defaultName) }
        }
    }

    public func get(_ name: String) throws -> Profile {
        try store.read { db in
            guard let row = try ProfileRow.fetchOne(db, key: name) else { throw CoreError.profileNotFound(name) }
            let defaultName = try String.fetchOne(db, sql: "SELECT value FROM core_setting WHERE key = 'default_profile'")
            return try row.profile(isDefault: row.name == defaultName)
        }
    }

    public func defaultProfileName() throws -> String? {
        try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM core_setting WHERE key = 'default_profile'") }
    }

    /// The profile a command acts as: `--profile`, then `MGOV_PROFILE`, then the store's default.
    public func select(explicit: String?) throws -> Profile {
        if let explicit, !explicit.isEmpty { return try get(explicit) }
        guard let name = try defaultProfileName() else { throw CoreError.noProfileSelected }
        return try get(name)
    }

    // MARK: Validation

    /// Parses `NAME=URL`; the URL must be absolute http(s).
    public static func parseEndpoint(_ text: String) throws -> (String, String) {
        guard let eq = text.firstIndex(of: "=") else { throw CoreError.invalidEndpoint(text, reason: "no '='") }
        let name = String(text[..<eq])
        let url = String(text[text.index(after: eq)...])
        // '/' too: a consumer looks a provider up by its subsystem identity (MD/GOV/1003600123456/REGISTRY).
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-/".contains($0) }) else {
            throw CoreError.invalidEndpoint(text, reason: "the name must be letters, digits, '.', '_', '-' or '/'")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              ["https", "http"].contains(scheme), let host = components.host, !host.isEmpty else {
            throw CoreError.invalidEndpoint(text, reason: "'\(url)' is not an absolute http(s) URL")
        }
        return (name, url)
    }

    private func validated(_ draft: Profile) throws -> Profile {
        var profile = draft
        profile.keyPath = profile.keyPath.map(absolute)
        profile.certificatePath = profile.certificatePath.map(absolute)
        profile.pkcs12Path = profile.pkcs12Path.map(absolute)
        profile.trustPaths = profile.trustPaths.map(absolute)
        if profile.pkcs12Path != nil, profile.keyPath != nil || profile.certificatePath != nil {
            throw CoreError.invalidSetting(key: profile.keyPath != nil ? "key" : "cert",
                                           reason: "the profile takes its key and certificate from its PKCS#12 file (clear it first: pkcs12 '')")
        }
        if let key = profile.keyPath { try validator.validatePrivateKey(at: key) }
        if let cert = profile.certificatePath { try validator.validateCertificates(at: cert) }
        if let p12 = profile.pkcs12Path { try validator.validatePKCS12(at: p12) }
        for trust in profile.trustPaths { try validator.validateCertificates(at: trust) }
        if let key = profile.keyPath, let cert = profile.certificatePath {
            try validator.validateKeyMatchesCertificate(keyPath: key, certificatePath: cert)
        }
        for (name, url) in profile.endpoints { _ = try Self.parseEndpoint("\(name)=\(url)") }
        return profile
    }

    private static func setDefault(_ name: String, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO core_setting(key, value) VALUES ('default_profile', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [name])
    }
}

/// The table row behind a profile; lists and maps are JSON text columns.
struct ProfileRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "core_profile"
    var name: String
    var identity: String
    var key_path: String?
    var cert_path: String?
    var pkcs12_path: String?
    var trust_paths: String
    var endpoints: String
    var output: String?
    var created_at: String
    var updated_at: String

    init(_ p: Profile) throws {
        name = p.name
        identity = p.identity.description
        key_path = p.keyPath
        cert_path = p.certificatePath
        pkcs12_path = p.pkcs12Path
        trust_paths = String(decoding: try JSONEncoder.sorted.encode(p.trustPaths), as: UTF8.self)
        endpoints = String(decoding: try JSONEncoder.sorted.encode(p.endpoints), as: UTF8.self)
        output = p.output?.rawValue
        created_at = Timestamp.format(p.createdAt)
        updated_at = Timestamp.format(p.updatedAt)
    }

    func profile(isDefault: Bool) throws -> Profile {
        Profile(name: name, identity: try MemberIdentity(parsing: identity), keyPath: key_path, certificatePath: cert_path,
                pkcs12Path: pkcs12_path,
                trustPaths: (try? JSONDecoder().decode([String].self, from: Data(trust_paths.utf8))) ?? [],
                endpoints: (try? JSONDecoder().decode([String: String].self, from: Data(endpoints.utf8))) ?? [:],
                output: output.flatMap(OutputFormat.init(rawValue:)), isDefault: isDefault,
                createdAt: Timestamp.parse(created_at) ?? Date(timeIntervalSince1970: 0),
                updatedAt: Timestamp.parse(updated_at) ?? Date(timeIntervalSince1970: 0))
    }
}
