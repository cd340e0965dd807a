import Foundation
import GRDB
import MGovCore
import MGovCrypto
import MGovNet
import NIOCore
import NIOHTTP1

/// `mgov connect serve`: the provider side of the exchange (DESIGN.md §8). Checks, in order: the
/// service path names this provider and a known service; the client header matches the identity
/// bound to the TLS client certificate; purpose and legal basis are present; a live grant covers the
/// client, the service and the cited basis. Then serves dataset rows (only granted fields) or
/// forwards to the upstream. Every response is signed; every request is one audit event.
public final class Provider: Sendable {
    public let registry: ConnectRegistry
    public let identity: MemberIdentity
    /// `identity` as the audit events' `event_source`, spelled once.
    let identityText: String
    /// `/r1/` and the identity's parts, as a service path starts when none of it is percent-encoded.
    let routePrefix: String
    let signer: Protocol.ResponseSigner?
    let peers = PeerCertificates()
    let snapshots: SnapshotCache
    let clock: Clock
    let upstream: MutualTLSClient
    /// Where each exchange's audit event goes: `done` is called once it is durable (or with the error
    /// that kept it out). A server passes a group-committing log.
    let record: Recorder
    public typealias Recorder = @Sendable (AuditEvent, _ done: @escaping @Sendable ((any Error)?) -> Void) -> Void
    public static let maximumLimit = 1000

    public convenience init(registry: ConnectRegistry, identity: MemberIdentity, key: PrivateKey, chain: [Certificate], clock: Clock,
                record: Recorder? = nil) {
        self.init(registry: registry, identity: identity, key: key, chain: chain, clock: clock, record: record, snapshots: SnapshotCache(registry: registry))
    }

    init(registry: ConnectRegistry, identity: MemberIdentity, key: PrivateKey, chain: [Certificate], clock: Clock,
         record: Recorder?, snapshots: SnapshotCache) {
        self.registry = registry
        self.snapshots = snapshots
        let audit = registry.audit
        self.record = record ?? { event, done in
            do { try audit.record(event); done(nil) } catch { done(error) }
        }
        self.identity = identity
        identityText = identity.description
        routePrefix = "/r1/\(identity)/"
        // A key JWS cannot use leaves responses unsigned (the consumer then refuses them).
        self.signer = try? Protocol.ResponseSigner(key: key, chain: chain)
        self.clock = clock
        upstream = MutualTLSClient(tls: nil)
    }

    public func shutdown() async { await upstream.shutdown() }

    /// The responder for `EventLoopHTTPServer`.
    public var responder: ServerResponder { { request, loop in self.respond(to: request, on: loop) } }

    /// One exchange's facts, gathered as it is checked.
    struct Exchange: Sendable {
        var id: String
        var requestID: String
        var client: String?
        /// The client's member code (`legal_entity` in the audit event).
        var clientMember: String?
        var service: String?
        var reason: String?
        var basis: String?
        var user: String?
        var issue: String?
        var representedParty: String?
        /// A proxied request's method and path (without the query), for its event; nil for others.
        var proxied: (method: String, path: String)?
        /// The people whose data the answer disclosed (their IDNPs): the looked-up one, or every row's.
        var subjects: [String] = []
        var requestHash = ""
    }

    struct Refusal: Error {
        let type: XRoadErrorType
        let message: String
        /// When not the type's own (406 for an Accept nothing matches).
        var status: Int?
    }

