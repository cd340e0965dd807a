import Foundation
import GRDB
import MGovCore
import MGovCrypto

/// A message's status, with MNotify's names (plus Cancelled).
public enum MessageStatus: String, Codable, Sendable, CaseIterable {
    case pending = "Pending", sending = "Sending", retrying = "Retrying", sent = "Sent", delivered = "Delivered"
    case failed = "Failed", cancelled = "Cancelled"

    /// Nothing more happens to the message.
    public var isFinal: Bool { [.sent, .delivered, .failed, .cancelled].contains(self) }
}

/// One recipient's message of a notification: what was rendered for them and where it stands.
public struct NotifyMessage: Codable, Sendable, Equatable {
    public let id: String
    public let notification: String
    public let recipient: String
    /// The e-mail address, phone number or recipient id it goes to; nil when none could be resolved.
    public let address: String?
    public let lang: Language
    public let subject: String?
    public let body: String
    public let html: Bool
    public let status: MessageStatus
    public let attempts: Int
    public let nextAttemptAt: String?
    public let lastError: String?
    public let updatedAt: String
    public let sentAt: String?

    enum CodingKeys: String, CodingKey {
        case id, notification, recipient, address, lang, subject, body, html, status, attempts
        case nextAttemptAt = "next_attempt_at", lastError = "last_error", updatedAt = "updated_at", sentAt = "sent_at"
    }

    init(row: Row) {
        id = row["id"]
        notification = row["notification"]
        recipient = row["recipient"]
        address = row["address"]
        lang = Language(rawValue: row["lang"]) ?? .ro
        subject = row["subject"]
        body = row["body"]
        html = row["html"]
        status = MessageStatus(rawValue: row["status"]) ?? .failed
        attempts = row["attempts"]
        nextAttemptAt = row["next_attempt_at"]
        lastError = row["last_error"]
        updatedAt = row["updated_at"]
        sentAt = row["sent_at"]
    }
}

/// One `notify send`: a template sent over a channel to recipients.
public struct NotificationRecord: Codable, Sendable, Equatable {
    public let id: String
    public let reference: String?
    public let template: String
    public let channel: String
    public let createdAt: String
    public let deadline: String
    public let createdBy: String?
    public let messages: [NotifyMessage]

    enum CodingKeys: String, CodingKey {
        case id, reference, template, channel, deadline, messages
        case createdAt = "created_at", createdBy = "created_by"
    }

    /// How many messages are in each status.
    public var counts: [MessageStatus: Int] { Dictionary(grouping: messages, by: \.status).mapValues(\.count) }
}

/// A channel as stored: name, parsed settings and its secret (never printed or logged).
public struct StoredChannel: Sendable {
    public let name: String
    public let settings: ChannelSettings
    let secret: Data?
    public let createdAt: String

    public var hasSecret: Bool { secret != nil }
}

/// Templates, channels, contacts and the outbox in the store. Every change is an audit event,
/// written in the same transaction as the change.
public final class NotifyStore: Sendable {
    public let store: Store
    let clock: Clock
    let audit: any AuditSink

    public init(store: Store, clock: Clock, audit: any AuditSink) {
        self.store = store
        self.clock = clock
        self.audit = audit
    }

