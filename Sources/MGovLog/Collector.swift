import Foundation
import GRDB
import Hummingbird
import MGovCore
import MGovCrypto
import MGovNet

/// An MLog-compatible collector over this store's log (`mgov log serve`):
///
/// - `POST /register`: an NDJSON body of events, each plain or JWS-signed
///   (`SignedEvent`); all or nothing. Answers `{"uid", "count", "first_seq", "last_seq"}`.
///   An `Idempotency-Key` header makes a resent batch answer with its first registration.
/// - `GET /query?type=&from=&to=&legal_basis=&page=&page_size=&FIELD=VALUE`:
///   the client's own events; a time range needs `legal_basis` and is logged.
/// - `GET /query/{uid}`: the events of one registration of the client's.
///
/// 400 for invalid JSON or events, 401 for a signature that does not verify
/// with the client's certificate, 404 for an unknown uid, 413 above the body limit.
/// Each stored event gets `registered_by` (the client certificate's subject) and,
/// when signed, `event_signature` (the JWS, payload detached when it is the event's canonical JSON).
public struct LogCollector: Sendable {
    public let log: AuditLog
    public let clock: Clock
    public let maximumBodyBytes: Int

    public init(log: AuditLog, clock: Clock, maximumBodyBytes: Int = LogEvent.maximumEventBytes) {
        self.log = log
        self.clock = clock
        self.maximumBodyBytes = maximumBodyBytes
    }

    public struct Registration: Codable, Sendable {
        public let uid: String
        public let count: Int
        public let firstSeq: UInt64
        public let lastSeq: UInt64
        enum CodingKeys: String, CodingKey { case uid, count, firstSeq = "first_seq", lastSeq = "last_seq" }
    }

    public func router() -> Router<PeerRequestContext> {
        let router = Router(context: PeerRequestContext.self)
        router.post("register") { request, context in
            await respond { try await register(request, context) }
        }
        router.get("query") { request, context in
            await respond { try await query(request, context) }
        }
        router.get("query/:uid") { request, context in
            await respond { try await registration(request, context) }
        }
        return router
    }

    private func respond(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as LogError {
            switch error {
            case .signatureRejected, .badLine(_, .signatureRejected): return jsonErrorResponse(.unauthorized, error.description)
            default: return jsonErrorResponse(.badRequest, error.description)
            }
        } catch let error as CoreError {
            return jsonErrorResponse(.badRequest, error.description)
        } catch let error as UserFacingError {
            return jsonErrorResponse(.internalServerError, error.description)
        } catch {
            if isBodyTooLarge(error) { return jsonErrorResponse(.contentTooLarge, "the request is larger than \(maximumBodyBytes) bytes") }
            return jsonErrorResponse(.internalServerError, "the collector failed: \(error)")
        }
    }

    /// Who the client is: its certificate's subject (mutual TLS), or "anonymous" on plain HTTP.
    private func client(_ context: PeerRequestContext) async throws -> (name: String, certificate: Certificate?) {
        guard let certificate = try await context.peerCertificate() else { return ("anonymous", nil) }
        return (certificate.subject, certificate)
    }

