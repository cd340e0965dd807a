import Foundation
import MGovCore

/// An event in MLog's schema, validated: `event_type` (`System.X.Y`) and
/// `event_time` are present, names are allowed, sizes are within MLog's limits.
///
/// Every field is a string or an array of strings (MLog keeps any other field
/// as a string). `event_time` is kept normalised to UTC with milliseconds.
public struct LogEvent: Sendable, Equatable {
    public private(set) var fields: [String: AuditValue]

    /// MLog's limits: a string field holds at most 32,766 bytes; one event at most 256 KB.
    public static let maximumFieldBytes = 32_766
    public static let maximumEventBytes = 256 * 1024
    /// The fields MLog names; any other (allowed) name is kept too.
    public static let knownFields: Set<String> = [
        "event_time", "event_type", "event_id", "event_correlation", "event_level", "event_source",
        "event_message", "event_details", "legal_entity", "legal_basis", "legal_reason", "user",
        "user_session", "user_address", "subject", "subject_type", "subject_name", "object",
        "object_type", "object_name",
    ]

    public var type: String {
        if case .string(let t)? = fields["event_type"] { return t }
        return ""
    }

    public var time: String {
        if case .string(let t)? = fields["event_time"] { return t }
        return ""
    }

    /// Personal-data events (`X.PersonalData.Access`, `...Export`, ...) can be
    /// listed per data subject.
    public var isPersonalData: Bool { Self.isPersonalDataType(type) }

    public static func isPersonalDataType(_ type: String) -> Bool {
        type.split(separator: ".").contains("PersonalData")
    }

    /// The values of a field (one for a string, all for an array).
    public func values(_ name: String) -> [String] {
        switch fields[name] {
        case .string(let s)?: return [s]
        case .array(let a)?: return a
        case nil: return []
        }
    }

    /// Validates raw fields; `event_time` is normalised.
    public init(fields raw: [String: AuditValue]) throws {
        var fields = raw
        for (name, value) in raw {
            try Self.checkName(name)
            switch value {
            case .string(let s): try Self.checkSize(name, s)
            case .array(let items): for item in items { try Self.checkSize(name, item) }
            }
        }
        guard let typeValue = raw["event_type"] else { throw LogError.missingField("event_type") }
        guard case .string(let type) = typeValue else { throw LogError.invalidField("event_type", "must be a single string") }
        guard Self.isValidType(type) else { throw LogError.invalidType(type) }
        guard let timeValue = raw["event_time"] else { throw LogError.missingField("event_time") }
        guard case .string(let time) = timeValue else { throw LogError.invalidField("event_time", "must be a single string") }
        guard let date = Timestamp.parse(time) else { throw LogError.invalidTime(time) }
        fields["event_time"] = .string(Timestamp.format(date))
        self.fields = fields
        let size = CanonicalJSON.encode(fields).count
        guard size <= Self.maximumEventBytes else { throw LogError.eventTooLarge(bytes: size) }
    }

    public init(_ event: AuditEvent) throws {
        var fields = event.fields
        fields["event_type"] = .string(event.type)
        fields["event_time"] = .string(Timestamp.format(event.time))
        try self.init(fields: fields)
    }

    /// Parses one JSON object: strings stay strings, numbers and booleans become
    /// their JSON text, objects their compact JSON, `null` drops the field.
    public init(json: Data) throws {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: json)
        } catch {
            throw LogError.invalidJSON(Self.describe(error))
        }
        guard case .object(let members) = value else { throw LogError.invalidJSON("an event must be a JSON object") }
        var fields: [String: AuditValue] = [:]
        for (name, member) in members {
            switch member {
            case .null: continue
            case .array(let items): fields[name] = .array(items.map(\.scalarText))
            default: fields[name] = .string(member.scalarText)
            }
        }
        try self.init(fields: fields)
    }

    static func checkName(_ name: String) throws {
        if name.hasPrefix("_") || name.hasPrefix("@") { throw LogError.reservedName(name) }
        let allowed = !name.isEmpty && name.utf8.count <= 128 && name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        }
        guard allowed else { throw LogError.invalidName(name) }
    }

    static func checkSize(_ name: String, _ value: String) throws {
        let bytes = value.utf8.count
        guard bytes <= maximumFieldBytes else { throw LogError.fieldTooLarge(name, bytes: bytes) }
    }

    /// `System.X.Y`: three or more dot-separated names of letters, digits and `_`, each starting with a letter.
    static func isValidType(_ type: String) -> Bool {
        let parts = type.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, type.utf8.count <= 256 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.utf8.first, (first >= 0x41 && first <= 0x5A) || (first >= 0x61 && first <= 0x7A) else { return false }
            return part.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
            }
        }
    }

    private static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?, let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
                return detail
            }
            return context.debugDescription
        }
        return "not valid JSON"
    }
}

/// Any JSON value, decoded without losing the difference between `true` and `1`.
enum JSONValue: Decodable {
    case string(String), bool(Bool), integer(Int64), number(Double), null
    case array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let v = try? container.decode(String.self) { self = .string(v); return }
        if let v = try? container.decode(Bool.self) { self = .bool(v); return }
        if let v = try? container.decode(Int64.self) { self = .integer(v); return }
        if let v = try? container.decode(Double.self) { self = .number(v); return }
        if let v = try? container.decode([JSONValue].self) { self = .array(v); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    /// The value as MLog keeps a non-string field: its JSON text (strings as they are).
    var scalarText: String {
        switch self {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .object: return jsonText
        }
    }

    /// Compact JSON with sorted keys.
    var jsonText: String {
        switch self {
        case .string(let s): return CanonicalJSON.quote(s)
        case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.sorted { CanonicalJSON.keyOrder($0.key, $1.key) }
                .map { CanonicalJSON.quote($0.key) + ":" + $0.value.jsonText }
                .joined(separator: ",") + "}"
        default: return scalarText
        }
    }
}
