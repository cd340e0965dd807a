import Foundation
import MGovCore
import MGovCrypto

/// An event signed as a JWS in the flattened JSON serialization (RFC 7515 §7.2.2),
/// one per NDJSON line: `{"protected", "payload", "signature"}`. The protected
/// header holds `alg` (RS256, ES256 or EdDSA) and `kid`, the signer's certificate
/// serial in hex, as MLog expects; the payload is the event's RFC 8785 JSON.
public enum SignedEvent {
    public static func sign(_ fields: [String: AuditValue], key: PrivateKey, certificateSerial: String) throws -> String {
        let payload = Base64URL.encode(CanonicalJSON.encode(fields))
        let algorithm = try JWSAlgorithm.forKey(key.algorithm)
        let header = Base64URL.encode(CanonicalJSON.encode(["alg": .string(algorithm.rawValue), "kid": .string(certificateSerial.lowercased())]))
        let (_, signature) = try key.signJWS(Data("\(header).\(payload)".utf8))
        return String(decoding: CanonicalJSON.encode(["protected": .string(header), "payload": .string(payload),
                                                      "signature": .string(Base64URL.encode(signature))]), as: UTF8.self)
    }

    /// One line of a /register body: a signed or an unsigned event.
    public struct Parsed: Sendable {
        public let event: LogEvent
        /// The signature in compact form with a detached payload (`header..signature`) when the
        /// payload is the event's canonical JSON, else the whole compact JWS; nil when unsigned.
        public let signature: String?
    }

    /// Reads a line; a signed one is checked against `signer` (the client's certificate).
    public static func parse(_ line: Data, signer: Certificate?) throws -> Parsed {
        let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any]
        guard let object, let protected = object["protected"] as? String, let payload = object["payload"] as? String,
              let signature = object["signature"] as? String, object.count == 3 else {
            return Parsed(event: try LogEvent(json: line), signature: nil)
        }
        guard let headerData = Base64URL.decode(protected),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
              let algorithmName = header["alg"] as? String, let kid = header["kid"] as? String else {
            throw LogError.invalidJSON("the JWS protected header is not JSON with alg and kid")
        }
        guard let algorithm = JWSAlgorithm(rawValue: algorithmName) else {
            throw LogError.signatureRejected("the JWS algorithm \(algorithmName) is not accepted (RS256, ES256, EdDSA)")
        }
        guard let signer else { throw LogError.signatureRejected("a signed event needs a client certificate to check it against") }
        guard normalizedSerial(kid) == normalizedSerial(signer.serialHex) else {
            throw LogError.signatureRejected("the event was signed by certificate \(kid), not by the client's certificate \(signer.serialHex)")
        }
        guard let signatureBytes = Base64URL.decode(signature),
              try signer.publicKey().verifyJWS(algorithm, signature: signatureBytes, message: Data("\(protected).\(payload)".utf8)) else {
            throw LogError.signatureRejected("the event's signature does not verify with the client's certificate")
        }
        guard let payloadData = Base64URL.decode(payload) else { throw LogError.invalidJSON("the JWS payload is not base64url") }
        let event = try LogEvent(json: payloadData)
        let detached = CanonicalJSON.encode(event.fields) == payloadData
        return Parsed(event: event, signature: detached ? "\(protected)..\(signature)" : "\(protected).\(payload).\(signature)")
    }

    static func normalizedSerial(_ text: String) -> String {
        let hex = text.lowercased().filter { $0 != ":" }
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}