    private func register(_ request: Request, _ context: PeerRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        let client = try await client(context)
        let data = Data(body.readableBytesView)
        var events: [LogEvent] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                let parsed = try SignedEvent.parse(Data(line), signer: client.certificate)
                var fields = parsed.event.fields
                fields["registered_by"] = .string(client.name)
                if let signature = parsed.signature { fields["event_signature"] = .string(signature) }
                events.append(try LogEvent(fields: fields))
            } catch let error as LogError {
                throw LogError.badLine(lineNumber, error)
            }
        }
        guard !events.isEmpty else { throw LogError.emptyBatch }
        let key = request.header("Idempotency-Key")
        let now = clock.now()
        let batch = events
        let registration = try log.store.write { db -> Registration in
            if let key, let row = try Row.fetchOne(db, sql: "SELECT uid, first_seq, last_seq FROM log_registration WHERE client = ? AND idempotency_key = ?", arguments: [client.name, key]) {
                let first = UInt64(row[1] as Int64), last = UInt64(row[2] as Int64)
                return Registration(uid: row[0], count: Int(last - first + 1), firstSeq: first, lastSeq: last)
            }
            let entries = try AuditLog.append(batch, logged: Timestamp.format(now), in: db)
            // safe: append made one entry per event, and the batch is not empty
            let first = entries[0].seq, last = entries[entries.count - 1].seq
            let uid = Identifier.make(at: now)
            try db.execute(sql: "INSERT INTO log_registration (uid, client, idempotency_key, first_seq, last_seq, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [uid, client.name, key, Int64(first), Int64(last), Timestamp.format(now)])
            return Registration(uid: uid, count: entries.count, firstSeq: first, lastSeq: last)
        }
        return jsonResponse(.ok, try JSONEncoder.sorted.encode(registration))
    }

    private func query(_ request: Request, _ context: PeerRequestContext) async throws -> Response {
        let client = try await client(context)
        let parameters = request.uri.queryParameters
        var query = LogQuery()
        query.registeredBy = client.name
        var legalBasis: String?
        for (name, value) in parameters {
            let key = String(name), text = String(value)
            switch key {
            case "from": query.from = try Timestamp.require(text)
            case "to": query.to = try Timestamp.require(text)
            case "type", "event_type": query.types.append(text)
            case "legal_basis": legalBasis = text
            case "page": query.page = Int(text) ?? 1
            case "page_size": query.pageSize = Int(text) ?? 100
            default: query.filters.append((key, text))
            }
        }
        if query.isTimeRange, legalBasis?.isEmpty ?? true { throw LogError.legalBasisRequired(parameter: "legal_basis") }
        let page = try log.query(query)
        if query.isTimeRange {
            var event = AuditEvent(type: "MGov.Log.Searched", time: clock.now())
            event.set("legal_basis", legalBasis)
            event.set("user", client.name)
            event.set("event_message", "searched the collector from \(query.from.map(Timestamp.format) ?? "the start") to \(query.to.map(Timestamp.format) ?? "now")")
            try log.append([try LogEvent(event)], loggedAt: clock.now())
        }
        return jsonResponse(.ok, try JSONEncoder.sorted.encode(CollectorPage(page)))
    }

    private func registration(_ request: Request, _ context: PeerRequestContext) async throws -> Response {
        let client = try await client(context)
        let uid = context.parameters.get("uid") ?? ""
        let range = try log.store.read { db in
            try Row.fetchOne(db, sql: "SELECT first_seq, last_seq FROM log_registration WHERE uid = ? AND client = ?", arguments: [uid, client.name])
                .map { (UInt64($0[0] as Int64), UInt64($0[1] as Int64)) }
        }
        guard let (first, last) = range else { return jsonErrorResponse(.notFound, "no registration \(uid) of yours") }
        let entries = try log.entries(after: first.checkedPredecessor, limit: Int(last - first + 1))
        return jsonResponse(.ok, try JSONEncoder.sorted.encode(CollectorPage(total: entries.count, page: 1, pageSize: entries.count, entries: entries)))
    }
}

/// A page of events as the collector answers.
struct CollectorPage: Encodable {
    let total: Int
    let page: Int
    let pageSize: Int
    let events: [Item]

    struct Item: Encodable {
        let seq: UInt64
        let loggedAt: String
        let event: [String: AuditValue]
        enum CodingKeys: String, CodingKey { case seq, loggedAt = "logged_at", event }
    }

    init(_ page: QueryPage) {
        self.init(total: page.total, page: page.page, pageSize: page.pageSize, entries: page.entries)
    }

    init(total: Int, page: Int, pageSize: Int, entries: [LogEntry]) {
        self.total = total
        self.page = page
        self.pageSize = pageSize
        events = entries.map { Item(seq: $0.seq, loggedAt: $0.loggedAt, event: $0.event) }
    }

    enum CodingKeys: String, CodingKey { case total, page, pageSize = "page_size", events }
}

extension UInt64 {
    /// self − 1, or nil for 0.
    public var checkedPredecessor: UInt64? { self == 0 ? nil : self - 1 }
}