    /// An answer before it is signed and logged.
    struct Answer: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: Data
        var denied: XRoadErrorType?
        /// A refusal's message.
        var message: String?
    }

    /// Checks and answers one request. Everything up to the answer runs here, on the connection's
    /// event loop (the registry snapshot, a signature); only a proxy's upstream call and the audit
    /// log's commit are waited for elsewhere.
    public func respond(to request: ServerRequest, on loop: any EventLoop) -> EventLoopFuture<ServerResponse> {
        let now = clock.now()
        let clientID = request.header("X-Road-Id")
        var exchange = Exchange(id: clientID.flatMap { $0.utf8.count <= Protocol.maximumIDBytes ? $0 : nil } ?? Identifier.make(at: now),
                                requestID: Identifier.make(at: now))
        guard !request.bodyTooLarge else {
            return finish(exchange, refusal(.badRequest, "the request body is over 16 MB", status: 413, exchange), on: loop)
        }
        let body = Data(request.body.readableBytesView)
        exchange.requestHash = Protocol.requestHash(method: request.method.rawValue, target: request.target,
                                                    headers: request.headers, body: body)
        if let problem = Self.headerProblem(request.headers) {
            // Refused before any of the client's values goes into the event (which must stay loggable).
            return finish(exchange, refusal(.badRequest, problem, exchange), on: loop)
        }
        exchange.reason = request.header("X-Call-Reason")
        exchange.basis = request.header("X-Call-Basis")
        exchange.user = request.header("X-Road-UserId")
        exchange.issue = request.header("X-Road-Issue")
        exchange.representedParty = request.header("X-Road-Represented-Party")
        let decision: Decision
        do {
            decision = try decide(request, now: now, &exchange)
        } catch {
            return finish(exchange, answer(for: error, exchange), on: loop)
        }
        switch decision {
        case .answered(let answer):
            return finish(exchange, answer, on: loop)
        case .pending(let service, let rest):
            let decided = exchange
            return serve(service, rest: rest, request: request, body: body, client: decided.client, on: loop)
                .recover { error in self.answer(for: error, decided) }
                .flatMap { answer in self.finish(decided, answer, on: loop) }
        }
    }

    /// Why the X-Road and X-Call headers cannot be taken, or nil: one of them twice (the provider
    /// checks one, a proxy's upstream might read the other), or a value over its bound.
    static func headerProblem(_ headers: HTTPHeaders) -> String? {
        var seen: [String] = []
        for (name, value) in headers {
            guard name.utf8.count >= 6, let first = name.utf8.first, first == UInt8(ascii: "x") || first == UInt8(ascii: "X") else { continue }
            let lowered = name.lowercased()
            guard Protocol.singleHeaders.contains(lowered) else { continue }
            if seen.contains(lowered) { return "\(name) is given twice" }
            seen.append(lowered)
            // Bytes that were not UTF-8 arrive as U+FFFD: logged, they would not be what was sent.
            if value.unicodeScalars.contains("\u{FFFD}") { return "\(name) is not UTF-8" }
            let limit: Int
            switch lowered {
            case "x-road-id": limit = Protocol.maximumIDBytes
            case "x-road-userid": limit = Protocol.maximumUserBytes
            case "x-road-issue", "x-road-represented-party": limit = Protocol.maximumIssueBytes
            case "x-road-client": limit = Protocol.maximumClientBytes
            default: continue  // the client is checked against its certificate, purpose and basis in `decide`
            }
            if value.utf8.count > limit { return "\(name) is over \(limit) bytes" }
        }
        return nil
    }

    /// What was decided: a dataset's answer, or a metaservice or proxy still to serve.
    enum Decision: Sendable {
        case answered(Answer)
        case pending(RoutedService, String)
    }

    /// Route, identity, purpose and basis, grant, and a dataset's rows, from the registry's
    /// in-memory snapshot (`SnapshotCache`: read again whenever the registry changes); only a
    /// dataset too large to hold is looked up in the store.
    func decide(_ request: ServerRequest, now: Date, _ exchange: inout Exchange) throws -> Decision {
        let snapshot = try snapshots.current()
        let (service, rest) = try route(request.path, snapshot)
        exchange.service = "\(identity)/\(service.code)"
        let client = try authenticate(request, snapshot)
        exchange.client = client.description
        exchange.clientMember = client.memberCode
        guard let reason = exchange.reason, !reason.isEmpty else { throw Refusal(type: .missingPurpose, message: "X-Call-Reason (the purpose) is required") }
        guard reason.utf8.count <= Protocol.maximumReasonBytes else { throw Refusal(type: .badRequest, message: "X-Call-Reason is over 512 bytes") }
        guard let basis = exchange.basis, !basis.isEmpty else { throw Refusal(type: .missingLegalBasis, message: "X-Call-Basis (the legal basis) is required") }
        guard basis.utf8.count <= Protocol.maximumBasisBytes else { throw Refusal(type: .badRequest, message: "X-Call-Basis is over 256 bytes") }
        let grant = try authorize(client: client, service: service.code, basis: basis, now: now, snapshot)
        if case .service(let dataset) = service, dataset.kind == "dataset" {
            guard request.method == .GET else { throw Refusal(type: .badRequest, message: "a dataset answers GET only") }
            // `.../people/2001234567890` is not a lookup: answering it with the first page would look like one.
            guard rest.isEmpty || rest == "/" else {
                throw Refusal(type: .unknownService, message: "\(dataset.code) is a dataset: look rows up with ?FIELD=VALUE, not a path under it")
            }
            return .answered(try lookup(dataset, request: request, grant: grant, exchange: &exchange, snapshot))
        }
        if case .service = service { exchange.proxied = (request.method.rawValue, String(request.path.prefix(512))) }
        guard !Self.hasDotSegment(rest) else { throw Refusal(type: .badRequest, message: "the path may not hold . or .. segments") }
        return .pending(service, rest)
    }

    /// An X-Road error answer; its detail is the exchange's id.
    func refusal(_ type: XRoadErrorType, _ message: String, status: Int? = nil, _ exchange: Exchange) -> Answer {
        Answer(status: status ?? type.status, headers: [("X-Road-Error", type.rawValue), ("Content-Type", "application/json")],
               body: Self.errorBody(type, message, detail: exchange.id), denied: type, message: message)
    }

    func answer(for error: any Error, _ exchange: Exchange) -> Answer {
        if let refusal = error as? Refusal { return self.refusal(refusal.type, refusal.message, status: refusal.status, exchange) }
        return self.refusal(.internalError, (error as? UserFacingError)?.description ?? String(describing: error), exchange)
    }

    /// `/r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE[/rest]`, or a metaservice.
    func route(_ path: Substring, _ snapshot: RegistrySnapshot) throws -> (service: RoutedService, rest: String) {
        if !path.utf8.contains(UInt8(ascii: "%")), path.utf8.starts(with: routePrefix.utf8) {
            // The usual path: nothing to decode, so the parts are the text between slashes.
            let tail = Substring(path.utf8.dropFirst(routePrefix.utf8.count))
            let slash = tail.utf8.firstIndex(of: UInt8(ascii: "/"))
            return try routed(String(slash.map { tail[..<$0] } ?? tail), rest: slash.map { String(tail[$0...]) } ?? "", snapshot)
        }
        let raw = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2)
        let parts = raw.prefix(5).map(ServerRequest.percentDecoded)
        guard parts.count == 5 else { throw Refusal(type: .badRequest, message: "expected /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE") }
        guard parts[0..<4].joined(separator: "/") == identity.description else {
            throw Refusal(type: .unknownService, message: "this provider is \(identity), not \(parts[0..<4].joined(separator: "/"))")
        }
        // The rest goes to a proxy's upstream as it came, still encoded.
        let rest = raw.dropFirst(5)
        return try routed(parts[4], rest: rest.isEmpty ? "" : "/" + rest.joined(separator: "/"), snapshot)
    }

    /// Whether a path holds a `.` or `..` segment, encoded or not: forwarded, it could reach
    /// outside the upstream's base path.
    static func hasDotSegment(_ path: String) -> Bool {
        path.split(separator: "/", omittingEmptySubsequences: false).contains { segment in
            guard segment.utf8.count <= 6 else { return false }
            let decoded = ServerRequest.percentDecoded(segment)
            return decoded == "." || decoded == ".."
        }
    }

    private func routed(_ code: String, rest: String, _ snapshot: RegistrySnapshot) throws -> (service: RoutedService, rest: String) {
        if code == "listMethods" || code == "allowedMethods" { return (.meta(code), rest) }
        guard let service = snapshot.services[code] else { throw Refusal(type: .unknownService, message: "no service \(code) at \(identity)") }
        return (.service(service), rest)
    }

    enum RoutedService: Sendable {
        case service(ConnectService)
        case meta(String)
        var code: String {
            switch self {
            case .service(let s): return s.code
            case .meta(let name): return name
            }
        }
    }

    /// The client's identity: the `X-Road-Client` header, which must equal the identity bound to the
    /// certificate (its SAN URI `urn:xroad:…`, or a certificate registered with `connect clients add`).
    func authenticate(_ request: ServerRequest, _ snapshot: RegistrySnapshot) throws -> MemberIdentity {
        let header = request.header("X-Road-Client")
        // The usual case: the header names the subsystem of the certificate's SAN, parsed once per certificate.
        if let header, let der = request.peerCertificateDER, let bound = try peers.facts(der).subsystems.first(where: { $0.description == header }) {
            return bound
        }
        guard let header, let claimed = try? MemberIdentity(parsing: header), claimed.subsystem != nil else {
            throw Refusal(type: .badRequest, message: "X-Road-Client: INSTANCE/CLASS/MEMBER/SUBSYSTEM is required")
        }
        guard let der = request.peerCertificateDER else {
            // Plain HTTP (tests with --insecure-http): the header is taken at its word, as the warning says.
            return claimed
        }
        let peer = try peers.facts(der)
        if peer.identities.contains(claimed.description) { return claimed }
        var bound = peer.identities
        if let registered = snapshot.clients[peer.fingerprint] { bound.append(registered) }
        guard bound.contains(claimed.description) else {
            throw Refusal(type: .identityMismatch, message: "X-Road-Client \(claimed) is not the identity of the client certificate (\(bound.first ?? peer.subject))")
        }
        return claimed
    }

    func authorize(client: MemberIdentity, service: String, basis: String, now: Date, _ snapshot: RegistrySnapshot) throws -> Grant? {
        if service == "listMethods" { return nil }
        if service == "allowedMethods" { return nil }
        let grants = snapshot.grants[RegistrySnapshot.GrantKey(client: client.description, service: service)] ?? []
        guard !grants.isEmpty else { throw Refusal(type: .accessDenied, message: "\(client) has no grant for \(service)") }
        let nowText = Timestamp.format(now)
        let live = grants.filter { !$0.hasExpired(at: nowText) }
        guard !live.isEmpty else { throw Refusal(type: .grantExpired, message: "the grant of \(client) for \(service) has expired") }
        guard let grant = live.first(where: { $0.allows(basis: basis) }) else {
            // The basis cited was granted, but that grant ran out: say so, whatever else is live.
            if grants.contains(where: { $0.hasExpired(at: nowText) && $0.allows(basis: basis) }) {
                throw Refusal(type: .grantExpired, message: "the grant of \(client) for \(service) under '\(basis)' has expired")
            }
            throw Refusal(type: .legalBasisNotGranted, message: "the legal basis '\(basis)' is not in the grant of \(client) for \(service)")
        }
        return grant
    }

    /// A metaservice's list, or a proxy's upstream answer.
    func serve(_ routed: RoutedService, rest: String, request: ServerRequest, body: Data, client: String?, on loop: any EventLoop) -> EventLoopFuture<Answer> {
        switch routed {
        case .meta(let name):
            return loop.makeCompletedFuture { try metaservice(name, client: client) }
        case .service(let service):
            // Datasets are answered inside `decide`; what is left is a proxy.
            return forward(service, rest: rest, request: request, body: body, on: loop)
        }
    }

    /// `listMethods`, or `allowedMethods` (what the client's live grants cover).
    func metaservice(_ name: String, client: String?) throws -> Answer {
        var services = try registry.services()
        if name == "allowedMethods" {
            let now = Timestamp.format(clock.now())
            let granted = Set(try registry.grants(client: client).filter { !$0.hasExpired(at: now) }.map(\.service))
            services = services.filter { granted.contains($0.code) }
        }
        let list = services.map { s -> [String: Any] in
            ["service_code": s.code, "service_type": s.kind == "dataset" ? "DATASET" : "REST",
             "endpoint_list": s.kind == "dataset" ? [["method": "GET", "path": "/"]] : [["method": "*", "path": "/*"]]]
        }
        return Answer(status: 200, headers: [("Content-Type", "application/json")],
                      body: try JSONSerialization.data(withJSONObject: ["service": list], options: [.sortedKeys]))
    }

    func lookup(_ service: ConnectService, request: ServerRequest, grant: Grant?, exchange: inout Exchange, _ snapshot: RegistrySnapshot) throws -> Answer {
        // Decided first: a request for a format no dataset is written in discloses nothing.
        guard let format = RowFormat.negotiate(request.header("Accept")) else {
            throw Refusal(type: .badRequest, message: "a dataset is answered as application/json, text/csv or application/xml; Accept allows none of them",
                          status: 406)
        }
        var filter: [(String, String)] = []
        var limit = 100, offset = 0
        // A value that does not decode would be looked up as it stands and match nothing: an empty
        // answer that reads as "no such person".
        guard let parameters = request.strictQueryParameters else {
            throw Refusal(type: .badRequest, message: "the query does not decode: each part is percent-encoded UTF-8, without control characters")
        }
        var seen = Set<String>()
        for (key, text) in parameters {
            if key == "limit" || key == "offset" {
                guard seen.insert(key).inserted else { throw Refusal(type: .badRequest, message: "\(key) is given twice") }
            }
            switch key {
            case "limit":
                guard let n = Int(text), n > 0, n <= Self.maximumLimit else { throw Refusal(type: .badRequest, message: "limit is 1 to \(Self.maximumLimit)") }
                limit = n
            case "offset":
                guard let n = Int(text), n >= 0 else { throw Refusal(type: .badRequest, message: "offset is 0 or more") }
                offset = n
            default:
                guard service.keys.contains(key) else {
                    throw Refusal(type: .badRequest, message: "'\(key)' is not a key field of \(service.code) (keys: \(service.keys.joined(separator: ", ")))")
                }
                // A filter on a field the grant leaves out would tell, row by row, what that field holds.
                if let fields = grant?.fields, !fields.contains(key) {
                    throw Refusal(type: .accessDenied, message: "the grant does not cover the field '\(key)', so it cannot be looked up by it")
                }
                guard text.utf8.count <= Protocol.maximumKeyValueBytes else {
                    throw Refusal(type: .badRequest, message: "a key value is at most \(Protocol.maximumKeyValueBytes) bytes")
                }
                filter.append((key, text))
                if key.lowercased() == "idnp" { exchange.subjects = [text] }
            }
        }
        let (stored, total) = try snapshot.datasets[service.code].map { $0.lookup(filter: filter, limit: limit, offset: offset) }
            ?? registry.store.database.read { db in try registry.lookupJSON(service.code, filter: filter, limit: limit, offset: offset, db) }
        if exchange.subjects.isEmpty, !stored.isEmpty, stored[0].contains("\"idnp\":") {
            // Not looked up by IDNP (a name, a page of rows): whoever the rows are about is disclosed all the same.
            exchange.subjects = stored.compactMap { row in
                ((try? JSONSerialization.jsonObject(with: Data(row.utf8))) as? [String: Any])?["idnp"].map { "\($0)" }
            }
        }
        let headers: [(String, String)] = [("X-Total-Count", "\(total)")]
        if format == .json && grant?.fields == nil {
            // Rows are stored as sorted-key JSON: spliced as they are, the document is what
            // JSONSerialization would write, without parsing and writing every row again.
            let document = "{\"limit\":\(limit),\"offset\":\(offset),\"rows\":[\(stored.joined(separator: ","))],\"total\":\(total)}"
            return Answer(status: 200, headers: headers + [("Content-Type", "application/json")], body: Data(document.utf8))
        }
        var rows = try stored.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        if let fields = grant?.fields {
            rows = rows.map { $0.filter { fields.contains($0.key) } }
        }
        switch format {
        case .csv:
            return Answer(status: 200, headers: headers + [("Content-Type", "text/csv; charset=utf-8")], body: Data(Self.csv(rows).utf8))
        case .xml:
            return Answer(status: 200, headers: headers + [("Content-Type", "application/xml; charset=utf-8")], body: Data(Self.xml(rows).utf8))
        case .json:
            let document: [String: Any] = ["rows": rows, "total": total, "limit": limit, "offset": offset]
            return Answer(status: 200, headers: headers + [("Content-Type", "application/json")],
                          body: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]))
        }
    }

    /// The upstream's answer, delivered on this event loop (no task).
    func forward(_ service: ConnectService, rest: String, request: ServerRequest, body: Data, on loop: any EventLoop) -> EventLoopFuture<Answer> {
        guard let base = service.upstream else { return loop.makeFailedFuture(Refusal(type: .internalError, message: "the proxy service has no upstream")) }
        let query = request.query.map { "?" + $0 } ?? ""
        let skipped: Set<String> = ["host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade"]
        let headers = request.headers.map { ($0.name.lowercased(), $0.value) }.filter { !skipped.contains($0.0) }
        return upstream.send(request.method, base + rest + query, body: body.isEmpty ? nil : body, headers: headers, timeout: .seconds(60), on: loop)
            .map { reply in
                let passed = reply.headers.filter { ["content-type", "content-language", "etag", "last-modified", "location"].contains($0.0.lowercased()) }
                return Answer(status: reply.status, headers: passed, body: reply.body)
            }
            .flatMapErrorThrowing { error in
                // The client learns why, not where: the upstream's address is the provider's own business.
                let reason = (error as? NetError)?.reasonText ?? "it failed"
                throw Refusal(type: .networkError, message: "the upstream of \(service.code) cannot be reached: \(reason)")
            }
    }

    /// Signs, logs and builds the response: it is sent once its audit event is durable.
    func finish(_ exchange: Exchange, _ answer: Answer, on loop: any EventLoop) -> EventLoopFuture<ServerResponse> {
        let service = exchange.service ?? identity.description
        let time = clock.now()
        let statement = Protocol.ResponseStatement(id: exchange.id, requestHash: exchange.requestHash, service: service, status: answer.status,
                                                   bodySHA256: Hex.encode(Digest.sha256(answer.body)), time: Timestamp.format(time))
        var headers = answer.headers
        func set(_ name: String, _ value: String?) { if let value { headers.append((name, value)) } }
        set("X-Road-Client", exchange.client)
        set("X-Road-Service", service)
        set("X-Road-Id", exchange.id)
        set("X-Road-Request-Id", exchange.requestID)
        // None for a body refused unread (over 16 MB): there is no request to hash.
        let requestHash = exchange.requestHash.isEmpty ? nil : exchange.requestHash
        set("X-Road-Request-Hash", requestHash)
        set("X-Road-Signature", try? signer?.sign(statement))
        var event = AuditEvent(type: answer.denied == nil ? "MConnect.Request.Served" : "MConnect.Request.Denied", time: time)
        event.fields.reserveCapacity(18)
        event.set("event_source", identityText)
        event.set("event_correlation", exchange.id)
        event.set("event_id", exchange.requestID)
        event.set("legal_entity", exchange.clientMember)
        event.set("legal_basis", exchange.basis.map { String($0.prefix(256)) })
        event.set("legal_reason", exchange.reason.map { String($0.prefix(512)) })
        event.set("user", exchange.user)
        event.set("issue", exchange.issue)
        event.set("represented_party", exchange.representedParty)
        if let proxied = exchange.proxied { event.set("request_method", proxied.method); event.set("request_path", proxied.path) }
        switch exchange.subjects.count {
        case 0: break
        case 1: event.set("subject", exchange.subjects[0])
        default: event.fields["subject"] = .array(exchange.subjects)
        }
        event.set("subject_type", exchange.subjects.isEmpty ? nil : "idnp")
        event.set("object", service)
        event.set("object_type", "service")
        event.set("request_hash", requestHash)
        event.set("client", exchange.client)
        event.set("status", "\(answer.status)")
        if let denied = answer.denied {
            event.set("event_message", denied.rawValue)
            event.set("event_level", "Warning")
            // Why, in words (it can quote the request: bounded).
            event.set("event_details", answer.message.map { String($0.prefix(512)) })
        }
        let logged = loop.makePromise(of: Void.self)
        record(event) { error in if let error { logged.fail(error) } else { logged.succeed() } }
        let response = ServerResponse(status: answer.status, headers: headers, body: ByteBuffer(bytes: answer.body))
        return logged.futureResult.map { response }.recover { _ in
            // An exchange that cannot be logged is not answered with data.
            ServerResponse(status: 500, headers: [("Content-Type", "application/json")],
                           body: ByteBuffer(bytes: Self.errorBody(.internalError, "the audit log cannot be written", detail: exchange.id)))
        }
    }

    static func errorBody(_ type: XRoadErrorType, _ message: String, detail: String) -> Data {
        (try? JSONSerialization.data(withJSONObject: ["type": type.rawValue, "message": message, "detail": detail], options: [.sortedKeys])) ?? Data()
    }

    static func csv(_ rows: [[String: Any]]) -> String {
        var columns: [String] = []
        for row in rows { for key in row.keys.sorted() where !columns.contains(key) { columns.append(key) } }
        func quote(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [columns.map(quote).joined(separator: ",")]
        for row in rows { lines.append(columns.map { row[$0].map { quote(DatasetLoader.text($0)) } ?? "" }.joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func xml(_ rows: [[String: Any]]) -> String {
        func escape(_ text: String) -> String {
            // XML 1.0 has no way to write most control characters: they become U+FFFD, so the
            // document stays well-formed.
            let allowed = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
                scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" || scalar.value == 0xFFFE || scalar.value == 0xFFFF ? "\u{FFFD}" : scalar
            }))
            return allowed.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\r", with: "&#13;")
        }
        func name(_ key: String) -> String {
            let cleaned = String(key.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
            return cleaned.first.map { $0.isLetter || $0 == "_" } == true ? cleaned : "_" + cleaned
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rows>"
        for row in rows {
            out += "<row>" + row.sorted { $0.key < $1.key }.map { "<\(name($0.key))>\(escape(DatasetLoader.text($0.value)))</\(name($0.key))>" }.joined() + "</row>"
        }
        return out + "</rows>\n"
    }
}

/// What a client certificate says about its holder, parsed once per certificate: OpenSSL's parsing
/// was a seventh of a request's time, and a client presents the same certificate on every request.
final class PeerCertificates: @unchecked Sendable {
    // @unchecked: `parsed` is guarded by `lock`.
    struct Facts: Sendable {
        /// The member identities of its `urn:xroad:` SAN URIs.
        let identities: [String]
        /// Those that name a subsystem (what a client header must name), parsed.
        let subsystems: [MemberIdentity]
        let fingerprint: String
        let subject: String
    }

    private let lock = NSLock()
    private var parsed: [Data: Facts] = [:]
    static let capacity = 4096

    func facts(_ der: Data) throws -> Facts {
        lock.lock()
        if let known = parsed[der] { lock.unlock(); return known }
        lock.unlock()
        let certificate = try Certificate(der: der)
        let identities = certificate.xroadIdentities
        let facts = Facts(identities: identities, subsystems: identities.compactMap { try? MemberIdentity(parsing: $0) }.filter { $0.subsystem != nil },
                          fingerprint: certificate.sha256Fingerprint, subject: certificate.subject)
        lock.lock()
        if parsed.count >= Self.capacity { parsed.removeAll(keepingCapacity: true) }
        parsed[der] = facts
        lock.unlock()
        return facts
    }
}
