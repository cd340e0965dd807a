import Foundation
import MGovCore

/// The formats `mgov log export` writes, one record per entry.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// One JSON object per line: `{"seq", "logged_at", "leaf_hash", "event"}`.
    case ndjson
    /// RFC 5424 syslog lines, facility 13 (log audit), structured data `mlog@32473`.
    case syslog
    /// ArcSight Common Event Format, version 0.
    case cef
    /// OpenTelemetry log records: one OTLP/JSON `ExportLogsServiceRequest` per line,
    /// up to 1,000 records each (the OpenTelemetry Collector's file format).
    case otel

    public init(name: String) throws {
        guard let format = ExportFormat(rawValue: name) else { throw LogError.unknownFormat(name) }
        self = format
    }
}

/// Turns entries into lines of an export format.
public struct LogExporter {
    public let format: ExportFormat
    private var pendingRecords: [String] = []

    public init(format: ExportFormat) { self.format = format }

    /// The lines for one entry (none while an OTLP batch is filling).
    public mutating func lines(for entry: LogEntry) -> [String] {
        let event = entry.event
        switch format {
        case .ndjson:
            return [Self.ndjson(entry, event)]
        case .syslog:
            return [Self.syslog(entry, event)]
        case .cef:
            return [Self.cef(entry, event)]
        case .otel:
            pendingRecords.append(Self.otelRecord(entry, event))
            return pendingRecords.count >= 1_000 ? flush() : []
        }
    }

