import Foundation
import MGovCore
import MGovCrypto
@testable import MGovNet
import MGovTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
@testable import MGovConnect

/// Audit events kept in memory, in order.
final class Events: AuditSink, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [AuditEvent] = []
    func record(_ event: AuditEvent) throws { lock.withLock { kept.append(event) } }
    var all: [AuditEvent] { lock.withLock { kept } }
}

private let providerID = "MD/GOV/1003600123456/REGISTRY"
private let clientID = "MD/GOV/1002000000001/CASES"

/// A provider over a real store, answering requests as the event-loop server hands them over
/// (plain HTTP: the client header is believed, as with --insecure-http).
struct ProviderFixture {
    let dir: TemporaryDirectory
    let registry: ConnectRegistry
    let provider: Provider
    let events = Events()
    let key: PrivateKey
    let certificate: Certificate
    let loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()

    init() throws {
        dir = try TemporaryDirectory()
        let store = try Store(home: MGovHome(path: dir.file("home")), migrations: ConnectRegistry.migrations)
        registry = ConnectRegistry(store: store, clock: .system, audit: events)
        key = try KeyGeneration.generate(.ecP256)
        var request = CertificateRequest(commonName: "registry")
        request.uris = ["urn:xroad:\(providerID)"]
        certificate = try CertificateIssuer.issue(request, subjectKey: key, issuerKey: key, issuer: nil)
        provider = Provider(registry: registry, identity: try MemberIdentity(parsing: providerID), key: key, chain: [certificate], clock: .system)
        let csv = try dir.write("people.csv", "idnp,name,birth\n2001234567890,Ion Popescu,1980-01-02\n2009876543210,\"Maria, Ionescu\",1990-03-04\n")
        _ = try registry.addDataset(code: "people", source: csv, keys: ["idnp"])
        _ = try registry.grant(client: try MemberIdentity(parsing: clientID), service: "people", legalBases: ["Legea 133/2011"], fields: nil, expires: nil)
    }

    func send(_ target: String, headers: [(String, String)]) async throws -> ServerResponse {
        let request = ServerRequest(method: .GET, target: target, headers: HTTPHeaders(headers))
        return try await loop.flatSubmit { provider.respond(to: request, on: loop) }.get()
    }

    static let exchangeHeaders = [("X-Road-Client", clientID), ("X-Call-Reason", "dosar 12/2026"), ("X-Call-Basis", "Legea 133/2011 art.5")]
}

extension ServerResponse {
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var text: String { String(buffer: body) }
}

@Suite struct ProviderTests {
    @Test func aLookupIsAnsweredSignedAndLogged() async throws {
        let f = try ProviderFixture()
        let target = "/r1/\(providerID)/people?idnp=2009876543210"
        let response = try await f.send(target, headers: ProviderFixture.exchangeHeaders)
        #expect(response.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
        #expect(json["total"] as? Int == 1)
        #expect((json["rows"] as? [[String: Any]])?.first?["name"] as? String == "Maria, Ionescu")
        // The signature covers the request hash and the body digest, and verifies with the chain it carries.
        let jws = try #require(response.header("X-Road-Signature"))
        let (statement, _) = try Protocol.verifyResponse(jws, anchors: [f.certificate], provider: try MemberIdentity(parsing: providerID))
        #expect(statement.status == 200 && statement.requestHash == response.header("X-Road-Request-Hash"))
        #expect(statement.bodySHA256 == Hex.encode(Digest.sha256(Data(response.text.utf8))))
        let expectedHash = Protocol.requestHash(method: "GET", target: target, headers: ProviderFixture.exchangeHeaders, body: Data())
        #expect(statement.requestHash == expectedHash)
        let event = try #require(f.events.all.last)
        #expect(event.type == "MConnect.Request.Served")
        #expect(event.fields["subject"] == .string("2009876543210") && event.fields["legal_entity"] == .string("1002000000001"))
        #expect(event.fields["legal_basis"] == .string("Legea 133/2011 art.5") && event.fields["request_hash"] == .string(expectedHash))
        await f.provider.shutdown()
    }

