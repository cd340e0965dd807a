import Foundation
import MGovCore
import MGovCrypto
import MGovNet
import NIOCore
import NIOHTTP1

/// `mgov connect request`: the consumer side. Sends the protocol's headers over mutual TLS, to a
/// server whose certificate names the provider (checked before anything is sent), then checks the
/// provider's signature over the request hash it computed itself and the body it got.
public struct Consumer: Sendable {
    public let client: MemberIdentity
    public let anchors: [Certificate]
    let tls: TLSIdentity?
    let clock: Clock
    let audit: any AuditSink

    public init(client: MemberIdentity, tls: TLSIdentity?, anchors: [Certificate], clock: Clock, audit: any AuditSink) {
        self.client = client
        self.anchors = anchors
        self.clock = clock
        self.audit = audit
        self.tls = tls
    }

    public struct Call: Sendable {
        public var service: ServiceID
        public var path = ""
        public var parameters: [(String, String)] = []
        public var method = "GET"
        public var body: Data?
        public var purpose: String
        public var legalBasis: String
        public var user: String?
        public var issue: String?
        public var onBehalfOf: String?
        public var accept: String?
        /// The body's Content-Type (with a body only).
        public var contentType = "application/json"

        public init(service: ServiceID, purpose: String, legalBasis: String) {
            self.service = service
            self.purpose = purpose
            self.legalBasis = legalBasis
        }
    }