    public static let migrations: [StoreMigration] = [
        StoreMigration("notify.1-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE notify_template (
                    code TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE notify_template_text (
                    code TEXT NOT NULL REFERENCES notify_template(code) ON DELETE CASCADE,
                    lang TEXT NOT NULL,
                    subject TEXT,
                    body TEXT NOT NULL,
                    short TEXT,
                    PRIMARY KEY (code, lang)
                );
                CREATE TABLE notify_channel (
                    name TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    secret BLOB,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE notify_contact (
                    id TEXT PRIMARY KEY,
                    name TEXT,
                    email TEXT,
                    phone TEXT,
                    lang TEXT,
                    updated_at TEXT NOT NULL
                );
                CREATE TABLE notify_notification (
                    id TEXT PRIMARY KEY,
                    reference TEXT UNIQUE,
                    content_hash TEXT NOT NULL,
                    template TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    created_by TEXT
                );
                CREATE TABLE notify_message (
                    id TEXT PRIMARY KEY,
                    notification TEXT NOT NULL REFERENCES notify_notification(id),
                    seq INTEGER NOT NULL,
                    recipient TEXT NOT NULL,
                    address TEXT,
                    lang TEXT NOT NULL,
                    subject TEXT,
                    body TEXT NOT NULL,
                    html INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at TEXT,
                    last_error TEXT,
                    claimed_by TEXT,
                    claimed_until TEXT,
                    updated_at TEXT NOT NULL,
                    sent_at TEXT,
                    UNIQUE (notification, seq)
                );
                CREATE INDEX notify_message_by_status ON notify_message(status, next_attempt_at);
                """)
        },
    ]

    /// The longest a send may keep retrying.
    public static let maximumDeadline: TimeInterval = 366 * 86400

    static let codePattern = #"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z"#

    // MARK: Templates

    /// Adds a template, or another language's texts to an existing one (same kind).
    @discardableResult
    public func saveTemplate(code: String, kind: ChannelKind, text: TemplateText) throws -> Template {
        guard code.range(of: Self.codePattern, options: .regularExpression) != nil else {
            throw NotifyError.invalidArgument("'\(code)' is not a template code: 1 to 64 letters, digits, '_', '.', '-'")
        }
        for part in [text.subject, text.body, text.short].compactMap({ $0 }) { _ = try Placeholders.names(in: part) }
        guard !text.body.isEmpty, text.body.utf8.count <= 1 << 20 else { throw NotifyError.invalidArgument("a body has 1 byte to 1 MB") }
        if kind == .email, (text.subject ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw NotifyError.invalidArgument("an e-mail template needs --subject")
        }
        if let subject = text.subject, subject.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw NotifyError.invalidArgument("a subject is one line")
        }
        if kind == .sms {
            // Its fixed text alone (no variable can make a message shorter than that) is too long to send ever.
            let fixed = String(try Placeholders.pieces(text.short ?? text.body).map { piece -> Substring in
                if case .text(let part) = piece { return part } else { return "" }
            }.joined())
            let segments = SMSSegments(fixed)
            guard segments.segments <= SMSSegments.maximumSegments else {
                throw NotifyError.invalidArgument("the SMS text without its variables is already \(segments.summary); at most \(SMSSegments.maximumSegments) segments are sent")
            }
        }
        let now = Timestamp.format(clock.now())
        try store.write { db in
            if let existing = try String.fetchOne(db, sql: "SELECT kind FROM notify_template WHERE code = ?", arguments: [code]) {
                guard existing == kind.rawValue else {
                    throw NotifyError.invalidArgument("template \(code) is for \(existing), not \(kind.rawValue)")
                }
            } else {
                guard text.lang == .ro else { throw NotifyError.invalidArgument("a new template starts with its Romanian text (--lang ro); add other languages after") }
                try db.execute(sql: "INSERT INTO notify_template (code, kind, created_at) VALUES (?, ?, ?)", arguments: [code, kind.rawValue, now])
            }
            try db.execute(sql: "INSERT OR REPLACE INTO notify_template_text (code, lang, subject, body, short) VALUES (?, ?, ?, ?, ?)",
                           arguments: [code, text.lang.rawValue, text.subject, text.body, text.short])
            try self.record(db, "MNotify.Template.Saved", ["object": code, "object_type": "template", "event_message": "\(kind.rawValue) template, \(text.lang.rawValue) text"])
        }
        return try template(code)
    }

    public func template(_ code: String) throws -> Template {
        try store.read { db in try Self.template(code, db) }
    }

    static func template(_ code: String, _ db: Database) throws -> Template {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM notify_template WHERE code = ?", arguments: [code]) else {
            throw NotifyError.unknownTemplate(code)
        }
        let texts = try Row.fetchAll(db, sql: "SELECT * FROM notify_template_text WHERE code = ?", arguments: [code]).map {
            TemplateText(lang: Language(rawValue: $0["lang"]) ?? .ro, subject: $0["subject"], body: $0["body"], short: $0["short"])
        }.sorted { Language.allCases.firstIndex(of: $0.lang)! < Language.allCases.firstIndex(of: $1.lang)! }
        return Template(code: code, kind: ChannelKind(rawValue: row["kind"]) ?? .email, texts: texts, createdAt: row["created_at"])
    }

    public func templates() throws -> [Template] {
        try store.read { db in
            try String.fetchAll(db, sql: "SELECT code FROM notify_template ORDER BY code").map { try Self.template($0, db) }
        }
    }

    /// Removes a template; sent and queued messages keep their rendered texts.
    public func removeTemplate(_ code: String) throws {
        try store.write { db in
            try db.execute(sql: "DELETE FROM notify_template_text WHERE code = ?", arguments: [code])
            try db.execute(sql: "DELETE FROM notify_template WHERE code = ?", arguments: [code])
            guard db.changesCount > 0 else { throw NotifyError.unknownTemplate(code) }
            try self.record(db, "MNotify.Template.Removed", ["object": code, "object_type": "template"])
        }
    }

    // MARK: Channels

    /// Adds a channel; its secret (SMTP password, gateway token, webhook key) is stored apart from the address.
    public func addChannel(name: String, settings: ChannelSettings, secret: Data?) throws {
        guard name.range(of: Self.codePattern, options: .regularExpression) != nil else {
            throw NotifyError.invalidArgument("'\(name)' is not a channel name: 1 to 64 letters, digits, '_', '.', '-'")
        }
        try settings.sms?.validate()
        if let secret, let text = String(data: secret, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), settings.writesOut(text) {
            throw NotifyError.invalidArgument("the address or a --field holds the secret given in its file, which would be stored and listed in the clear: write {{token}} where it goes")
        }
        // Messages carry personal data (and a gateway its token): in clear only to this machine.
        if let target = settings.target.flatMap(URLComponents.init(string:)), target.scheme == "http",
           !ChannelSettings.isLoopback(target.host ?? "") {
            throw NotifyError.invalidArgument("messages would go in clear over http:// to \(target.host ?? "?"); use \(settings.kind.rawValue)+https:// (http:// is for loopback only)")
        }
        let encoded = try JSONEncoder().encode(settings)
        try store.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM notify_channel WHERE name = ?", arguments: [name]) == nil else {
                throw NotifyError.invalidArgument("a channel \(name) exists; remove it first ('mgov notify channel rm \(name)')")
            }
            try db.execute(sql: "INSERT INTO notify_channel (name, kind, settings, secret, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [name, settings.kind.rawValue, String(decoding: encoded, as: UTF8.self), secret, Timestamp.format(clock.now())])
            try self.record(db, "MNotify.Channel.Added", ["object": name, "object_type": "channel", "event_message": "\(settings.kind.rawValue) channel \(settings.loggedURL)"])
        }
    }

    public func channel(_ name: String) throws -> StoredChannel {
        try store.read { db in try Self.channel(name, db) }
    }

    static func channel(_ name: String, _ db: Database) throws -> StoredChannel {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM notify_channel WHERE name = ?", arguments: [name]) else {
            throw NotifyError.unknownChannel(name)
        }
        let settings = try JSONDecoder().decode(ChannelSettings.self, from: Data((row["settings"] as String).utf8))
        return StoredChannel(name: name, settings: settings, secret: row["secret"], createdAt: row["created_at"])
    }

    public func channels() throws -> [StoredChannel] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM notify_channel ORDER BY name").map { try Self.channel($0, db) } }
    }

    /// Removes a channel no unsent message still needs.
    public func removeChannel(_ name: String) throws {
        try store.write { db in
            let waiting = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM notify_message m JOIN notify_notification n ON n.id = m.notification
                WHERE n.channel = ? AND m.status IN ('Pending', 'Sending', 'Retrying')
                """, arguments: [name]) ?? 0
            guard waiting == 0 else {
                throw NotifyError.inUse("channel \(name) still has \(waiting) unsent message\(waiting == 1 ? "" : "s"); dispatch or cancel them first")
            }
            try db.execute(sql: "DELETE FROM notify_channel WHERE name = ?", arguments: [name])
            guard db.changesCount > 0 else { throw NotifyError.unknownChannel(name) }
            try self.record(db, "MNotify.Channel.Removed", ["object": name, "object_type": "channel"])
        }
    }

