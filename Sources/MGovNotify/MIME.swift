import Foundation

/// An e-mail as it goes over SMTP: envelope and an RFC 5322 message with MIME, UTF-8 subjects
/// as RFC 2047 encoded words, CRLF line ends.
public struct OutgoingEmail: Sendable {
    public let from: String
    public let to: String
    public let content: Data

    public struct Parts: Sendable {
        public var from: String
        public var fromName: String?
        public var to: String
        public var subject: String
        public var body: String
        public var html: Bool
        /// The message's stable id (the same on every attempt, so receivers can drop repeats).
        public var messageID: String
        public var date: Date
        public var extraHeaders: [(String, String)] = []

        public init(from: String, fromName: String?, to: String, subject: String, body: String, html: Bool, messageID: String, date: Date) {
            self.from = from
            self.fromName = fromName
            self.to = to
            self.subject = subject
            self.body = body
            self.html = html
            self.messageID = messageID
            self.date = date
        }
    }

    public init(_ parts: Parts) {
        from = parts.from
        to = parts.to
        var headers: [(String, String)] = [
            ("From", parts.fromName.map { "\(MIME.encodePhrase($0)) <\(parts.from)>" } ?? parts.from),
            ("To", parts.to),
            ("Subject", MIME.encodeHeaderText(parts.subject)),
            ("Date", MIME.rfc5322Date(parts.date)),
            ("Message-ID", "<\(parts.messageID)>"),
            ("MIME-Version", "1.0"),
            ("Auto-Submitted", "auto-generated"),
        ]
        headers += parts.extraHeaders
        let body = MIME.normalizeLineEnds(parts.body)
        let ascii = body.utf8.allSatisfy { $0 < 0x80 } && !body.components(separatedBy: "\r\n").contains { $0.utf8.count > 998 }
        headers.append(("Content-Type", "\(parts.html ? "text/html" : "text/plain"); charset=utf-8"))
        headers.append(("Content-Transfer-Encoding", ascii ? "7bit" : "base64"))
        var text = headers.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
        text += ascii ? body : MIME.base64Lines(Data(body.utf8))
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        content = Data(text.utf8)
    }
}

public enum MIME {
    static func normalizeLineEnds(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    static func base64Lines(_ data: Data) -> String {
        let encoded = data.base64EncodedString()
        var out = ""
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            out += encoded[index..<end] + "\r\n"
            index = end
        }
        return out
    }

    /// Header text: as is when printable ASCII, else RFC 2047 `=?UTF-8?B?…?=` words of at most
    /// 75 characters, cut between characters and folded onto continuation lines.
    public static func encodeHeaderText(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) && text.utf8.count <= 900 { return text }
        // 75 - "=?UTF-8?B?".count - "?=".count = 63 base64 characters = 45 bytes of UTF-8 at most.
        var words: [String] = []
        var chunk = Data()
        for character in text {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A display name: quoted when ASCII, encoded words otherwise.
    static func encodePhrase(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) {
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return encodeHeaderText(text)
    }

    /// `Mon, 23 Nov 2026 18:02:12 +0000`, in UTC (by hand: a DateFormatter per message showed in
    /// the dispatcher's profile, and English names are all RFC 5322 allows).
    public static func rfc5322Date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) " +
            "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }

    /// SMTP transparency (RFC 5321 4.5.2): a line starting with "." gets another.
    static func dotStuffed(_ content: Data) -> Data {
        var out = Data(capacity: content.count + 64)
        var atLineStart = true
        for byte in content {
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        return out
    }
}
