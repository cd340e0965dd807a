import Foundation

/// Who owns, shares or reads a document, as MDocs writes principals:
/// `urn:md:idnp:<13 digits>` (a person), `urn:md:idno:<13 digits>` (an organisation),
/// `urn:md:system:<uuid>` (an information system), or `urn:public` (anyone).
public struct Principal: Sendable, Hashable, CustomStringConvertible, Codable {
    public let urn: String

    public init(_ text: String) throws {
        let lower = text.lowercased()
        if lower == "urn:public" {
            urn = "urn:public"
            return
        }
        for kind in ["idnp", "idno"] where lower.hasPrefix("urn:md:\(kind):") {
            let code = String(text.dropFirst("urn:md:\(kind):".count))
            guard code.count == 13, code.allSatisfy(\.isASCIIDigit) else {
                throw DocsError.invalidPrincipal(text, reason: "an \(kind.uppercased()) has 13 digits")
            }
            urn = "urn:md:\(kind):\(code)"
            return
        }
        if lower.hasPrefix("urn:md:system:") {
            let id = String(text.dropFirst("urn:md:system:".count))
            guard let uuid = UUID(uuidString: id) else { throw DocsError.invalidPrincipal(text, reason: "a system is named by a UUID") }
            urn = "urn:md:system:\(uuid.uuidString.lowercased())"
            return
        }
        throw DocsError.invalidPrincipal(text, reason: "use urn:md:idnp:<13 digits>, urn:md:idno:<13 digits>, urn:md:system:<uuid> or urn:public")
    }

    public static let everyone = try! Principal("urn:public")  // safe: a constant that parses

    /// The personal identifier (IDNP) when the principal is a person: audit events name it as subject.
    public var idnp: String? { urn.hasPrefix("urn:md:idnp:") ? String(urn.dropFirst("urn:md:idnp:".count)) : nil }

    public var description: String { urn }

    public init(from decoder: Decoder) throws { try self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(urn)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
