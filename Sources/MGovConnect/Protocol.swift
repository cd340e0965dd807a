import Foundation
import MGovCore
import MGovCrypto

/// A service identifier: `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE`.
public struct ServiceID: Sendable, Hashable, CustomStringConvertible {
    public let provider: MemberIdentity
    public let code: String

    public init(provider: MemberIdentity, code: String) throws {
        guard provider.subsystem != nil else { throw ConnectError.invalidArgument("a service belongs to a subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE") }
        guard !code.isEmpty, code.count <= 255, code.allSatisfy({ $0.isLetter || $0.isNumber || "'()+,-.=?_".contains($0) }) else {
            throw ConnectError.invalidArgument("'\(code)' is not a service code (letters, digits and '()+,-.=?_)")
        }
        self.provider = provider
        self.code = code
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 else { throw ConnectError.invalidArgument("'\(text)' is not a service id: INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE") }
        try self.init(provider: try MemberIdentity(parsing: parts[0..<4].joined(separator: "/")), code: parts[4])
    }

    public var description: String { "\(provider)/\(code)" }

    /// The `/r1/…` path of the service, each part percent-encoded on its own.
    public var path: String {
        "/r1/" + (provider.description.split(separator: "/").map { Protocol.encodePart(String($0)) } + [Protocol.encodePart(code)]).joined(separator: "/")
    }
}

/// The exchange protocol's shared rules (DESIGN.md §8).
public enum Protocol {
    public static let maximumReasonBytes = 512
    public static let maximumBasisBytes = 256
    /// Bounds of the other values a client sends that go into the audit event, so that every
    /// request, however odd, can be logged before anything is done for it.
    public static let maximumClientBytes = 256
    public static let maximumUserBytes = 256
    public static let maximumIssueBytes = 256
    public static let maximumIDBytes = 128
    public static let maximumKeyValueBytes = 256
    /// The headers a client may send once only: the provider checks the first, an upstream might read another.
    public static let singleHeaders = ["x-road-client", "x-road-id", "x-road-userid", "x-road-issue", "x-road-represented-party",
                                       "x-call-reason", "x-call-basis"]
    /// The largest request body a provider takes.
    public static let maximumBodyBytes = 16 << 20

    static func encodePart(_ part: String) -> String {
        part.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? part
    }

    /// `X-Road-Request-Hash`: base64(SHA-512(SHA-512(H) || SHA-512(body))), H being the request's
    /// `x-road-*` and `x-call-*` headers, names lower-cased and sorted, each `name:value\n`, then
    /// `METHOD target\n` (the path and query as sent).
    public static func requestHash(method: String, target: String, headers: [(String, String)], body: Data) -> String {
        requestHash(method: method, target: target, headers: headers.lazy.map { (name: $0.0, value: $0.1) }, body: body)
    }

