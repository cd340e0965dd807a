import Foundation
import MGovNet

/// How a channel reaches people, parsed from its URL-style address (in the manner of Apprise):
/// `smtp://[user@]host[:port]?from=ADDRESS[&starttls=1|0][&ca=PEM][&from_name=TEXT]`,
/// `smtps://…` (TLS from the first byte), `webhook+https://host/path`, `sms+https://gateway/path`.
/// Secrets (SMTP password, gateway token, webhook key) are kept apart from the address.
public struct ChannelSettings: Codable, Sendable, Equatable {
    public let kind: ChannelKind
    /// The address without any secret, as the user wrote it.
    public let url: String
    public var smtp: SMTPSettings?
    /// The HTTP(S) URL a webhook or SMS gateway request goes to.
    public var target: String?
    public var sms: SMSRequestTemplate?

    public init(url: String, sms: SMSRequestTemplate? = nil) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw NotifyError.invalidArgument("'\(url)' is not a channel address: write smtp://host:port?from=…, smtps://…, webhook+https://… or sms+https://…")
        }
        if components.password != nil {
            throw NotifyError.invalidArgument("the channel address holds a password; give it with --password-file so it is not stored with the address")
        }
        self.url = url
        switch scheme {
        case "smtp", "smtps":
            kind = .email
            smtp = try SMTPSettings(components, implicitTLS: scheme == "smtps")
        case "webhook+https", "webhook+http", "sms+https", "sms+http":
            let parts = scheme.split(separator: "+")
            kind = parts[0] == "webhook" ? .webhook : .sms
            var http = components
            http.scheme = String(parts[1])
            guard let target = http.string else { throw NotifyError.invalidArgument("'\(url)' is not a valid address") }
            do { try MutualTLSClient.validate(target) } catch let error as NetError {
                throw NotifyError.invalidArgument("'\(url)' is not a valid address: \(error.reasonText)")
            }
            self.target = target
            if components.user != nil {
                throw NotifyError.invalidArgument("the address holds a user name, which would be stored and listed in the clear: a gateway's token goes in --password-file, a webhook's key in --secret-file")
            }
            if let secret = (components.queryItems ?? []).first(where: { SMSRequestTemplate.namesASecret($0.name) }) {
                throw NotifyError.invalidArgument(kind == .sms
                    ? "the address's query holds a secret ('\(secret.name)'), which would be stored and listed in the clear: put the token in --password-file and send it with --field \(secret.name)={{token}} --encoding query"
                    : "the address's query holds a secret ('\(secret.name)'), which would be stored and listed in the clear: a webhook is signed with its own key (--secret-file)")
            }
            if kind == .sms { self.sms = sms ?? SMSRequestTemplate() }
        default:
            throw NotifyError.invalidArgument("'\(scheme)://' is not a channel kind: use smtp, smtps, webhook+https or sms+https")
        }
        if kind != .sms, sms != nil { throw NotifyError.invalidArgument("--method, --encoding and --field describe SMS gateways only") }
    }

    /// Whether `secret` (the token or password given apart) is written into the address or a
    /// field as well, as it is or percent-encoded: it would then be stored and listed in the clear.
    public func writesOut(_ secret: String) -> Bool {
        guard secret.count >= 4 else { return false }
        let forms = Set([secret, secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret])
        let written = [url] + (sms?.fields.map(\.value) ?? [])
        return written.contains { text in forms.contains { text.contains($0) } || (text.removingPercentEncoding ?? text).contains(secret) }
    }

    /// The address as the audit log records it: the query's values left out (a gateway's
    /// parameters can hold what should not be logged).
    public var loggedURL: String {
        guard var components = URLComponents(string: url), let items = components.queryItems, !items.isEmpty else { return url }
        components.queryItems = items.map { URLQueryItem(name: $0.name, value: $0.value == nil ? nil : "…") }
        return components.string ?? url
    }
}

/// An SMTP server and how to talk to it.
public struct SMTPSettings: Codable, Sendable, Equatable {
    public enum StartTLS: String, Codable, Sendable {
        /// Upgrade when the server offers it; required anyway before AUTH to a non-loopback host.
        case opportunistic
        case required
        case never
    }
    public let host: String
    public let port: Int
    public let implicitTLS: Bool
    public let startTLS: StartTLS
    public let user: String?
    public let from: String
    public let fromName: String?
    /// A PEM file of CA certificates to trust instead of the system's.
    public let caFile: String?
    /// The name given in EHLO.
    public let heloName: String

