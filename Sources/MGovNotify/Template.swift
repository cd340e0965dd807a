import Foundation

/// The channel kinds a template is written for and a channel delivers.
public enum ChannelKind: String, Codable, Sendable, CaseIterable {
    case email, sms, webhook
}

/// The languages MNotify texts come in; Romanian is required.
public enum Language: String, Codable, Sendable, CaseIterable {
    case ro, ru, en
}

/// One language's texts of a template.
public struct TemplateText: Codable, Sendable, Equatable {
    public let lang: Language
    public var subject: String?
    public var body: String
    /// The short body, sent by SMS channels instead of the body.
    public var short: String?

    public init(lang: Language, subject: String?, body: String, short: String?) {
        self.lang = lang
        self.subject = subject
        self.body = body
        self.short = short
    }
}

/// A notification template: a code, a channel kind and texts per language.
public struct Template: Codable, Sendable, Equatable {
    public let code: String
    public let kind: ChannelKind
    public var texts: [TemplateText]
    public let createdAt: String

    enum CodingKeys: String, CodingKey { case code, kind, texts, createdAt = "created_at" }

    /// The text in `lang`, else Romanian (always present).
    public func text(_ lang: Language) -> TemplateText? {
        texts.first { $0.lang == lang } ?? texts.first { $0.lang == .ro }
    }

    /// Every variable any text uses, sorted.
    public var variables: [String] {
        Set(texts.flatMap { [$0.subject, $0.body, $0.short].compactMap { $0 }.flatMap { (try? Placeholders.names(in: $0)) ?? [] } }).sorted()
    }
}

/// What one recipient is sent, after rendering.
public struct RenderedText: Codable, Sendable, Equatable {
    public let lang: Language
    public let subject: String?
    public let body: String
    public let html: Bool

    public init(lang: Language, subject: String?, body: String, html: Bool) {
        self.lang = lang
        self.subject = subject
        self.body = body
        self.html = html
    }
}

/// `{{Name}}` placeholders: names of letters, digits, `_`, `.` and `-`, spaces inside the braces allowed.
public enum Placeholders {
    enum Piece { case text(Substring), name(String) }

    static func pieces(_ text: String) throws -> [Piece] {
        var pieces: [Piece] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            pieces.append(.text(rest[..<open.lowerBound]))
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw NotifyError.invalidArgument("a '{{' is not closed by '}}' in \"\(text.prefix(60))\"")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 64,
                  name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0) }) else {
                throw NotifyError.invalidArgument("'{{\(name)}}' is not a variable: names have letters, digits, '_', '.', '-'")
            }
            pieces.append(.name(name))
            rest = rest[close.upperBound...]
        }
        pieces.append(.text(rest))
        return pieces
    }

    /// The variable names `text` uses, in order of first use.
    public static func names(in text: String) throws -> [String] {
        var seen: [String] = []
        for case let .name(name) in try pieces(text) where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// Fills the placeholders; a missing variable is an error, never an empty hole.
    public static func fill(_ text: String, _ variables: [String: String], escapeHTML: Bool, recipient: String) throws -> String {
        var out = ""
        for piece in try pieces(text) {
            switch piece {
            case .text(let t): out += t
            case .name(let name):
                guard let value = variables[name] else { throw NotifyError.missingVariable(name, recipient: recipient) }
                out += escapeHTML ? HTML.escape(value) : value
            }
        }
        return out
    }
}

public enum HTML {
    /// True when a body holds HTML markup (a tag), so it goes out as text/html with escaped variables.
    public static func looksLikeHTML(_ text: String) -> Bool {
        text.range(of: #"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>"#, options: .regularExpression) != nil
    }

    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// How an SMS text splits into segments: GSM 03.38 (7-bit) when every character is in its
/// alphabet (160 per message, 153 per part; the extension characters count twice), else UCS-2
/// (70, 67 per part; characters outside the BMP count twice).
public struct SMSSegments: Codable, Sendable, Equatable {
    public let encoding: String
    /// Length in the encoding's units (septets or 16-bit code units).
    public let units: Int
    public let segments: Int
    /// At most this many parts are sent; longer texts are refused.
    public static let maximumSegments = 10

    static let gsmBasic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà".unicodeScalars)
    static let gsmExtension: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)

    public init(_ text: String) {
        if text.unicodeScalars.allSatisfy({ Self.gsmBasic.contains($0) || Self.gsmExtension.contains($0) }) {
            encoding = "GSM-7"
            units = text.unicodeScalars.reduce(0) { $0 + (Self.gsmExtension.contains($1) ? 2 : 1) }
            segments = units == 0 ? 1 : units <= 160 ? 1 : (units + 152) / 153
        } else {
            encoding = "UCS-2"
            units = text.utf16.count
            segments = units <= 70 ? 1 : (units + 66) / 67
        }
    }

    public var summary: String {
        "\(units) \(encoding == "GSM-7" ? "GSM-7 characters" : "UCS-2 units"), \(segments) segment\(segments == 1 ? "" : "s") (\(encoding == "GSM-7" ? "160/153" : "70/67") per segment)"
    }
}

extension Template {
    /// Renders the text for `lang` with `variables`. E-mail bodies with markup are HTML and get
    /// their variables escaped; SMS channels send the short body when there is one.
    public func render(lang: Language, variables: [String: String], recipient: String) throws -> RenderedText {
        guard let text = text(lang) else { throw NotifyError.invalidArgument("template \(code) has no Romanian text") }
        let html = kind == .email && HTML.looksLikeHTML(text.body)
        let source = kind == .sms ? (text.short ?? text.body) : text.body
        let body = try Placeholders.fill(source, variables, escapeHTML: html, recipient: recipient)
        let subject = try text.subject.map { try Placeholders.fill($0, variables, escapeHTML: false, recipient: recipient) }
        if let subject, subject.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw NotifyError.invalidArgument("the subject for \(recipient) would contain a line break (check the variables)")
        }
        if kind == .sms {
            let segments = SMSSegments(body)
            guard segments.segments <= SMSSegments.maximumSegments else {
                throw NotifyError.invalidArgument("the SMS for \(recipient) is \(segments.summary); at most \(SMSSegments.maximumSegments) segments are sent")
            }
        }
        return RenderedText(lang: text.lang, subject: subject, body: body, html: html)
    }

    /// Warnings about a text as MNotify documents its limits.
    public static func warnings(kind: ChannelKind, subject: String?, body: String, short: String?) -> [String] {
        var warnings: [String] = []
        if let subject, subject.count > 78 { warnings.append("the subject has \(subject.count) characters; mail clients show about 78") }
        if kind == .sms { warnings.append("SMS: " + SMSSegments(short ?? body).summary + " before variables are filled") }
        return warnings
    }
}