    public static func requestHash<Headers: Sequence>(method: String, target: String, headers: Headers, body: Data) -> String
    where Headers.Element == (name: String, value: String) {
        var relevant: [(name: String, value: String)] = []
        for (name, value) in headers where isHashed(name) { relevant.append((name.lowercased(), value)) }
        relevant.sort { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        var text = [UInt8]()
        text.reserveCapacity(512)
        for header in relevant {
            text.append(contentsOf: header.name.utf8)
            text.append(UInt8(ascii: ":"))
            text.append(contentsOf: header.value.utf8)
            text.append(UInt8(ascii: "\n"))
        }
        text.append(contentsOf: method.uppercased().utf8)
        text.append(UInt8(ascii: " "))
        text.append(contentsOf: target.utf8)
        text.append(UInt8(ascii: "\n"))
        let inner = Digest.hash(.sha512, Data(text)) + Digest.hash(.sha512, body)
        return Data(Digest.hash(.sha512, Data(inner))).base64EncodedString()
    }

    /// `x-road-*` or `x-call-*`, in any case, without lower-casing every name to find out.
    static func isHashed(_ name: String) -> Bool {
        var utf8 = name.utf8.makeIterator()
        func next(_ expected: String) -> Bool {
            expected.utf8.allSatisfy { c in utf8.next().map { $0 | 0x20 == c } ?? false }
        }
        guard next("x-") else { return false }
        let afterPrefix = utf8
        if next("road-") { return true }
        utf8 = afterPrefix
        return next("call-")
    }

    /// The signed statement of a response.
    public struct ResponseStatement: Codable, Sendable, Equatable {
        public let id: String
        public let requestHash: String
        public let service: String
        public let status: Int
        /// Hex SHA-256 of the response body.
        public let bodySHA256: String
        public let time: String

        enum CodingKeys: String, CodingKey {
            case id, service, status, time
            case requestHash = "request_hash"
            case bodySHA256 = "body_sha256"
        }

        /// The signed bytes: members in sorted order, no whitespace (what JSONEncoder with sorted
        /// keys writes, built by hand: the encoder was a tenth of a response's cost).
        public var json: Data {
            var out = [UInt8]()
            out.reserveCapacity(96 + id.utf8.count + requestHash.utf8.count + service.utf8.count + bodySHA256.utf8.count)
            func member(_ name: String, _ value: String) {
                out.append(out.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
                JSONText.appendQuoted(name, to: &out)
                out.append(UInt8(ascii: ":"))
                JSONText.appendQuoted(value, to: &out)
            }
            member("body_sha256", bodySHA256)
            member("id", id)
            member("request_hash", requestHash)
            member("service", service)
            out.append(contentsOf: Array(",\"status\":\(status)".utf8))
            member("time", time)
            out.append(UInt8(ascii: "}"))
            return Data(out)
        }
    }

    /// `X-Road-Signature`: a compact JWS over the statement, with the signer's chain in `x5c`.
    public static func signResponse(_ statement: ResponseStatement, key: PrivateKey, chain: [Certificate]) throws -> String {
        try ResponseSigner(key: key, chain: chain).sign(statement)
    }

    /// Signs response statements with one key: the protected header (alg and the x5c chain) is
    /// encoded once, not per response.
    public struct ResponseSigner: Sendable {
        let signer: PreparedSigner
        let encodedHeader: String

        public init(key: PrivateKey, chain: [Certificate]) throws {
            let algorithm = try JWSAlgorithm.forKey(key.algorithm)
            // The signer's certificate and any intermediates; a self-signed root is left out (the
            // consumer checks the chain against its own anchors, so the root adds nothing but bytes:
            // a P-256 root is a third of every response's headers).
            let sent = chain.prefix(1) + chain.dropFirst().filter { $0.subject != $0.issuer }
            let header = ["alg": algorithm.rawValue, "x5c": sent.map { $0.der.base64EncodedString() }] as [String: Any]
            encodedHeader = Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]))
            signer = try PreparedSigner(jwsKey: key)
        }

        public func sign(_ statement: ResponseStatement) throws -> String {
            let signingInput = encodedHeader + "." + Base64URL.encode(statement.json)
            let signature = try signer.signJWS(Data(signingInput.utf8))
            return signingInput + "." + Base64URL.encode(signature)
        }
    }

    /// Checks a response signature: the JWS verifies with the first `x5c` certificate, which chains to
    /// `anchors` and names `provider` in its SAN; returns the statement.
    public static func verifyResponse(_ jws: String, anchors: [Certificate], provider: MemberIdentity) throws -> (ResponseStatement, Certificate) {
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
              let algorithmName = header["alg"] as? String, let algorithm = JWSAlgorithm(rawValue: algorithmName),
              let x5c = header["x5c"] as? [String], !x5c.isEmpty else {
            throw ConnectError.badSignature("X-Road-Signature is not a compact JWS with alg and x5c")
        }
        let chain = try x5c.map { text -> Certificate in
            guard let der = Data(base64Encoded: text) else { throw ConnectError.badSignature("an x5c entry is not base64") }
            return try Certificate(der: der)
        }
        guard try chain[0].publicKey().verifyJWS(algorithm, signature: signature, message: Data((parts[0] + "." + parts[1]).utf8)) else {
            throw ConnectError.badSignature("the response signature does not verify")
        }
        do {
            try TrustVerifier.verify(chain[0], intermediates: Array(chain.dropFirst()), anchors: anchors)
        } catch let error as CryptoError {
            throw ConnectError.badSignature("the provider's certificate is not trusted: \(error.description)")
        }
        guard chain[0].subjectAlternativeURIs.contains("urn:xroad:\(provider)") else {
            throw ConnectError.badSignature("the response is signed by \(chain[0].subject), not by \(provider)")
        }
        guard let statement = try? JSONDecoder().decode(ResponseStatement.self, from: payload) else {
            throw ConnectError.badSignature("the signed statement is not the expected JSON")
        }
        return (statement, chain[0])
    }
}