    // MARK: Contacts

    public func saveContact(_ contact: Contact) throws {
        try store.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO notify_contact (id, name, email, phone, lang, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [contact.id, contact.name, contact.email, contact.phone, contact.lang?.rawValue, Timestamp.format(clock.now())])
            try self.record(db, "MNotify.Contact.Saved", Self.subjectFields(contact.id, ["object": contact.id, "object_type": "contact"]))
        }
    }

    public func contacts() throws -> [Contact] {
        try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM notify_contact ORDER BY id").compactMap(Self.contact) }
    }

    public func contact(_ id: String) throws -> Contact? {
        try store.read { db in try Row.fetchOne(db, sql: "SELECT * FROM notify_contact WHERE id = ?", arguments: [id]).flatMap(Self.contact) }
    }

    static func contact(_ row: Row) -> Contact? {
        try? Contact(id: row["id"], name: row["name"], email: row["email"], phone: row["phone"], lang: (row["lang"] as String?).flatMap(Language.init))
    }

    public func removeContact(_ id: String) throws {
        try store.write { db in
            try db.execute(sql: "DELETE FROM notify_contact WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw NotifyError.invalidArgument("no contact \(id)") }
            try self.record(db, "MNotify.Contact.Removed", Self.subjectFields(id, ["object": id, "object_type": "contact"]))
        }
    }

    // MARK: Sending

    /// What `send` needs: a template, a channel, recipients each with their variables.
    /// A variable's value comes from the recipient's own variables (a CSV row), else the contact
    /// (`Name`), else the shared `variables` (--var).
    public struct SendRequest: Sendable {
        public var template: String
        public var channel: String
        public var recipients: [(recipient: String, variables: [String: String])]
        public var variables: [String: String] = [:]
        public var lang: Language?
        public var reference: String?
        /// How long temporary failures are retried.
        public var deadline: TimeInterval = 24 * 3600
        public var createdBy: String?

        public init(template: String, channel: String, recipients: [(recipient: String, variables: [String: String])]) {
            self.template = template
            self.channel = channel
            self.recipients = recipients
        }
    }

    /// Renders every recipient's message and puts them in the outbox (Pending), in one transaction;
    /// a recipient whose address cannot be resolved gets a Failed message, and a missing variable
    /// refuses the whole send. With a reference seen before: the first notification when the
    /// content is the same, else `referenceConflict`. Returns the notification and whether it is new.
    public func send(_ request: SendRequest) throws -> (notification: NotificationRecord, created: Bool) {
        guard !request.recipients.isEmpty else { throw NotifyError.invalidArgument("no recipients: give --to RECIPIENT or --to @FILE.csv") }
        guard request.recipients.count <= 100_000 else { throw NotifyError.invalidArgument("at most 100,000 recipients per send") }
        if let reference = request.reference, reference.isEmpty || reference.count > 200 {
            throw NotifyError.invalidArgument("a reference has 1 to 200 characters")
        }
        guard request.deadline.isFinite, request.deadline > 0, request.deadline <= Self.maximumDeadline else {
            throw NotifyError.invalidArgument("the deadline is 1 second to 366 days away")
        }
        let parsed = try request.recipients.map { try RecipientAddress($0.recipient) }
        let wanted = Set(parsed.compactMap(\.contactID))
        let (template, channel, contacts) = try store.read { db in
            let lookup = try db.cachedStatement(sql: "SELECT * FROM notify_contact WHERE id = ?")
            return (try Self.template(request.template, db), try Self.channel(request.channel, db),
                    try wanted.compactMap { try Row.fetchOne(lookup, arguments: [$0]).flatMap(Self.contact) })
        }
        guard template.kind == channel.settings.kind else {
            throw NotifyError.invalidArgument("template \(template.code) is for \(template.kind.rawValue) but channel \(channel.name) sends \(channel.settings.kind.rawValue)")
        }
        let byID = Dictionary(contacts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        struct Planned: Encodable, Sendable { let recipient: String; let address: String?; let text: RenderedText?; let failure: String? }
        var planned: [Planned] = []
        for (index, entry) in request.recipients.enumerated() {
            let label = request.recipients.count > 1 ? "\(entry.recipient) (recipient \(index + 1))" : entry.recipient
            let recipient = parsed[index]
            let contact = recipient.contactID.flatMap { byID[$0] }
            let lang = request.lang ?? contact?.lang ?? .ro
            var variables = request.variables
            if let name = contact?.name { variables["Name"] = name }
            variables.merge(entry.variables) { _, own in own }
            let text = try template.render(lang: lang, variables: variables, recipient: label)
            switch Self.resolve(recipient, contact: contact, kind: template.kind) {
            case .success(let address): planned.append(Planned(recipient: recipient.description, address: address, text: text, failure: nil))
            case .failure(let reason): planned.append(Planned(recipient: recipient.description, address: nil, text: text, failure: reason.description))
            }
        }
        var hashInput = try JSONEncoder.sorted.encode([request.template, request.channel])
        hashInput.append(try JSONEncoder.sorted.encode(planned))
        let contentHash = Hex.encode(Digest.sha256(hashInput))
        let plan = planned

        let now = clock.now()
        let stamp = Timestamp.format(now)
        let id = Identifier.make(at: now)
        let outcome: (String, Bool) = try store.write { db in
            if let reference = request.reference,
               let row = try Row.fetchOne(db, sql: "SELECT id, content_hash FROM notify_notification WHERE reference = ?", arguments: [reference]) {
                guard (row["content_hash"] as String) == contentHash else { throw NotifyError.referenceConflict(reference) }
                return (row["id"] as String, false)
            }
            try db.execute(sql: "INSERT INTO notify_notification (id, reference, content_hash, template, channel, created_at, deadline, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [id, request.reference, contentHash, template.code, channel.name, stamp,
                                       Timestamp.format(now.addingTimeInterval(request.deadline)), request.createdBy])
            let insert = try db.cachedStatement(sql: """
                INSERT INTO notify_message (id, notification, seq, recipient, address, lang, subject, body, html, status, last_error, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var events: [AuditEvent] = [self.event("MNotify.Notification.Created", [
                "object": id, "object_type": "notification", "user": request.createdBy, "reference": request.reference,
                "event_message": "\(template.code) over \(channel.name) to \(plan.count) recipient\(plan.count == 1 ? "" : "s")"])]
            for (seq, plan) in plan.enumerated() {
                let messageID = "\(id)-\(seq + 1)"
                let status: MessageStatus = plan.failure == nil ? .pending : .failed
                try insert.execute(arguments: [messageID, id, seq + 1, plan.recipient, plan.address, plan.text?.lang.rawValue ?? "ro",
                                               plan.text?.subject, plan.text?.body ?? "", plan.text?.html ?? false, status.rawValue, plan.failure, stamp])
                if let failure = plan.failure {
                    events.append(self.event("MNotify.Message.StatusChanged", Self.subjectFields(plan.recipient, [
                        "object": messageID, "object_type": "notification_message", "status": status.rawValue, "event_message": failure])))
                }
            }
            try self.audit.record(events, in: db)
            return (id, true)
        }
        return (try notification(outcome.0), outcome.1)
    }

    /// Where a recipient's message goes on a channel of `kind`.
    static func resolve(_ recipient: RecipientAddress, contact: Contact?, kind: ChannelKind) -> Result<String, NotifyError> {
        switch (recipient, kind) {
        case (.email(let address), .email): return .success(address)
        case (.tel(let number), .sms): return .success(number)
        case (_, .webhook): return .success(recipient.description)
        case (.person, .email), (.organization, .email):
            guard let contact else { return .failure(.invalidArgument("no contact \(recipient) ('mgov notify contacts add')")) }
            guard let email = contact.email else { return .failure(.invalidArgument("contact \(recipient) has no e-mail address")) }
            return .success(email)
        case (.person, .sms), (.organization, .sms):
            guard let contact else { return .failure(.invalidArgument("no contact \(recipient) ('mgov notify contacts add')")) }
            guard let phone = contact.phone else { return .failure(.invalidArgument("contact \(recipient) has no phone number")) }
            return .success(phone)
        case (.tel, .email): return .failure(.invalidArgument("\(recipient) is a phone number, and the channel sends e-mail"))
        case (.email, .sms): return .failure(.invalidArgument("\(recipient) is an e-mail address, and the channel sends SMS"))
        }
    }

    // MARK: Reading

    public func notification(_ id: String) throws -> NotificationRecord {
        try store.read { db in try Self.notification(id, db) }
    }

    static func notification(_ id: String, _ db: Database) throws -> NotificationRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM notify_notification WHERE id = ?", arguments: [id]) else {
            throw NotifyError.unknownNotification(id)
        }
        let messages = try Row.fetchAll(db, sql: "SELECT * FROM notify_message WHERE notification = ? ORDER BY seq", arguments: [id]).map(NotifyMessage.init)
        return NotificationRecord(id: id, reference: row["reference"], template: row["template"], channel: row["channel"], createdAt: row["created_at"],
                            deadline: row["deadline"], createdBy: row["created_by"], messages: messages)
    }

    /// A notification by its id, one of its messages' ids, or its reference.
    public func find(id: String?, reference: String?) throws -> NotificationRecord {
        try store.read { db in
            if let reference {
                guard let found = try String.fetchOne(db, sql: "SELECT id FROM notify_notification WHERE reference = ?", arguments: [reference]) else {
                    throw NotifyError.unknownNotification("with reference \(reference)")
                }
                return try Self.notification(found, db)
            }
            let id = id ?? ""
            if let owner = try String.fetchOne(db, sql: "SELECT notification FROM notify_message WHERE id = ?", arguments: [id]) {
                return try Self.notification(owner, db)
            }
            return try Self.notification(id, db)
        }
    }

    /// Messages, newest first, optionally in one status.
    public func messages(status: MessageStatus?, limit: Int) throws -> [NotifyMessage] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM notify_message WHERE (? IS NULL OR status = ?) ORDER BY notification DESC, seq LIMIT ?
                """, arguments: [status?.rawValue, status?.rawValue, limit]).map(NotifyMessage.init)
        }
    }

    /// Cancels a notification's unsent messages (or one message). Refused once anything asked
    /// for is being sent or has been sent, as MNotify answers 409.
    public func cancel(_ id: String) throws -> NotificationRecord {
        let notification = try find(id: id, reference: nil)
        let now = Timestamp.format(clock.now())
        try store.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, recipient, status FROM notify_message WHERE notification = ? AND (id = ? OR ? = notification)",
                                        arguments: [notification.id, id, id])
            let statuses = rows.map { MessageStatus(rawValue: $0["status"]) ?? .failed }
            if let busy = statuses.first(where: { [.sending, .sent, .delivered].contains($0) }) {
                throw NotifyError.notCancellable("\(id) cannot be cancelled: a message is already \(busy.rawValue)")
            }
            let open = rows.filter { [MessageStatus.pending, .retrying].contains(MessageStatus(rawValue: $0["status"]) ?? .failed) }
            guard !open.isEmpty else { throw NotifyError.notCancellable("\(id) has nothing left to cancel") }
            var events: [AuditEvent] = []
            for row in open {
                try db.execute(sql: "UPDATE notify_message SET status = 'Cancelled', next_attempt_at = NULL, updated_at = ? WHERE id = ?", arguments: [now, row["id"] as String])
                events.append(self.event("MNotify.Message.StatusChanged", Self.subjectFields(row["recipient"], [
                    "object": row["id"], "object_type": "notification_message", "status": "Cancelled", "event_message": "cancelled"])))
            }
            try self.audit.record(events, in: db)
        }
        return try self.notification(notification.id)
    }

    // MARK: Audit

    func event(_ type: String, _ fields: [String: String?]) -> AuditEvent {
        AuditEvent(type, at: clock.now(), fields)
    }

    func record(_ db: Database, _ type: String, _ fields: [String: String?]) throws {
        try audit.record([event(type, fields)], in: db)
    }

    /// Adds `subject` for a person recipient (IDNP), so the event is found by the person's access history.
    static func subjectFields(_ recipient: String, _ fields: [String: String?]) -> [String: String?] {
        var fields = fields
        if recipient.hasPrefix("idnp:") { fields["subject"] = String(recipient.dropFirst(5)); fields["subject_type"] = "idnp" }
        fields["recipient"] = recipient
        return fields
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