    @Test func aRegistryChangeWhoseAuditEventCannotBeWrittenIsNotMade() throws {
        let dir = try TemporaryDirectory()
        let store = try Store(home: MGovHome(path: dir.file("home")), migrations: ConnectRegistry.migrations)
        let client = try MemberIdentity(parsing: clientID)
        let csv = try dir.write("people.csv", "idnp,name\n2001234567890,Ion\n2009876543210,Maria\n")
        let setUp = ConnectRegistry(store: store, clock: .system, audit: Events())
        _ = try setUp.addDataset(code: "people", source: csv, keys: ["idnp"])
        _ = try setUp.grant(client: client, service: "people", legalBases: ["Legea 133/2011"], fields: nil, expires: nil)
        let log = TransactionRefusingSink()
        let registry = ConnectRegistry(store: store, clock: .system, audit: log)

        #expect(throws: TransactionRefusingSink.Refused.self) { try registry.addDataset(code: "more", source: csv, keys: ["idnp"]) }
        #expect(throws: TransactionRefusingSink.Refused.self, "replacing a service neither") { try registry.addDataset(code: "people", source: csv, keys: ["name"]) }
        #expect(throws: TransactionRefusingSink.Refused.self) { try registry.addProxy(code: "up", upstream: "http://127.0.0.1:9") }
        #expect(try registry.services().map(\.code) == ["people"])
        #expect(throws: TransactionRefusingSink.Refused.self) {
            try registry.grant(client: try MemberIdentity(parsing: "MD/GOV/1002000000002/OTHER"), service: "people", legalBases: ["Legea 133/2011"], fields: nil, expires: nil)
        }
        #expect(throws: TransactionRefusingSink.Refused.self) { try registry.revoke(client: client, service: "people") }
        #expect(throws: TransactionRefusingSink.Refused.self) { try registry.removeService("people") }
        #expect(try registry.grants().map(\.client) == [clientID], "the grant stands, and no other was made")
        #expect(try registry.service("people").rows == 2 && registry.service("people").keys == ["idnp"])
        #expect(log.events.isEmpty, "nothing was logged after a commit either")
    }

    @Test func refusalsNameTheirTypeAndAreLogged() async throws {
        let f = try ProviderFixture()
        let cases: [(headers: [(String, String)], target: String, status: Int, type: String)] = [
            ([("X-Road-Client", clientID), ("X-Call-Basis", "Legea 133/2011")], "/r1/\(providerID)/people", 400, "Client.MissingPurpose"),
            ([("X-Road-Client", clientID), ("X-Call-Reason", "x")], "/r1/\(providerID)/people", 400, "Client.MissingLegalBasis"),
            ([("X-Road-Client", clientID), ("X-Call-Reason", String(repeating: "x", count: 513)), ("X-Call-Basis", "Legea 133/2011")],
             "/r1/\(providerID)/people", 400, "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders.filter { $0.0 != "X-Call-Basis" } + [("X-Call-Basis", "Legea 999/2020")], "/r1/\(providerID)/people", 403,
             "Client.LegalBasisNotGranted"),
            ([("X-Road-Client", "MD/GOV/1009999999999/OTHER"), ("X-Call-Reason", "x"), ("X-Call-Basis", "y")], "/r1/\(providerID)/people", 403,
             "Client.AccessDenied"),
            (ProviderFixture.exchangeHeaders, "/r1/\(providerID)/nothing", 404, "Client.UnknownService"),
            (ProviderFixture.exchangeHeaders, "/r1/MD/GOV/1/ELSEWHERE/people", 404, "Client.UnknownService"),
            // A path under a dataset is no lookup (answering it with the first page would look like one).
            (ProviderFixture.exchangeHeaders, "/r1/\(providerID)/people/2001234567890", 404, "Client.UnknownService"),
            // A query part that does not decode is refused, not looked up as it stands (and found nowhere).
            (ProviderFixture.exchangeHeaders, "/r1/\(providerID)/people?idnp=%ZZ", 400, "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders, "/r1/\(providerID)/people?idnp=%FF%FE", 400, "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders, "/r1/\(providerID)/people?idnp=2001234567890%00", 400, "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders, "/r1/\(providerID)/people?limit=1&limit=2", 400, "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders + [("Accept", "application/yaml")], "/r1/\(providerID)/people?idnp=2001234567890", 406, "Client.BadRequest"),
            // A header value that was not UTF-8 (decoded to U+FFFD) would not be logged as it was sent.
            (ProviderFixture.exchangeHeaders.filter { $0.0 != "X-Call-Reason" } + [("X-Call-Reason", "caf\u{FFFD}")], "/r1/\(providerID)/people", 400,
             "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders, "/r1/\(providerID)/people?name=Ion", 400, "Client.BadRequest"),
            // One value per X-Road/X-Call header: an upstream reading the second would be told another client.
            (ProviderFixture.exchangeHeaders + [("x-road-client", "MD/GOV/EVIL/X")], "/r1/\(providerID)/people", 400, "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders + [("X-Call-Basis", "Legea 1/2000")], "/r1/\(providerID)/people", 400, "Client.BadRequest"),
            // Values that go into the event are bounded, so the refusal itself can be logged.
            (ProviderFixture.exchangeHeaders + [("X-Road-UserId", String(repeating: "a", count: 40_000))], "/r1/\(providerID)/people", 400,
             "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders + [("X-Road-Id", String(repeating: "i", count: 40_000))], "/r1/\(providerID)/people", 400, "Client.BadRequest"),
            (ProviderFixture.exchangeHeaders, "/r1/\(providerID)/people?idnp=" + String(repeating: "2", count: 60_000), 400, "Client.BadRequest"),
        ]
        for c in cases {
            let response = try await f.send(c.target, headers: c.headers)
            #expect(response.status == c.status && response.header("X-Road-Error") == c.type, "\(c.type): \(response.status) \(response.text)")
            #expect(response.header("X-Road-Signature") != nil, "a refusal is signed too")
            let expectedHash = Protocol.requestHash(method: "GET", target: c.target, headers: c.headers, body: Data())
            #expect(response.header("X-Road-Request-Hash") == expectedHash, "every refusal of a request read carries its hash: \(c.type)")
            #expect(f.events.all.last?.type == "MConnect.Request.Denied" && f.events.all.last?.fields["event_message"] == .string(c.type))
        }
        #expect(f.events.all.filter { $0.type.hasPrefix("MConnect.Request.") }.count == cases.count)
        await f.provider.shutdown()
    }

    /// A dataset with no rows yet (a fixture) is served: it answers no rows.
    @Test func anEmptyDatasetAnswersNoRows() async throws {
        let f = try ProviderFixture()
        _ = try f.registry.addDataset(code: "empty", source: try f.dir.write("empty.csv", "idnp,name\n"), keys: ["idnp"])
        _ = try f.registry.grant(client: try MemberIdentity(parsing: clientID), service: "empty", legalBases: ["Legea 133/2011"], fields: nil, expires: nil)
        let response = try await f.send("/r1/\(providerID)/empty?idnp=2001234567890", headers: ProviderFixture.exchangeHeaders)
        #expect(response.status == 200 && response.text == #"{"limit":100,"offset":0,"rows":[],"total":0}"#, "\(response.status) \(response.text)")
        await f.provider.shutdown()
    }

    /// Citing the basis of a grant that ran out is GrantExpired, even when the client has other live grants for the service.
    @Test func anExpiredGrantIsNamedWhateverElseIsLive() async throws {
        let f = try ProviderFixture()
        let client = try MemberIdentity(parsing: clientID)
        _ = try f.registry.grant(client: client, service: "people", legalBases: ["Legea 1/2000"], fields: nil, expires: Date().addingTimeInterval(1))
        try await Task.sleep(for: .milliseconds(1200))
        let headers = ProviderFixture.exchangeHeaders.filter { $0.0 != "X-Call-Basis" } + [("X-Call-Basis", "Legea 1/2000 art.3")]
        let response = try await f.send("/r1/\(providerID)/people?idnp=2001234567890", headers: headers)
        #expect(response.status == 403 && response.header("X-Road-Error") == "Client.GrantExpired", "\(response.status) \(response.text)")
        // A basis no grant ever named is still LegalBasisNotGranted.
        let other = try await f.send("/r1/\(providerID)/people?idnp=2001234567890",
                                     headers: ProviderFixture.exchangeHeaders.filter { $0.0 != "X-Call-Basis" } + [("X-Call-Basis", "Legea 2/2001")])
        #expect(other.header("X-Road-Error") == "Client.LegalBasisNotGranted")
        await f.provider.shutdown()
    }

    /// Whoever the rows are about is the event's subject, however they were looked up, so the
    /// person's access history shows it; refusals say why in words.
    @Test func everyPersonDisclosedIsASubjectAndRefusalsSayWhy() async throws {
        let f = try ProviderFixture()
        let csv = try f.dir.write("named.csv", "idnp,name\n2001234567890,Ion Popescu\n2009876543210,Maria Ionescu\n")
        _ = try f.registry.addDataset(code: "named", source: csv, keys: ["name"])
        _ = try f.registry.grant(client: try MemberIdentity(parsing: clientID), service: "named", legalBases: ["Legea 133/2011"], fields: nil, expires: nil)
        let byName = try await f.send("/r1/\(providerID)/named?name=Ion+Popescu", headers: ProviderFixture.exchangeHeaders + [("X-Road-Issue", "case 7")])
        #expect(byName.status == 200 && byName.text.contains("2001234567890"))
        #expect(f.events.all.last?.fields["subject"] == .string("2001234567890") && f.events.all.last?.fields["issue"] == .string("case 7"))
        let page = try await f.send("/r1/\(providerID)/named?limit=10", headers: ProviderFixture.exchangeHeaders)
        #expect(page.status == 200)
        #expect(f.events.all.last?.fields["subject"] == .array(["2001234567890", "2009876543210"]), "\(String(describing: f.events.all.last?.fields["subject"]))")
        let refused = try await f.send("/r1/\(providerID)/named?idnp=1", headers: ProviderFixture.exchangeHeaders)
        #expect(refused.status == 400)
        if case .string(let details)? = f.events.all.last?.fields["event_details"] { #expect(details.contains("'idnp' is not a key field")) } else {
            Issue.record("a refusal's event says why")
        }
        await f.provider.shutdown()
    }

    @Test func datasetMistakesAreNamedWhereTheyAre() async throws {
        let f = try ProviderFixture()
        let ndjson = try f.dir.write("rows.ndjson", "{\"idnp\":\"1\"}\n\n\n{\"idnp\":\"2\"}\n\nnot json\n")
        #expect(throws: ConnectError.invalidArgument("\(ndjson) line 6 is not a JSON object")) {
            _ = try f.registry.addDataset(code: "rows", source: ndjson, keys: ["idnp"])
        }
        let csv = try f.dir.write("twice.csv", "idnp,name\n1,a\n")
        #expect(throws: ConnectError.invalidArgument("the key field 'idnp' is given twice")) {
            _ = try f.registry.addDataset(code: "twice", source: csv, keys: ["idnp", "idnp"])
        }
        await f.provider.shutdown()
    }

    /// Data minimisation holds for lookups too: a key the grant leaves out cannot be filtered on,
    /// or the answers (a row or none) would tell what it holds.
    @Test func aKeyOutsideTheGrantedFieldsCannotBeFilteredOn() async throws {
        let f = try ProviderFixture()
        let csv = try f.dir.write("rich.csv", "idnp,name,secret\n2001234567890,Ion,s1\n")
        _ = try f.registry.addDataset(code: "rich", source: csv, keys: ["idnp", "secret"])
        _ = try f.registry.grant(client: try MemberIdentity(parsing: clientID), service: "rich", legalBases: ["Legea 133/2011"],
                                 fields: ["idnp", "name"], expires: nil)
        let byKey = try await f.send("/r1/\(providerID)/rich?idnp=2001234567890", headers: ProviderFixture.exchangeHeaders)
        #expect(byKey.status == 200 && !byKey.text.contains("s1"), "\(byKey.text)")
        let bySecret = try await f.send("/r1/\(providerID)/rich?secret=s1", headers: ProviderFixture.exchangeHeaders)
        #expect(bySecret.status == 403 && bySecret.header("X-Road-Error") == "Client.AccessDenied", "\(bySecret.text)")
        await f.provider.shutdown()
    }

    /// A service replaced keeps its grants, so a grant limited to some fields must still find them:
    /// else it would hand out less than it says, or, replaced by a proxy, everything.
    @Test func aServiceIsNotReplacedUnderAGrantLimitedToFieldsItWouldLose() async throws {
        let f = try ProviderFixture()
        let client = try MemberIdentity(parsing: clientID)
        _ = try f.registry.grant(client: client, service: "people", legalBases: ["Legea 133/2011"], fields: ["idnp", "birth"], expires: nil)
        let withoutBirth = try f.dir.write("slim.csv", "idnp,name\n2001234567890,Ion\n")
        #expect(throws: ConnectError.refused("the grant of people to \(clientID) is limited to idnp, birth, and the new data has no field birth: revoke that grant first (mgov connect revoke \(clientID) --service people)")) {
            _ = try f.registry.addDataset(code: "people", source: withoutBirth, keys: ["idnp"])
        }
        #expect(throws: ConnectError.refused("the grant of people to \(clientID) is limited to idnp, birth, and a proxy has no fields to limit: revoke that grant first (mgov connect revoke \(clientID) --service people)")) {
            _ = try f.registry.addProxy(code: "people", upstream: "http://127.0.0.1:9")
        }
        #expect(try f.registry.service("people").rows == 2, "the service refused stays as it was")
        // Data with the granted fields replaces it; an empty dataset, which discloses nothing, too.
        let refreshed = try f.dir.write("fresh.csv", "idnp,name,birth\n2001234567890,Ion,1980-01-02\n")
        let replaced = try f.registry.addDataset(code: "people", source: refreshed, keys: ["idnp"])
        #expect(replaced.rows == 1 && replaced.grantsKept == 2, "the fixture's grant and the limited one")
        #expect(f.events.all.last?.fields["event_message"] == .string("replaced by a dataset from \(refreshed), 1 rows"))
        #expect(try f.registry.addDataset(code: "people", source: try f.dir.write("none.csv", "idnp\n"), keys: ["idnp"]).rows == 0)
        try f.registry.revoke(client: client, service: "people")
        #expect(try f.registry.addProxy(code: "people", upstream: "http://127.0.0.1:9").kind == "proxy")
        // A grant that has expired is never used again: it does not hold a replacement up.
        #expect(try f.registry.addDataset(code: "brief", source: refreshed, keys: ["idnp"]).grantsKept == nil, "a new service replaced none")
        _ = try f.registry.grant(client: client, service: "brief", legalBases: ["Legea 133/2011"], fields: ["birth"], expires: Date().addingTimeInterval(1))
        #expect(throws: ConnectError.self) { _ = try f.registry.addProxy(code: "brief", upstream: "http://127.0.0.1:9") }
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try f.registry.addProxy(code: "brief", upstream: "http://127.0.0.1:9").kind == "proxy")
        await f.provider.shutdown()
    }

    /// A path with nothing percent-encoded takes a shortcut; it must route as the decoding path does.
    @Test func pathsRouteTheSameEncodedOrNot() async throws {
        let f = try ProviderFixture()
        let snapshot = try f.provider.snapshots.current()
        let cases: [(path: String, code: String, rest: String)] = [
            ("/r1/\(providerID)/people", "people", ""),
            ("/r1/\(providerID)/people/", "people", "/"),
            ("/r1/\(providerID)/listMethods", "listMethods", ""),
            ("/r1/\(providerID)/allowedMethods/x//y", "allowedMethods", "/x//y"),
            // The rest is what a proxy forwards: as it came, still encoded (a%2Fb is one segment).
            ("/r1/\(providerID)/peo%70le/a%2Fb/c%20d", "people", "/a%2Fb/c%20d"),
            ("/r1/MD/GOV/1003600123456/%52EGISTRY/people/x", "people", "/x"),
        ]
        for c in cases {
            let (service, rest) = try f.provider.route(c.path[...], snapshot)
            #expect(service.code == c.code && rest == c.rest, "\(c.path)")
        }
        for path in ["/r1/\(providerID)/nothing", "/r1/\(providerID)/", "/r1/\(providerID)", "/r1/MD/GOV/1003600123456/REGISTRYX/people"] {
            #expect(throws: Provider.Refusal.self, "\(path)") { try f.provider.route(path[...], snapshot) }
        }
        for path in ["/..", "/a/../../etc/passwd", "/a/./b", "/%2e%2E/x", "/.%2e", "/a/.."] { #expect(Provider.hasDotSegment(path), "\(path)") }
        for path in ["", "/", "/a/b", "/..a/b", "/a.b/...", "/%2e%2e%2e", "//x"] { #expect(!Provider.hasDotSegment(path), "\(path)") }
        let plain = try await f.send("/r1/\(providerID)/people?idnp=2009876543210", headers: ProviderFixture.exchangeHeaders)
        let encoded = try await f.send("/r1/MD/GOV/1003600123456/REGISTR%59/peop%6Ce?idnp=2009876543210", headers: ProviderFixture.exchangeHeaders)
        #expect(plain.status == 200 && encoded.status == 200 && plain.text == encoded.text)
        await f.provider.shutdown()
    }

    @Test func anExchangeThatCannotBeLoggedIsNotAnswered() async throws {
        let f = try ProviderFixture()
        struct Full: Error {}
        let failing = Provider(registry: f.registry, identity: try MemberIdentity(parsing: providerID), key: f.key, chain: [f.certificate],
                               clock: .system, record: { _, done in done(Full()) })
        let request = ServerRequest(method: .GET, target: "/r1/\(providerID)/people?idnp=2009876543210", headers: HTTPHeaders(ProviderFixture.exchangeHeaders))
        let response = try await f.loop.flatSubmit { failing.respond(to: request, on: f.loop) }.get()
        #expect(response.status == 500 && !response.text.contains("Maria"))
        await failing.shutdown()
        await f.provider.shutdown()
    }

    @Test func changesFromAnotherProcessApplyToTheNextRequest() async throws {
        let f = try ProviderFixture()
        let target = "/r1/\(providerID)/people?idnp=2009876543210"
        #expect(try await f.send(target, headers: ProviderFixture.exchangeHeaders).status == 200)
        // Another process: its own store connection and registry on the same home.
        let other = ConnectRegistry(store: try Store(home: MGovHome(path: f.dir.file("home")), migrations: ConnectRegistry.migrations),
                                    clock: .system, audit: Events())
        let csv = try f.dir.write("people2.csv", "idnp,name\n2009876543210,Maria Ionescu-Popa\n")
        _ = try other.addDataset(code: "people", source: csv, keys: ["idnp"])
        let renamed = try await f.send(target, headers: ProviderFixture.exchangeHeaders)
        #expect(renamed.status == 200 && renamed.text.contains("Maria Ionescu-Popa"), "\(renamed.text)")
        try other.revoke(client: try MemberIdentity(parsing: clientID), service: "people")
        let revoked = try await f.send(target, headers: ProviderFixture.exchangeHeaders)
        #expect(revoked.status == 403 && revoked.header("X-Road-Error") == "Client.AccessDenied")
        _ = try other.grant(client: try MemberIdentity(parsing: clientID), service: "people", legalBases: ["Legea 133/2011"], fields: ["idnp", "name"], expires: nil)
        let narrowed = try await f.send(target, headers: ProviderFixture.exchangeHeaders)
        #expect(narrowed.status == 200 && narrowed.text.contains(#"{"idnp":"2009876543210","name":"Maria Ionescu-Popa"}"#), "\(narrowed.text)")
        await f.provider.shutdown()
    }

    @Test func aDatasetTooLargeToHoldIsLookedUpInTheStore() async throws {
        let f = try ProviderFixture()
        let small = Provider(registry: f.registry, identity: try MemberIdentity(parsing: providerID), key: f.key, chain: [f.certificate],
                             clock: .system, record: nil, snapshots: SnapshotCache(registry: f.registry, maximumCachedRows: 1))
        for (target, expected) in [("/r1/\(providerID)/people?idnp=2001234567890", "Ion Popescu"), ("/r1/\(providerID)/people?limit=1&offset=1", "Maria, Ionescu")] {
            let request = ServerRequest(method: .GET, target: target, headers: HTTPHeaders(ProviderFixture.exchangeHeaders))
            let held = try await f.send(target, headers: ProviderFixture.exchangeHeaders)
            let stored = try await f.loop.flatSubmit { small.respond(to: request, on: f.loop) }.get()
            #expect(stored.status == 200 && stored.text.contains(expected), "\(stored.text)")
            #expect(stored.text == held.text, "the store and the snapshot answer alike")
        }
        await small.shutdown()
        await f.provider.shutdown()
    }

    @Test func anOversizedBodyIsRefusedAndLogged() async throws {
        let f = try ProviderFixture()
        let request = ServerRequest(method: .POST, target: "/r1/\(providerID)/people", headers: HTTPHeaders(ProviderFixture.exchangeHeaders), bodyTooLarge: true)
        let response = try await f.loop.flatSubmit { f.provider.respond(to: request, on: f.loop) }.get()
        #expect(response.status == 413 && response.header("X-Road-Error") == "Client.BadRequest")
        #expect(response.header("X-Road-Request-Hash") == nil, "a body refused unread has no request hash, not an empty one")
        #expect(f.events.all.last?.type == "MConnect.Request.Denied" && f.events.all.last?.fields["request_hash"] == nil)
        await f.provider.shutdown()
    }
}

@Suite struct ProtocolTests {
    @Test func acceptIsNegotiatedByQualityAndSpecificity() {
        let cases: [(String?, RowFormat?)] = [
            (nil, .json), ("", .json), ("*/*", .json), ("application/json", .json), ("text/csv", .csv), ("application/xml", .xml),
            ("text/xml", .xml), ("text/csv;q=0.1, application/json", .json), ("application/json, text/csv", .json),
            ("text/csv, application/json;q=0.5", .csv), ("text/*", .csv), ("application/*;q=0.2, text/csv;q=0.1", .json),
            ("*/*;q=0.1, application/xml", .xml), ("application/json;q=0, text/csv;q=0", nil), ("application/yaml", nil),
            ("TEXT/CSV", .csv), ("application/json;q=0, */*", .csv),
        ]
        for (accept, expected) in cases {
            #expect(RowFormat.negotiate(accept) == expected, "\(accept ?? "none")")
        }
    }

    @Test func theStatementIsTheJSONEncodersSortedForm() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for id in ["plain", "quote \" and \\ backslash", "line\nbreak\ttab", "Chișinău/Bălți", "ctl\u{7}"] {
            let statement = Protocol.ResponseStatement(id: id, requestHash: "h/+=", service: "MD/GOV/1/S/people", status: 403,
                                                       bodySHA256: "00ff", time: "2026-12-01T00:00:00Z")
            #expect(try JSONDecoder().decode(Protocol.ResponseStatement.self, from: statement.json) == statement)
            if !id.contains("\u{7}") { #expect(statement.json == (try encoder.encode(statement)), "\(id)") }
        }
    }

    /// The request hash as DESIGN.md §8 defines it, written out plainly here: x-road-* and x-call-*
    /// headers in any case, names lower-cased, sorted, `name:value\n`, then `METHOD target\n`.
    @Test func theRequestHashTakesExactlyTheExchangeHeadersInAnyCase() {
        let headers = [("X-Road-Client", "MD/GOV/1/C"), ("x-call-reason", "r"), ("X-CALL-BASIS", "b"), ("X-Roadster", "no"),
                       ("X-Callback", "no"), ("Xroad-Id", "no"), ("X-", "no"), ("x-road-", "empty"), ("Accept", "no"), ("X-Road-UserId", "u")]
        let body = Data("body".utf8)
        var text = ""
        for (name, value) in headers.map({ ($0.0.lowercased(), $0.1) }).filter({ $0.0.hasPrefix("x-road-") || $0.0.hasPrefix("x-call-") })
            .sorted(by: { $0.0 < $1.0 }) {
            text += "\(name):\(value)\n"
        }
        #expect(text == "x-call-basis:b\nx-call-reason:r\nx-road-:empty\nx-road-client:MD/GOV/1/C\nx-road-userid:u\n")
        text += "POST /r1/x?y=1\n"
        let expected = Data(Digest.hash(.sha512, Data(Digest.hash(.sha512, Data(text.utf8)) + Digest.hash(.sha512, body)))).base64EncodedString()
        #expect(Protocol.requestHash(method: "post", target: "/r1/x?y=1", headers: headers, body: body) == expected)
        #expect(Protocol.requestHash(method: "POST", target: "/r1/x?y=1", headers: HTTPHeaders(headers), body: body) == expected)
    }

    @Test func queryParametersAreSplitAndDecoded() {
        let request = ServerRequest(method: .GET, target: "/r1/a/b?idnp=2001&name=Ion%20P&flag&x=a%3Db&bad=%zz", headers: [:])
        #expect(request.path == "/r1/a/b")
        #expect(request.queryParameters.map { "\($0.name)=\($0.value)" } == ["idnp=2001", "name=Ion P", "flag=", "x=a=b", "bad=%zz"])
        #expect(ServerRequest(method: .GET, target: "/r1/a", headers: [:]).queryParameters.isEmpty)
        // As forms send it: + is a space, %2B a plus.
        let form = ServerRequest(method: .GET, target: "/r1/a?name=Maria,+Ionescu&sum=1%2B1", headers: [:])
        #expect(form.queryParameters.map { "\($0.name)=\($0.value)" } == ["name=Maria, Ionescu", "sum=1+1"])
        let odd = ServerRequest(method: .GET, target: "/r1/a?&&a=1&=v&b==2&%C8%98t=%C8%9B", headers: [:])
        #expect(odd.queryParameters.map { "\($0.name)=\($0.value)" } == ["a=1", "=v", "b==2", "Șt=ț"])
    }
}

@Suite struct GrantTests {
    /// A granted basis covers itself and its parts (what follows it starts with a character that is
    /// not a letter or digit), never a longer law number or word.
    @Test func aGrantedBasisCoversItsPartsOnly() {
        let grant = Grant(client: "MD/GOV/1/C", service: "people", legalBases: ["Legea 133/2011", "HG 1/2020 pct.3", "L"],
                          fields: nil, expiresAt: nil, createdAt: "2026-01-01T00:00:00Z")
        for basis in ["Legea 133/2011", "Legea 133/2011 art.5", "Legea 133/2011, art.5", "Legea 133/2011/art.5", "HG 1/2020 pct.3 lit.a", "L"] {
            #expect(grant.allows(basis: basis), "\(basis)")
        }
        for basis in ["Legea 133/20119", "Legea 133/2011a", "Legea 133/2011ă", "Legea 999/2020", "Lege", "HG 1/2020 pct.35", "legea 133/2011", "", "Legea 133"] {
            #expect(!grant.allows(basis: basis), "\(basis)")
        }
        #expect(!Grant(client: "c", service: "s", legalBases: [""], fields: nil, expiresAt: nil, createdAt: "").allows(basis: "anything"))
    }
}

@Suite struct DatasetFormatTests {
    /// CSV and XML carry JSON values a person or a parser can read: numbers and booleans as JSON
    /// writes them, null as nothing, objects and arrays as JSON; XML stays well-formed.
    @Test func nonStringValuesAndControlCharacters() throws {
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(#"[{"idnp":1,"n":{"b":[1,true],"a":null},"ok":false},{"idnp":null,"s":"a\u0000b\r"}]"#.utf8)) as? [[String: Any]])
        #expect(Provider.csv(rows) == "idnp,n,ok,s\r\n1,\"{\"\"a\"\":null,\"\"b\"\":[1,true]}\",false,\r\n,,,\"a\u{0}b\r\"\r\n")
        let xml = Provider.xml(rows)
        #expect(xml.contains("<idnp>1</idnp><n>{\"a\":null,\"b\":[1,true]}</n><ok>false</ok>"), "\(xml)")
        #expect(xml.contains("<idnp></idnp><s>a\u{FFFD}b&#13;</s>"), "\(xml)")
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test func aByteOrderMarkBeforeTheHeaderIsIgnored() throws {
        let rows = try CSV.records("\u{FEFF}idnp,name\r\n2001,Ion\r\n", name: "bom.csv")
        #expect(rows == [["idnp": "2001", "name": "Ion"]])
    }
}

@Suite struct ResponseHeaderCheckTests {
    /// The event-loop server checks outbound headers itself (NIO's check is off): no CR, LF or NUL
    /// in a value, a token for a name.
    @Test func headersThatWouldSplitAResponseAreRefused() {
        #expect(ExchangeHandler.isValidHeader(name: "X-Road-Signature", value: "eyJh.eyJi.c2ln"))
        #expect(ExchangeHandler.isValidHeader(name: "Content-Type", value: "text/plain; charset=\"utf-8\"\tü"))
        #expect(ExchangeHandler.isValidHeader(name: "X-Empty", value: ""))
        for value in ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\u{0}b"] {
            #expect(!ExchangeHandler.isValidHeader(name: "X-Road-Id", value: value), "\(value.debugDescription)")
        }
        for name in ["", "X Road", "X-Road:", "X-Road\r\n", "Ü", "(x)"] {
            #expect(!ExchangeHandler.isValidHeader(name: name, value: "v"), "\(name.debugDescription)")
        }
    }
}
