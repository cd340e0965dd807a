import ArgumentParser
import Dispatch
import Foundation
import MGovCore
import MGovCrypto
import MGovNotify

struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Templated notifications by e-mail (SMTP), webhook and SMS gateway, through a durable outbox.",
        discussion: """
            A send renders the template for each recipient and puts the messages in the outbox (Pending) in one \
            transaction; then they are delivered at once, or later by 'notify dispatch' with --queue. Statuses: \
            Pending, Sending, Sent (the server took it), Delivered (a webhook receiver confirmed it), Failed \
            (permanent), Retrying (with the next attempt time), Cancelled. Temporary failures (SMTP 4xx, connection \
            refused or lost, HTTP 5xx, 429, 408) are retried with exponential backoff (30 s doubling, at most an hour, \
            with jitter) until the send's deadline (--deadline, 24h by default); permanent ones (SMTP 5xx, other HTTP \
            4xx, a recipient without an address) are not.

            Delivery is at least once. Each message's result is recorded as soon as the server has answered, in \
            the same transaction as its audit event, and a connection sends its next message only after that. A \
            dispatcher uses one SMTP connection for a batch under 20 messages and up to 4 for larger ones (results \
            of concurrent connections share one transaction). So a dispatcher that dies (even by kill -9) leaves at \
            most one message per connection handed over but not recorded, in Sending; the next dispatcher on the \
            host sees the process is gone and sends those again with the same Message-ID, so receivers can drop \
            the copies. No other message is sent twice, and two dispatchers on one home never take the same \
            message. A dispatcher on this host is recognised as stopped by its process id and start time; a live \
            one keeps its claims however long a server takes. A claim from another host lapses 30 minutes after \
            its owner last recorded a result.

            Every send and every status change is an audit event (MNotify.Notification.Created, \
            MNotify.Message.StatusChanged, with the IDNP as subject for people).
            """,
        subcommands: [TemplateGroup.self, ChannelGroup.self, Contacts.self, Send.self, Dispatch.self, Status.self, List.self, Cancel.self]
    )

    static func outbox(_ context: Context) throws -> NotifyStore {
        NotifyStore(store: try context.store(), clock: context.clock, audit: try context.audit())
    }

    /// `k=v` pairs, as --var and --field take them.
    static func pairs(_ items: [String], option: String) throws -> [(String, String)] {
        try items.map { item in
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("--\(option) takes NAME=VALUE, not '\(item)'")
            }
            return (String(item[..<equals]), String(item[item.index(after: equals)...]))
        }
    }

    static func variables(_ items: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in try pairs(items, option: "var") {
            guard result[name] == nil else { throw ValidationError("--var \(name) is given twice") }
            result[name] = value
        }
        return result
    }

    /// TEXT, or the contents of FILE for @FILE.
    static func textOrFile(_ value: String) throws -> String {
        guard value.hasPrefix("@") else { return value }
        let data = try FileSystem.read(String(value.dropFirst()))
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(value.dropFirst()) is not UTF-8 text") }
        return text
    }

    /// `created`: whether `send` made it (false: its reference had been used); nil for what only looks one up.
    static func print(_ notification: NotificationRecord, created: Bool?, _ console: Console) throws {
        if console.isJSON {
            struct Out: Encodable { let notification: NotificationRecord; let created: Bool? }
            try console.json(Out(notification: notification, created: created))
            return
        }
        var lines = ["notification: \(notification.id)\(created == false ? " (already sent with this reference)" : "")",
                     "template:     \(notification.template) over \(notification.channel)"]
        if let reference = notification.reference { lines.append("reference:    \(reference)") }
        lines.append("created:      \(notification.createdAt), retried until \(notification.deadline)")
        let rows: [[String]] = notification.messages.map { m in
            let next: String = m.status == .retrying ? (m.nextAttemptAt ?? "") : ""
            let error: String = m.lastError.map { String($0.prefix(80)) } ?? ""
            return [m.id, m.recipient, m.address ?? "-", m.status.rawValue, String(m.attempts), next, error]
        }
        lines.append(formatTable(["MESSAGE", "RECIPIENT", "ADDRESS", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR"], rows))
        console.out(lines.joined(separator: "\n"))
    }

    // MARK: Templates

    struct TemplateGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "template", abstract: "Notification templates with texts per language.",
            discussion: """
                Texts use {{Name}} variables; a variable without a value is an error at send time, never an empty \
                hole. E-mail bodies with HTML markup go out as text/html and their variables are HTML-escaped. SMS \
                channels send the short text when there is one, else the body; the segment count is shown (GSM-7: 160 \
                characters, 153 per part; UCS-2: 70, 67 per part; at most 10 parts are sent). A subject over 78 \
                characters is warned about.
                """,
            subcommands: [Add.self, List.self, Show.self, Remove.self, Render.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a template, or another language's texts to one.",
                discussion: "A new template starts with its Romanian text; run again with --lang ru or --lang en to add those.")
            @OptionGroup(title: "Global Options") var global: GlobalOptions
            @Argument(help: "The template's code.") var code: String
            @Option(help: "The channel kind: email, sms or webhook.") var kind: ChannelKind
            @Option(help: "The language of these texts: ro, ru or en.") var lang: Language = .ro
            @Option(help: "The subject (e-mail).") var subject: String?
            @Option(help: ArgumentHelp("The body, or @FILE.", valueName: "text")) var body: String
            @Option(help: ArgumentHelp("The short body for SMS, or @FILE.", valueName: "text")) var short: String?

            func run() async throws {
                let context = global.makeContext()
                let text = TemplateText(lang: lang, subject: subject, body: try NotifyCommand.textOrFile(body), short: try short.map(NotifyCommand.textOrFile))
                let outbox = try NotifyCommand.outbox(context)
                let replaced = (try? outbox.template(code))?.texts.contains { $0.lang == lang } == true
                let template = try outbox.saveTemplate(code: code, kind: kind, text: text)
                if replaced { context.console.info("replaced the \(lang.rawValue) text of template \(code)") }
                for warning in Template.warnings(kind: kind, subject: text.subject, body: text.body, short: text.short) { context.console.warn(warning) }
                if context.console.isJSON { try context.console.json(template) } else {
                    context.console.out("template \(code): \(template.texts.map(\.lang.rawValue).joined(separator: ", ")); variables: \(template.variables.joined(separator: ", "))")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List templates.")
            @OptionGroup(title: "Global Options") var global: GlobalOptions

            func run() async throws {
                let context = global.makeContext()
                let templates = try NotifyCommand.outbox(context).templates()
                if context.console.isJSON { try context.console.json(templates); return }
                context.console.out(formatTable(["CODE", "KIND", "LANGUAGES", "VARIABLES"], templates.map {
                    [$0.code, $0.kind.rawValue, $0.texts.map(\.lang.rawValue).joined(separator: ","), $0.variables.joined(separator: ",")]
                }))
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a template's texts.")
            @OptionGroup(title: "Global Options") var global: GlobalOptions
            @Argument(help: "The template's code.") var code: String

            func run() async throws {
                let context = global.makeContext()
                let template = try NotifyCommand.outbox(context).template(code)
                if context.console.isJSON { try context.console.json(template); return }
                var lines = ["code: \(template.code)", "kind: \(template.kind.rawValue)", "variables: \(template.variables.joined(separator: ", "))"]
                for text in template.texts {
                    lines.append("[\(text.lang.rawValue)]")
                    if let subject = text.subject { lines.append("subject: \(subject)") }
                    if let short = text.short { lines.append("short: \(short)") }
                    lines.append(text.body)
                }
                context.console.out(lines.joined(separator: "\n"))
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a template (queued messages keep their texts).")
            @OptionGroup(title: "Global Options") var global: GlobalOptions
            @Argument(help: "The template's code.") var code: String

            func run() async throws {
                let context = global.makeContext()
                try NotifyCommand.outbox(context).removeTemplate(code)
                if context.console.isJSON { try context.console.json(["removed": code]) } else { context.console.info("removed template \(code)") }
            }
        }

        struct Render: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print what a template would send, with these variables.")
            @OptionGroup(title: "Global Options") var global: GlobalOptions
            @Argument(help: "The template's code.") var code: String
            @Option(help: "The language (falls back to ro).") var lang: Language = .ro
            @Option(name: .customLong("var"), help: ArgumentHelp("A variable, NAME=VALUE (repeatable).", valueName: "name=value")) var variables: [String] = []

            func run() async throws {
                let context = global.makeContext()
                let template = try NotifyCommand.outbox(context).template(code)
                let rendered = try template.render(lang: lang, variables: try NotifyCommand.variables(variables), recipient: "the preview")
                let segments = template.kind == .sms ? SMSSegments(rendered.body) : nil
                if context.console.isJSON {
                    struct Out: Encodable { let rendered: RenderedText; let sms: SMSSegments? }
                    try context.console.json(Out(rendered: rendered, sms: segments))
                    return
                }
                if rendered.lang != lang { context.console.warn("no \(lang.rawValue) text; showing \(rendered.lang.rawValue)") }
                if let subject = rendered.subject {
                    if subject.count > 78 { context.console.warn("the subject has \(subject.count) characters; mail clients show about 78") }
                    context.console.out("Subject: \(subject)\n")
                }
                context.console.out(rendered.body)
                if let segments { context.console.info(segments.summary) }
            }
        }
    }

    // MARK: Channels

    struct ChannelGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "channel", abstract: "Where messages go: SMTP servers, webhooks, SMS gateways.",
            subcommands: [Add.self, List.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a channel from a URL-style address.",
                discussion: """
                Addresses:
                  smtp://[USER@]HOST[:PORT]?from=ADDRESS[&from_name=TEXT][&starttls=1|0][&ca=PEM][&helo=NAME]
                  smtps://[USER@]HOST[:PORT]?from=...      TLS from the first byte (port 465)
                  webhook+https://HOST/PATH                 POST of a JSON document per message
                  sms+https://GATEWAY/PATH                  an HTTP SMS gateway (--method, --encoding, --field)
                smtp:// upgrades with STARTTLS when the server offers it; starttls=1 requires it, starttls=0 never \
                uses it. A password is never sent without TLS except to a loopback host. Certificates are checked \
                against the system's CAs, or ca=FILE. Replies the server sends after agreeing to STARTTLS but \
                before the TLS handshake are refused (the STARTTLS injection flaw). Each reply is waited for up to \
                10 minutes (RFC 5321: 5, and 10 after the message's final dot). webhook+http:// and sms+http:// \
                are accepted for loopback hosts only (a local relay, a test receiver): messages carry personal data.

                Secrets stay out of the address: the SMTP password or the gateway's bearer token comes from \
                --password-file. A webhook is signed with a key of its own (--secret-file, else 32 random bytes, \
                printed once as hex): each request carries X-MGov-Signature: sha256=HEX, the HMAC-SHA256 of the body, \
                and the Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature (v1, over \
                ID.TIMESTAMP.BODY), which let a receiver refuse a replay.

                An SMS gateway request is described by --method (POST), --encoding (json: a JSON object; form; query: \
                URL parameters) and --field NAME=VALUE (default to={{to}} and text={{text}}); values may use {{to}}, \
                {{text}}, {{id}}, {{reference}} and {{token}}: the token from --password-file, for a gateway that \
                wants it in a field or the query (then no Authorization header is sent). A token written into the \
                address or a --field by value is refused. A token goes over http:// only to a loopback gateway.
                """)
            @OptionGroup(title: "Global Options") var global: GlobalOptions
            @Argument(help: "The channel's name.") var name: String
            @Argument(help: "The channel's address.") var url: String
            @Option(help: ArgumentHelp("The SMTP password or the gateway's token, from this file.", valueName: "file"), completion: .file()) var passwordFile: String?
            @Option(help: ArgumentHelp("A webhook's signing key, from this file (else one is made).", valueName: "file"), completion: .file()) var secretFile: String?
            @Option(help: "SMS gateway: the HTTP method (GET, POST, PUT).") var method: String?
            @Option(help: "SMS gateway: how fields are sent: json, form or query.") var encoding: SMSRequestTemplate.Encoding?
            @Option(help: ArgumentHelp("SMS gateway: a request field, NAME=VALUE (repeatable).", valueName: "name=value")) var field: [String] = []

            func run() async throws {
                let context = global.makeContext()
                var sms: SMSRequestTemplate?
                if method != nil || encoding != nil || !field.isEmpty {
                    let fields = try NotifyCommand.pairs(field, option: "field")
                    sms = fields.isEmpty ? SMSRequestTemplate(method: method ?? "POST", encoding: encoding ?? .json)
                        : SMSRequestTemplate(method: method ?? "POST", encoding: encoding ?? .json, fields: fields)
                }
                let settings = try ChannelSettings(url: url, sms: sms)
                var secret: Data?
                var madeKey: String?
                switch settings.kind {
                case .webhook:
                    if passwordFile != nil { throw ValidationError("a webhook has a signing key (--secret-file), not a password") }
                    if let secretFile {
                        let key = try FileSystem.read(secretFile)
                        guard key.count >= 16 else { throw ValidationError("a webhook key has at least 16 bytes") }
                        secret = key
                    } else {
                        var rng = SystemRandomNumberGenerator()
                        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
                        secret = Data(key)
                        madeKey = Hex.encode(key)
                    }
                case .email, .sms:
                    if secretFile != nil { throw ValidationError("--secret-file is for webhooks; give passwords with --password-file") }
                    if let passwordFile {
                        let password = try PasswordSource(passwordFile: passwordFile).password(for: "the channel")
                        // An empty file (a variable that was not set) would be stored as the secret, and fail at the first send.
                        guard !password.isEmpty else { throw ValidationError("\(passwordFile) is empty: the channel's password or token goes in it") }
                        secret = Data(password.utf8)
                    }
                    if settings.kind == .email, passwordFile != nil, settings.smtp?.user == nil {
                        throw ValidationError("a password needs a user in the address: smtp://USER@HOST…")
                    }
                }
                try NotifyCommand.outbox(context).addChannel(name: name, settings: settings, secret: secret)
                if context.console.isJSON {
                    struct Out: Encodable { let name: String; let kind: ChannelKind; let url: String; let key: String? }
                    try context.console.json(Out(name: name, kind: settings.kind, url: settings.url, key: madeKey))
                } else if let madeKey {
                    context.console.out(madeKey)
                    context.console.info("channel \(name) added; the line above is its webhook signing key (hex), shown once: give it to the receiver")
                } else {
                    context.console.info("channel \(name) added (\(settings.kind.rawValue))")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List channels (never their secrets).")
            @OptionGroup(title: "Global Options") var global: GlobalOptions

            func run() async throws {
                let context = global.makeContext()
                let channels = try NotifyCommand.outbox(context).channels()
                if context.console.isJSON {
                    struct Out: Encodable { let name: String; let kind: ChannelKind; let url: String; let has_secret: Bool; let created_at: String }
                    try context.console.json(channels.map { Out(name: $0.name, kind: $0.settings.kind, url: $0.settings.url, has_secret: $0.hasSecret, created_at: $0.createdAt) })
                    return
                }
                context.console.out(formatTable(["NAME", "KIND", "ADDRESS", "SECRET"], channels.map {
                    [$0.name, $0.settings.kind.rawValue, $0.settings.url, $0.hasSecret ? "yes" : "no"]
                }))
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a channel no unsent message needs.",
                                                            discussion: "Exit codes: 0 removed; 1 refused (messages still wait for the channel); 2 no such channel.")
            @OptionGroup(title: "Global Options") var global: GlobalOptions
            @Argument(help: "The channel's name.") var name: String

            func run() async throws {
                let context = global.makeContext()
                try NotifyCommand.outbox(context).removeChannel(name)
                if context.console.isJSON { try context.console.json(["removed": name]) } else { context.console.info("removed channel \(name)") }
            }
        }
    }

    // MARK: Contacts

    struct Contacts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "People's and organisations' channels and preferred language, for idnp:/idno: recipients.",
            subcommands: [Add.self, List.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add or replace a contact.")
            @OptionGroup(title: "Global Options") var global: GlobalOptions
            @Argument(help: ArgumentHelp("idnp:<13 digits> or idno:<13 digits>.", valueName: "id")) var id: String
            @Option(help: "The name (fills {{Name}} when not given).") var name: String?
            @Option(help: "The e-mail address.") var email: String?
            @Option(help: ArgumentHelp("The phone number (E.164).", valueName: "+373...")) var phone: String?
            @Option(help: "The preferred language: ro, ru or en.") var lang: Language?

            func run() async throws {
                let context = global.makeContext()
                let contact = try Contact(id: id, name: name, email: email, phone: phone, lang: lang)
                try NotifyCommand.outbox(context).saveContact(contact)
                if context.console.isJSON { try context.console.json(contact) } else { context.console.info("saved contact \(contact.id)") }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List contacts.")
            @OptionGroup(title: "Global Options") var global: GlobalOptions

            func run() async throws {
                let context = global.makeContext()
                let contacts = try NotifyCommand.outbox(context).contacts()
                if context.console.isJSON { try context.console.json(contacts); return }
                context.console.out(formatTable(["ID", "NAME", "E-MAIL", "PHONE", "LANG"], contacts.map {
                    [$0.id, $0.name ?? "", $0.email ?? "", $0.phone ?? "", $0.lang?.rawValue ?? ""]
                }))
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a contact.")
            @OptionGroup(title: "Global Options") var global: GlobalOptions
            @Argument(help: "The contact's id.") var id: String

            func run() async throws {
                let context = global.makeContext()
                try NotifyCommand.outbox(context).removeContact(id)
                if context.console.isJSON { try context.console.json(["removed": id]) } else { context.console.info("removed contact \(id)") }
            }
        }
    }

    // MARK: Sending

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a template to recipients over a channel.",
            discussion: """
                Recipients: email:ADDRESS, tel:+E164, idnp:/idno: (13 digits, resolved through 'notify contacts'; one \
                without a usable address fails alone), or @FILE.csv: a header row with a 'to' column, the other \
                columns become that recipient's variables (an empty cell counts as no value). A variable comes from \
                the recipient's CSV row, else the contact (Name), else --var. The language is --lang, else the contact's, \
                else ro; a template without that language sends its Romanian text.

                --reference KEY makes the send idempotent: again with the same key and the same content it prints \
                the first notification and sends nothing; with other content it is refused (exit 1).

                Exit status: 0 when every message was sent, delivered, queued (--queue) or is waiting for a retry; \
                1 when a message failed for good or the reference was refused; 2 on bad input (nothing is queued).
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The template's code.") var template: String
        @Option(help: "The channel's name.") var channel: String
        @Option(help: ArgumentHelp("A recipient, or @FILE.csv (repeatable).", valueName: "recipient")) var to: [String] = []
        @Option(name: .customLong("var"), help: ArgumentHelp("A variable, NAME=VALUE (repeatable).", valueName: "name=value")) var variables: [String] = []
        @Option(help: "The language: ro, ru or en.") var lang: Language?
        @Option(help: ArgumentHelp("An idempotency key.", valueName: "key")) var reference: String?
        @Flag(help: "Only queue the messages; 'mgov notify dispatch' delivers them.") var queue = false
        @Option(help: ArgumentHelp("How long temporary failures are retried, at most 366d (e.g. 30m, 24h, 7d).", valueName: "duration")) var deadline = "24h"

        /// The retry deadline in seconds: 1s to 366 days.
        var deadlineSeconds: TimeInterval? {
            guard let seconds = Timestamp.parseDuration(deadline), seconds > 0, seconds <= NotifyStore.maximumDeadline else { return nil }
            return seconds
        }

        func validate() throws {
            if deadlineSeconds == nil { throw ValidationError("--deadline \(deadline): write a duration from 1s to 366d (30m, 24h, 7d)") }
        }

        func run() async throws {
            let context = global.makeContext()
            let shared = try NotifyCommand.variables(variables)
            var recipients: [(recipient: String, variables: [String: String])] = []
            for item in to {
                if item.hasPrefix("@") {
                    let path = String(item.dropFirst())
                    let rows = try CSV.records(try NotifyCommand.textOrFile(item), name: path)
                    for (index, row) in rows.enumerated() {
                        guard let recipient = row["to"], !recipient.isEmpty else {
                            throw NotifyError.invalidArgument("\(path) row \(index + 2) has no 'to' value (the CSV needs a 'to' column)")
                        }
                        // An empty cell is no value: the variable then comes from the contact or --var,
                        // or the send is refused, never filled with an empty string.
                        recipients.append((recipient, row.filter { $0.key != "to" && !$0.value.isEmpty }))
                    }
                } else {
                    recipients.append((item, [:]))
                }
            }
            // The same recipient with the same values twice (`--to X --to X`, a CSV row repeated) is one message.
            var seen = Set<[String]>()
            recipients = recipients.filter { item in
                let key = [item.recipient] + item.variables.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
                if seen.insert(key).inserted { return true }
                context.console.warn("\(item.recipient) is given twice with the same values: it is sent one message")
                return false
            }
            var request = NotifyStore.SendRequest(template: template, channel: channel, recipients: recipients)
            request.variables = shared
            request.lang = lang
            request.reference = reference
            request.deadline = deadlineSeconds!  // safe: validate() checked it
            request.createdBy = try context.profileIfAny()?.identity.description
            let outbox = try NotifyCommand.outbox(context)
            let (first, created) = try outbox.send(request)
            var notification = first
            if created && !queue {
                let console = context.console
                let total = first.messages.filter { $0.status == .pending }.count
                _ = try await Dispatcher(outbox: outbox).run(notification: first.id, progress: { summary in
                    console.progress("sent \(summary.attempted)/\(total)")
                })
                console.progress(nil)
                notification = try outbox.notification(first.id)
            }
            try NotifyCommand.print(notification, created: created, context.console)
            let counts = notification.counts
            if let retrying = counts[.retrying], retrying > 0 {
                context.console.warn("\(retrying) message\(retrying == 1 ? "" : "s") will be retried ('mgov notify dispatch' sends what is due)")
            }
            if let failed = counts[.failed], failed > 0 {
                context.console.error("\(failed) of \(notification.messages.count) message\(notification.messages.count == 1 ? "" : "s") failed")
                throw ExitCode(ExitStatus.refused.rawValue)
            }
        }
    }

    struct Dispatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver queued and due messages.",
            discussion: """
                Sends every Pending message and every Retrying one whose next attempt is due, then exits; with \
                --watch it keeps polling (with --json, one JSON summary line per pass that did something). SIGTERM \
                or SIGINT stops it after the batch in hand (at most 200 \
                messages); a second signal stops it at once. --now also sends Retrying messages before their next \
                attempt time (each once per run). All channels are served at once, so a receiver that does not \
                answer (30 s) holds up only its own channel. Several dispatchers may run on one home; they never \
                send the same message twice.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Flag(help: "Keep running, polling the outbox.") var watch = false
        @Option(parsing: .unconditional, help: ArgumentHelp("Seconds between polls with --watch.", valueName: "seconds")) var interval: Double = 2
        @Flag(help: "Retry now, without waiting for the next attempt times.") var now = false

        func run() async throws {
            let context = global.makeContext()
            let dispatcher = Dispatcher(outbox: try NotifyCommand.outbox(context))
            let console = context.console
            if watch {
                guard interval >= 0.1 else { throw ValidationError("--interval is at least 0.1 seconds") }
                let stop = SignalTrap.gracefulStop(console, saying: "stopping once the messages in hand are sent (a second signal stops at once)")
                console.info("dispatching every \(interval) s; stop with SIGTERM or SIGINT")
                try await dispatcher.watch(interval: interval, shouldStop: { stop.caught != nil }) { summary in
                    // With --json, one line per pass that did something, as `log tail -f --json` prints entries.
                    if console.isJSON {
                        do { try console.jsonLine(summary) } catch { console.warn("cannot write the pass's summary: \(error)") }
                    } else {
                        console.info(Dispatch.describe(summary))
                    }
                }
                console.info("stopped")
                return
            }
            let stop = SignalTrap.gracefulStop(console, saying: "stopping once the messages in hand are sent (a second signal stops at once)")
            let summary = try await dispatcher.run(ignoreBackoff: now, shouldStop: { stop.caught != nil }, progress: { summary in console.progress("attempted \(summary.attempted)") })
            console.progress(nil)
            if console.isJSON { try console.json(summary) } else { console.out(Dispatch.describe(summary)) }
            if summary.failed > 0 { throw ExitCode(ExitStatus.refused.rawValue) }
        }

        static func describe(_ s: DispatchSummary) -> String {
            "attempted \(s.attempted): \(s.sent) sent, \(s.delivered) delivered, \(s.retrying) to retry, \(s.failed) failed" +
                (s.recovered > 0 ? "; \(s.recovered) taken back from a stopped dispatcher" : "")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a notification and its messages' statuses.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "A notification's or message's id.") var id: String?
        @Option(help: ArgumentHelp("Find it by its reference instead.", valueName: "key")) var reference: String?

        func validate() throws {
            guard (id == nil) != (reference == nil) else { throw ValidationError("give an id or --reference KEY") }
        }

        func run() async throws {
            let context = global.makeContext()
            try NotifyCommand.print(try NotifyCommand.outbox(context).find(id: id, reference: reference), created: nil, context.console)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List messages, newest first.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Option(help: "Only messages in this status (Pending, Sending, Retrying, Sent, Delivered, Failed, Cancelled).") var status: MessageStatus?
        @Option(parsing: .unconditional, help: "At most this many (1 to 100000).") var limit = 100

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit is from 1 to 100000") }
        }

        func run() async throws {
            let context = global.makeContext()
            let messages = try NotifyCommand.outbox(context).messages(status: status, limit: limit)
            if context.console.isJSON { try context.console.json(messages); return }
            context.console.out(formatTable(["MESSAGE", "RECIPIENT", "STATUS", "ATTEMPTS", "UPDATED", "LAST ERROR"], messages.map {
                [$0.id, $0.recipient, $0.status.rawValue, String($0.attempts), $0.updatedAt, $0.lastError.map { String($0.prefix(60)) } ?? ""]
            }))
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a notification's unsent messages (or one message).",
            discussion: "Refused (exit 1) once a message asked for is being sent or has been sent.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "A notification's or message's id.") var id: String

        func run() async throws {
            let context = global.makeContext()
            try NotifyCommand.print(try NotifyCommand.outbox(context).cancel(id), created: nil, context.console)
        }
    }
}

extension ChannelKind: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}
extension MessageStatus: ExpressibleByArgument {}
extension SMSRequestTemplate.Encoding: ExpressibleByArgument {}