    init(_ components: URLComponents, implicitTLS: Bool) throws {
        // An IPv6 literal comes bracketed; the resolver wants it bare.
        let written = components.host ?? ""
        host = written.hasPrefix("[") && written.hasSuffix("]") ? String(written.dropFirst().dropLast()) : written
        port = components.port ?? (implicitTLS ? 465 : 25)
        guard (1...65535).contains(port) else { throw NotifyError.invalidArgument("port \(port) is out of range") }
        self.implicitTLS = implicitTLS
        user = components.user.flatMap { $0.removingPercentEncoding ?? $0 }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard query[item.name] == nil else { throw NotifyError.invalidArgument("the channel address names '\(item.name)' twice") }
            query[item.name] = item.value ?? ""
        }
        let known: Set<String> = ["from", "from_name", "starttls", "ca", "helo"]
        if let unknown = query.keys.first(where: { !known.contains($0) }) {
            throw NotifyError.invalidArgument("'\(unknown)' is not an smtp address option (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard let from = query["from"], RecipientAddress.isEmail(from) else {
            throw NotifyError.invalidArgument("an smtp channel needs ?from=ADDRESS, the sender's e-mail address")
        }
        self.from = from
        fromName = query["from_name"]
        switch query["starttls"]?.lowercased() {
        case nil, "": startTLS = implicitTLS ? .never : .opportunistic
        case "1", "yes", "true", "required": startTLS = .required
        case "0", "no", "false", "never": startTLS = .never
        case let other?: throw NotifyError.invalidArgument("starttls=\(other): write starttls=1 (required) or starttls=0 (never)")
        }
        if implicitTLS, startTLS == .required { throw NotifyError.invalidArgument("smtps:// is TLS already; starttls applies to smtp://") }
        if let ca = query["ca"], !FileManager.default.isReadableFile(atPath: ca) { throw NotifyError.invalidArgument("ca=\(ca): no such readable file") }
        caFile = query["ca"]
        let helo = query["helo"] ?? (ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName)
        guard helo.range(of: #"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,252}))\z"#, options: .regularExpression) != nil else {
            throw NotifyError.invalidArgument("helo=\(helo.debugDescription) is not a domain name or address literal")
        }
        heloName = helo
    }

    /// True for 127.0.0.0/8, ::1 and localhost: the only hosts AUTH may go to without TLS.
    public var isLoopback: Bool { ChannelSettings.isLoopback(host) }
}

extension ChannelSettings {
    /// localhost, an IPv4 address in 127.0.0.0/8 or ::1 (addresses parsed, not prefix-matched).
    public static func isLoopback(_ host: String) -> Bool {
        // A URL's IPv6 host may come with its brackets ("[::1]").
        let host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if host == "localhost" { return true }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        if inet_pton(AF_INET6, host, &v6) == 1 { return host == "::1" || host.lowercased() == "0:0:0:0:0:0:0:1" }
        return false
    }
}

/// How an SMS gateway wants its request: method, encoding and fields whose values may use
/// `{{to}}` (E.164), `{{text}}`, `{{id}}` (the message id) and `{{reference}}`.
public struct SMSRequestTemplate: Codable, Sendable, Equatable {
    public enum Encoding: String, Codable, Sendable, CaseIterable { case json, form, query }
    public var method: String
    public var encoding: Encoding
    public var fields: [Field]

    public struct Field: Codable, Sendable, Equatable {
        public let name: String
        public let value: String
    }

    public init(method: String = "POST", encoding: Encoding = .json, fields: [(String, String)] = [("to", "{{to}}"), ("text", "{{text}}")]) {
        self.method = method.uppercased()
        self.encoding = encoding
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    /// `token` is the channel's secret (--password-file): a gateway that wants it in a field or the
    /// query gets it there, filled in at send time, and then no Authorization header.
    public static let variables: Set<String> = ["to", "text", "id", "reference", "token"]

    /// Whether a field or query parameter of this name carries a credential (token, api_key, password, …).
    public static func namesASecret(_ name: String) -> Bool {
        let folded = name.lowercased().filter { $0.isLetter }
        if ["key", "pass", "pwd", "sig"].contains(folded) { return true }
        return ["token", "secret", "passw", "passwd", "apikey", "accesskey", "appkey", "privatekey", "clientkey", "auth", "bearer",
                "session", "credential", "signature", "cookie"].contains { folded.contains($0) }
            || folded.hasSuffix("key")
    }

    /// The channel's token goes in a field rather than an Authorization header.
    public var sendsTokenInAField: Bool { fields.contains { ((try? Placeholders.names(in: $0.value)) ?? []).contains("token") } }

    /// Checks the method and that fields only use the known variables.
    public func validate() throws {
        guard ["GET", "POST", "PUT"].contains(method) else { throw NotifyError.invalidArgument("an SMS gateway request is GET, POST or PUT") }
        if method == "GET", encoding != .query { throw NotifyError.invalidArgument("a GET gateway request sends its fields with --encoding query") }
        guard !fields.isEmpty else { throw NotifyError.invalidArgument("an SMS gateway request needs at least one --field") }
        for field in fields {
            let names = try Placeholders.names(in: field.value)
            for name in names where !Self.variables.contains(name) {
                throw NotifyError.invalidArgument("{{\(name)}} in --field \(field.name) is not known (use \(Self.variables.sorted().map { "{{\($0)}}" }.joined(separator: ", ")))")
            }
            if Self.namesASecret(field.name), names.isEmpty, !field.value.isEmpty {
                throw NotifyError.invalidArgument("--field \(field.name) holds a secret, which would be stored and listed in the clear: put it in --password-file and write --field \(field.name)={{token}}")
            }
        }
    }

    /// The filled fields for one message.
    func fill(_ values: [String: String]) throws -> [(String, String)] {
        try fields.map { ($0.name, try Placeholders.fill($0.value, values, escapeHTML: false, recipient: values["to"] ?? "")) }
    }
}