    public struct Answer: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: Data
        public let id: String
        /// The provider's signature, checked unless verification was skipped.
        public let signature: String?
        public let verified: Bool
    }

    /// Sends `call` to the provider at `provider` (a base URL) and checks the answer; `timeout` bounds
    /// the whole exchange, connecting included.
    public func send(_ call: Call, provider: String, verify: Bool, timeout: TimeAmount = .seconds(60)) async throws -> Answer {
        for (flag, value, limit) in [("--user", call.user, Protocol.maximumUserBytes), ("--issue", call.issue, Protocol.maximumIssueBytes),
                                     ("--on-behalf-of", call.onBehalfOf, Protocol.maximumIssueBytes)] {
            if let value, value.utf8.count > limit || value.contains(where: { $0.isNewline }) {
                throw ConnectError.invalidArgument("\(flag) is one line of at most \(limit) bytes")
            }
        }
        guard call.purpose.utf8.count <= Protocol.maximumReasonBytes, !call.purpose.isEmpty, !call.purpose.contains(where: \.isNewline) else {
            throw ConnectError.invalidArgument("--purpose is one line of 1 to 512 bytes")
        }
        guard call.legalBasis.utf8.count <= Protocol.maximumBasisBytes, !call.legalBasis.isEmpty, !call.legalBasis.contains(where: \.isNewline) else {
            throw ConnectError.invalidArgument("--legal-basis is one line of 1 to 256 bytes")
        }
        let id = Identifier.make(at: clock.now())
        let path = call.path.isEmpty ? "" : "/" + call.path.split(separator: "/").map { Protocol.encodePart(String($0)) }.joined(separator: "/")
        let query = call.parameters.map { Protocol.encodePart($0.0) + "=" + Protocol.encodePart($0.1) }.joined(separator: "&")
        let target = call.service.path + path + (query.isEmpty ? "" : "?" + query)
        var headers: [(String, String)] = [("X-Road-Client", client.description), ("X-Road-Id", id),
                                           ("X-Call-Reason", call.purpose), ("X-Call-Basis", call.legalBasis)]
        if let user = call.user { headers.append(("X-Road-UserId", user)) }
        if let issue = call.issue { headers.append(("X-Road-Issue", issue)) }
        if let party = call.onBehalfOf { headers.append(("X-Road-Represented-Party", party)) }
        if let accept = call.accept { headers.append(("Accept", accept)) }
        if call.body != nil { headers.append(("Content-Type", call.contentType)) }
        let body = call.body ?? Data()
        guard body.count <= Protocol.maximumBodyBytes else {
            throw ConnectError.invalidArgument("the body is \(body.count) bytes; a provider takes at most 16 MB")
        }
        let requestHash = Protocol.requestHash(method: call.method, target: target, headers: headers, body: body)
        let base = provider.hasSuffix("/") ? String(provider.dropLast()) : provider
        try MutualTLSClient.validate(base)  // the address as given, not with the service path after it
        // With verification, the query goes only to a server whose certificate is the provider's
        // (as its signature must be), not to whichever member the anchors also trust.
        let reply = try await PeerCheckedRequest.send(HTTPMethod(rawValue: call.method), base + target, body: call.body, headers: headers,
                                                      tls: tls?.clientConfiguration, checkPeer: verify ? Self.peerCheck(call.service.provider) : nil,
                                                      timeout: timeout)
        var verified = false
        var problem: ConnectError?
        if verify {
            do {
                guard let jws = reply.header("X-Road-Signature") else {
                    if reply.status >= 400 {
                        // Not an X-Road answer at all: the server refused the request before any exchange (e.g. a method its parser does not know).
                        throw ConnectError.provider(type: "HTTP", message: "answered without a signature: \(String(decoding: reply.body.prefix(200), as: UTF8.self))",
                                                    status: reply.status)
                    }
                    throw ConnectError.badSignature("the response carries no X-Road-Signature")
                }
                let (statement, _) = try Protocol.verifyResponse(jws, anchors: anchors, provider: call.service.provider)
                guard statement.requestHash == requestHash else { throw ConnectError.badSignature("the signed request hash is not this request's") }
                guard statement.bodySHA256 == Hex.encode(Digest.sha256(reply.body)) else { throw ConnectError.badSignature("the body is not the one signed") }
                guard statement.status == reply.status, statement.id == id else { throw ConnectError.badSignature("the signed status or id differs") }
                verified = true
            } catch let error as ConnectError {
                problem = error
            }
        }
        var event = AuditEvent(type: "MConnect.Request.Sent", time: clock.now())
        event.set("event_correlation", id)
        event.set("object", call.service.description)
        event.set("object_type", "service")
        event.set("legal_basis", call.legalBasis)
        event.set("legal_reason", call.purpose)
        event.set("user", call.user)
        event.set("issue", call.issue)
        event.set("represented_party", call.onBehalfOf)
        // The person asked about: the consumer's own side of the data subject's access history.
        let subjects = call.parameters.filter { $0.0.lowercased() == "idnp" }.map(\.1)
        if subjects.count == 1 { event.set("subject", subjects[0]) } else if subjects.count > 1 { event.fields["subject"] = .array(subjects) }
        event.set("subject_type", subjects.isEmpty ? nil : "idnp")
        event.set("request_hash", requestHash)
        event.set("status", "\(reply.status)")
        event.set("provider_signature", reply.header("X-Road-Signature"))
        event.set("event_message", problem?.description ?? (verify ? "response signature verified" : "response not verified (--no-verify-response)"))
        try audit.record(event)
        if let problem { throw problem }
        return Answer(status: reply.status, headers: reply.headers, body: reply.body, id: id, signature: reply.header("X-Road-Signature"), verified: verified)
    }

    /// Accepts a server whose certificate names `provider` (as `mgov pki` writes it: a SAN URI).
    static func peerCheck(_ provider: MemberIdentity) -> PeerCheckedRequest.PeerCheck {
        { der in
            guard let certificate = try? Certificate(der: der) else { return "the server's certificate cannot be read" }
            let names = certificate.xroadIdentities
            if names.contains(provider.description) { return nil }
            let shown = names.isEmpty ? certificate.subject : names.joined(separator: ", ")
            return "the server's certificate is \(shown)'s, not \(provider)'s; nothing was sent"
        }
    }
}