/// How a dataset's rows are written, chosen from the request's `Accept` (RFC 9110 §12.5.1).
public enum RowFormat: String, Sendable, CaseIterable {
    case json, csv, xml

    /// The Content-Type of rows in this format (and the Accept that asks for it).
    public var mediaType: String { mediaTypes[0] }

    /// The media types each answers to, the first its Content-Type.
    var mediaTypes: [String] {
        switch self {
        case .json: return ["application/json"]
        case .csv: return ["text/csv"]
        case .xml: return ["application/xml", "text/xml"]
        }
    }

    /// The format `accept` prefers: for each format, the q of the most specific range that matches
    /// it (type/subtype over type/* over */*), the highest q > 0 winning, ties in the order json, csv,
    /// xml. No header (or an empty one) is JSON; nil when nothing offered is acceptable (406).
    public static func negotiate(_ accept: String?) -> RowFormat? {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .json }
        var ranges: [(type: String, subtype: String, q: Double)] = []
        for item in accept.lowercased().split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let range = parts[0].split(separator: "/", maxSplits: 1).map(String.init)
            guard range.count == 2 else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)).map { min(max($0, 0), 1) } ?? 0
            }
            ranges.append((range[0], range[1], q))
        }
        func quality(_ format: RowFormat) -> Double {
            var best: (specificity: Int, q: Double) = (-1, 0)
            for mediaType in format.mediaTypes {
                let wanted = mediaType.split(separator: "/").map(String.init)
                for range in ranges {
                    let specificity = range.type == wanted[0] && range.subtype == wanted[1] ? 2
                        : range.type == wanted[0] && range.subtype == "*" ? 1 : range.type == "*" && range.subtype == "*" ? 0 : -1
                    if specificity > best.specificity || (specificity == best.specificity && specificity >= 0 && range.q > best.q) {
                        best = (specificity, range.q)
                    }
                }
            }
            return best.specificity < 0 ? 0 : best.q
        }
        var chosen: (format: RowFormat, q: Double)?
        for format in allCases {
            let q = quality(format)
            if q > 0, q > (chosen?.q ?? 0) { chosen = (format, q) }
        }
        return chosen?.format
    }
}

/// The error types of the protocol, as the `X-Road-Error` header names them.
public enum XRoadErrorType: String, Sendable {
    case badRequest = "Client.BadRequest"
    case missingPurpose = "Client.MissingPurpose"
    case missingLegalBasis = "Client.MissingLegalBasis"
    case identityMismatch = "Client.IdentityMismatch"
    case accessDenied = "Client.AccessDenied"
    case legalBasisNotGranted = "Client.LegalBasisNotGranted"
    case grantExpired = "Client.GrantExpired"
    case unknownService = "Client.UnknownService"
    case networkError = "Server.ServerProxy.NetworkError"
    case internalError = "Server.ServerProxy.InternalError"

    public var status: Int {
        switch self {
        case .badRequest, .missingPurpose, .missingLegalBasis: return 400
        case .identityMismatch, .accessDenied, .legalBasisNotGranted, .grantExpired: return 403
        case .unknownService: return 404
        case .networkError, .internalError: return 500
        }
    }
}

/// Errors of connect, as sentences.
public enum ConnectError: UserFacingError, Equatable {
    case invalidArgument(String)
    /// A change the registry's state does not allow (exit 1).
    case refused(String)
    case unknownService(String)
    case badSignature(String)
    /// An error answered by a provider: type, message, HTTP status.
    case provider(type: String, message: String, status: Int)

    public var description: String {
        switch self {
        case let .invalidArgument(text), let .refused(text): return text
        case let .unknownService(code): return "no service \(code) (add it: mgov connect service add \(code) --dataset FILE --key FIELD)"
        case let .badSignature(text): return "response not verified: \(text) (--no-verify-response to accept it anyway)"
        case let .provider(type, message, status): return "\(type) (\(status)): \(message)"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .badSignature, .refused: return .refused
        case let .provider(type, _, _): return type.hasPrefix("Client.") && type != "Client.BadRequest" ? .refused : .failure
        default: return .failure
        }
    }
}