    /// What is left when the entries end.
    public mutating func flush() -> [String] {
        guard format == .otel, !pendingRecords.isEmpty else { return [] }
        let records = pendingRecords.joined(separator: ",")
        pendingRecords.removeAll()
        let resource = #"{"attributes":[{"key":"service.name","value":{"stringValue":"mgov"}},{"key":"service.version","value":{"stringValue":"\#(MGovVersion.string)"}}]}"#
        return [#"{"resourceLogs":[{"resource":\#(resource),"scopeLogs":[{"scope":{"name":"mgov.log"},"logRecords":[\#(records)]}]}]}"#]
    }

    static func ndjson(_ entry: LogEntry, _ event: [String: AuditValue]) -> String {
        let eventJSON = String(decoding: CanonicalJSON.encode(event), as: UTF8.self)
        return #"{"event":\#(eventJSON),"leaf_hash":"\#(Hex.encode(entry.leafHash))","logged_at":"\#(entry.loggedAt)","seq":\#(entry.seq)}"#
    }

    // MARK: syslog (RFC 5424)

    /// Severity from `event_level` (MLog's levels, case-insensitive); Informational otherwise.
    static func severity(_ level: String?) -> (syslog: Int, cef: Int, otel: Int, text: String) {
        switch level?.lowercased() {
        case "trace": return (7, 1, 1, "TRACE")
        case "debug": return (7, 2, 5, "DEBUG")
        case "warning", "warn": return (4, 6, 13, "WARN")
        case "error": return (3, 8, 17, "ERROR")
        case "critical", "fatal": return (2, 10, 21, "FATAL")
        default: return (6, 3, 9, "INFO")
        }
    }

    static func syslog(_ entry: LogEntry, _ event: [String: AuditValue]) -> String {
        let value = { (name: String) -> String? in entry.value(name) }
        let priority = 13 * 8 + severity(value("event_level")).syslog
        let timestamp = value("event_time") ?? entry.loggedAt
        let type = value("event_type") ?? "-"
        let msgid = printableASCII(type, limit: 32)
        var parameters = [#"seq="\#(entry.seq)""#, #"leaf_hash="\#(Hex.encode(entry.leafHash))""#]
        for key in event.keys.sorted() where key != "event_time" && key != "event_message" {
            // SD-NAME: 1-32 printable ASCII characters except '=', ' ', ']' and '"'.
            let name = printableASCII(key, limit: 32).filter { $0 != "=" }
            parameters.append("\(name)=\"\(escapeParameter(value(key) ?? ""))\"")
        }
        let message = value("event_message") ?? type
        let bom = message.unicodeScalars.allSatisfy(\.isASCII) ? "" : "\u{FEFF}"
        let host = printableASCII(value("event_source") ?? "-", limit: 255)
        return "<\(priority)>1 \(timestamp) \(host) mgov - \(msgid) [mlog@32473 \(parameters.joined(separator: " "))] \(bom)\(singleLine(message))"
    }

    static func printableASCII(_ text: String, limit: Int) -> String {
        let kept = text.unicodeScalars.filter { $0.value > 32 && $0.value < 127 && $0 != "\"" && $0 != "]" }
        let result = String(String.UnicodeScalarView(kept.prefix(limit)))
        return result.isEmpty ? "-" : result
    }

    static func escapeParameter(_ text: String) -> String {
        var out = ""
        for c in singleLine(text) {
            if c == "\"" || c == "\\" || c == "]" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    // MARK: CEF

    static func cef(_ entry: LogEntry, _ event: [String: AuditValue]) -> String {
        let value = { (name: String) -> String? in entry.value(name) }
        let type = value("event_type") ?? "unknown"
        let name = value("event_message") ?? type
        let header = ["CEF:0", "mgov", "mgov", MGovVersion.string, type, name, String(severity(value("event_level")).cef)]
            .enumerated().map { $0.offset == 0 ? $0.element : cefHeader($0.element) }.joined(separator: "|")
        var extensions: [(String, String)] = [("externalId", String(entry.seq))]
        if let time = value("event_time").flatMap(Timestamp.parse) {
            extensions.append(("rt", String(Int64((time.timeIntervalSince1970 * 1000).rounded()))))
        }
        // The source user is the person a request was made for (`user`) or, for an operator's
        // command, the OS account that ran it. That account is in cs6 as well, with whoever reached
        // it through sudo, so neither is lost when the event names a user too.
        let account = value("os_user").map { user in value("os_sudo_user").map { "\(user) (sudo from \($0))" } ?? user }
        let mapped: [(key: String, value: String?)] = [
            ("suser", value("user") ?? value("os_user")), ("duser", value("subject")), ("dvchost", value("event_source")),
            ("cs1", value("event_id")), ("cs2", value("legal_basis")), ("cs3", value("legal_reason")),
            ("fname", value("object")), ("cs4", value("event_correlation")), ("cs6", account),
        ]
        let labels = ["cs1": "eventId", "cs2": "legalBasis", "cs3": "legalReason", "cs4": "correlation", "cs6": "osAccount"]
        for (key, v) in mapped {
            guard let v else { continue }
            extensions.append((key, v))
            if let label = labels[key] { extensions.append((key + "Label", label)) }
        }
        extensions.append(("cs5", Hex.encode(entry.leafHash)))
        extensions.append(("cs5Label", "leafHash"))
        if let message = value("event_message") { extensions.append(("msg", message)) }
        let ext = extensions.map { "\($0.0)=\(cefExtension($0.1))" }.joined(separator: " ")
        return header + "|" + ext
    }

    static func cefHeader(_ text: String) -> String {
        singleLine(text).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
    }

    static func cefExtension(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "=", with: "\\=")
            .replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    // MARK: OpenTelemetry

    static func otelRecord(_ entry: LogEntry, _ event: [String: AuditValue]) -> String {
        let value = { (name: String) -> String? in entry.value(name) }
        // Unsigned nanoseconds since 1970 (OTLP's fixed64): a time before 1970 or after 2554 has
        // none, and goes out as 0, OTLP's "unknown" (it overflowed and trapped before).
        let nanos = { (text: String?) -> String in
            guard let date = text.flatMap(Timestamp.parse) else { return "0" }
            let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
            guard milliseconds >= 0, milliseconds < Double(UInt64.max / 1_000_000) else { return "0" }
            return String(UInt64(milliseconds) * 1_000_000)
        }
        let level = severity(value("event_level"))
        var attributes = [otelAttribute("log.seq", .string(String(entry.seq))),
                          otelAttribute("log.leaf_hash", .string(Hex.encode(entry.leafHash)))]
        for key in event.keys.sorted(by: CanonicalJSON.keyOrder) where key != "event_message" {
            if let v = event[key] { attributes.append(otelAttribute(key == "event_type" ? "event.name" : key, v)) }
        }
        let body = CanonicalJSON.quote(value("event_message") ?? value("event_type") ?? "")
        return #"{"timeUnixNano":"\#(nanos(value("event_time")))","observedTimeUnixNano":"\#(nanos(entry.loggedAt))","severityNumber":\#(level.otel),"severityText":"\#(level.text)","body":{"stringValue":\#(body)},"attributes":[\#(attributes.joined(separator: ","))]}"#
    }

    static func otelAttribute(_ key: String, _ value: AuditValue) -> String {
        switch value {
        case .string(let s):
            return #"{"key":\#(CanonicalJSON.quote(key)),"value":{"stringValue":\#(CanonicalJSON.quote(s))}}"#
        case .array(let items):
            let values = items.map { #"{"stringValue":\#(CanonicalJSON.quote($0))}"# }.joined(separator: ",")
            return #"{"key":\#(CanonicalJSON.quote(key)),"value":{"arrayValue":{"values":[\#(values)]}}}"#
        }
    }
}
