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

    /// Personal-data events can be listed per data subject: those whose type says so
    /// (`X.PersonalData.Access`, `...Export`, ...), and those whose subject is a person
    /// (`subject_type` `idnp`), such as a provider's answer about the person it looked up.
    public var isPersonalData: Bool {
        Self.isPersonalDataType(type) || fields["subject_type"] == .string("idnp")
    }

    /// A `PersonalData` part between dots (read without splitting: every event is asked).
    public static func isPersonalDataType(_ type: String) -> Bool {
        var type = type
        return type.withUTF8 { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ".") { end += 1 }
                if end - start == personalData.count, personalData.indices.allSatisfy({ bytes[start + $0] == personalData[$0] }) { return true }
                start = end + 1
            }
            return false
        }
    }

    private static let personalData = Array("PersonalData".utf8)

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
        try self.init(checking: raw, timeIsNormalised: false)
    }

    /// `timeIsNormalised`: `event_time` was written by `Timestamp.format` (an `AuditEvent`'s), so it
    /// is not parsed and written again (a server logs thousands of events a second).
    private init(checking raw: [String: AuditValue], timeIsNormalised: Bool) throws {
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
        if !timeIsNormalised {
            guard let date = Timestamp.parse(time) else { throw LogError.invalidTime(time) }
            fields["event_time"] = .string(Timestamp.format(date))
        }
        self.fields = fields
        let size = CanonicalJSON.encodedLength(fields)
        guard size <= Self.maximumEventBytes else { throw LogError.eventTooLarge(bytes: size) }
    }

    public init(_ event: AuditEvent) throws {
        var fields = event.fields
        fields["event_type"] = .string(event.type)
        fields["event_time"] = .string(Timestamp.format(event.time))
        try self.init(checking: fields, timeIsNormalised: true)
    }

    /// Parses one JSON object: strings stay strings, numbers and booleans become
    /// their JSON text, objects their compact JSON (keys sorted), `null` drops the field.
    /// (JSONSerialization, not JSONDecoder: it is three times faster on this hot path.)
    public init(json: Data) throws {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            throw LogError.invalidJSON(Self.describe(error))
        }
        guard let members = parsed as? [String: Any] else { throw LogError.invalidJSON("an event must be a JSON object") }
        // JSON lets a name appear twice and parsers disagree on which value wins: an audit event
        // must say one thing (here the parser kept one of two, silently).
        guard Self.memberNameCount(json) == members.count else { throw LogError.invalidJSON("a member name appears twice in the event") }
        var fields: [String: AuditValue] = [:]
        fields.reserveCapacity(members.count)
        for (name, member) in members {
            if let text = member as? String {
                fields[name] = .string(text)
            } else if member is NSNull {
                continue
            } else if let items = member as? [Any] {
                fields[name] = .array(items.map(FieldText.scalar))
            } else {
                fields[name] = .string(FieldText.scalar(member))
            }
        }
        try self.init(fields: fields)
    }

    /// How many members the top-level object of valid JSON `json` names, duplicates included.
    static func memberNameCount(_ json: Data) -> Int {
        json.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int in
            var depth = 0, count = 0
            var inString = false, escaped = false, expectName = false
            for byte in bytes {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    if depth == 1, expectName { count += 1; expectName = false }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth == 1 { expectName = byte == UInt8(ascii: "{") }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 1 { expectName = true }
                default:
                    break
                }
            }
            return count
        }
    }

    /// Parses NDJSON: one event per non-blank line. The whole batch is checked
    /// before anything is returned; the first bad line is named. Lines are parsed
    /// on all cores, in chunks, and put back in order.
    public static func batch(ndjson data: Data) throws -> [LogEvent] {
        var found: [(number: Int, range: Range<Int>)] = []
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var start = 0
            var number = 0
            while start < buffer.count {
                number += 1
                var end = start
                var blank = true
                while end < buffer.count, buffer[end] != 0x0A {
                    if blank, buffer[end] != 0x20, buffer[end] != 0x09, buffer[end] != 0x0D { blank = false }
                    end += 1
                }
                if !blank { found.append((number, start..<end)) }
                start = end + 1
            }
        }
        let lines = found
        guard !lines.isEmpty else { throw LogError.emptyBatch }
        let chunkSize = 2_048
        let chunkCount = (lines.count + chunkSize - 1) / chunkSize
        let results = ConcurrentSlots<Result<[LogEvent], LogError>>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            var events: [LogEvent] = []
            events.reserveCapacity(chunkSize)
            for (number, range) in lines[(chunk * chunkSize)..<min(lines.count, (chunk + 1) * chunkSize)] {
                do {
                    if range.count > maximumEventBytes * 2 { throw LogError.eventTooLarge(bytes: range.count) }
                    events.append(try LogEvent(json: data.subdata(in: range)))
                } catch let error as LogError {
                    results[chunk] = .failure(.badLine(number, error))
                    return
                } catch {
                    results[chunk] = .failure(.badLine(number, .invalidJSON("unreadable")))
                    return
                }
            }
            results[chunk] = .success(events)
        }
        var events: [LogEvent] = []
        events.reserveCapacity(lines.count)
        for chunk in 0..<chunkCount {
            switch results[chunk] {
            case .success(let part)?: events.append(contentsOf: part)
            case .failure(let error)?: throw error
            case nil: throw LogError.invalidJSON("internal error: a chunk was not parsed")
            }
        }
        return events
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
        var parts = 1
        var atPartStart = true
        var count = 0
        for c in type.utf8 {
            count += 1
            let letter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            if c == UInt8(ascii: ".") {
                if atPartStart { return false }
                parts += 1
                atPartStart = true
            } else if atPartStart {
                guard letter else { return false }
                atPartStart = false
            } else {
                guard letter || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_") else { return false }
            }
        }
        return parts >= 3 && !atPartStart && count <= 256
    }

    private static func describe(_ error: Error) -> String {
        let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        return detail ?? "not valid JSON"
    }
}

/// JSON values as MLog keeps a non-string field: their JSON text.
enum FieldText {
    /// Strings as they are; anything else as compact JSON with sorted keys.
    static func scalar(_ value: Any) -> String {
        if let text = value as? String { return text }
        return compact(value)
    }

    static func compact(_ value: Any) -> String {
        switch value {
        case let text as String:
            return CanonicalJSON.quote(text)
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumbers of C type 'c'.
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        case let items as [Any]:
            return "[" + items.map(compact).joined(separator: ",") + "]"
        case let members as [String: Any]:
            return "{" + members.sorted { CanonicalJSON.keyOrder($0.key, $1.key) }
                .map { CanonicalJSON.quote($0.key) + ":" + compact($0.value) }
                .joined(separator: ",") + "}"
        default:
            return "null"
        }
    }
}
