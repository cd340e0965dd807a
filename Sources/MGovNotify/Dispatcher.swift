import Foundation
import GRDB
import MGovCore
import MGovCrypto
import MGovNet
import NIOHTTP1

/// One SMTP session of a dispatcher's run, used by one task at a time.
final class SMTPSessionSlot: @unchecked Sendable {
    // @unchecked: a slot belongs to one channel and is handed to one lane of one batch at a time;
    // a channel's batches run one after another.
    var client: SMTPClient?
}

/// What one attempt came to.
public enum AttemptResult: Sendable, Equatable {
    /// The server took the message (SMTP 250, gateway 2xx).
    case sent(String)
    /// The receiver confirmed it (a webhook's 2xx).
    case delivered(String)
    /// Try again later: SMTP 4xx, connection refused, HTTP 5xx/429/408.
    case temporary(String)
    /// Never: SMTP 5xx, HTTP 4xx, no address.
    case permanent(String)
}

/// Who holds a claim on messages being sent: host, process id and the process's start time,
/// so a dispatcher that died (even by `kill -9`) is recognised at once on the same host.
public struct ClaimOwner: Sendable {
    public let id: String

    public static let current: ClaimOwner = {
        let pid = getpid()
        return ClaimOwner(id: "\(host)/\(pid)/\(startTime(of: pid) ?? "?")")
    }()

    static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return "localhost" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Field 22 of /proc/PID/stat (clock ticks since boot): with the pid, names one process.
    static func startTime(of pid: pid_t) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }

    /// False when `owner` is a process of this host that no longer runs; nil when it cannot be told.
    static func isAlive(_ owner: String) -> Bool? {
        let parts = owner.split(separator: "/").map(String.init)
        guard parts.count == 3, parts[0] == host, let pid = pid_t(parts[1]), parts[2] != "?",
              startTime(of: getpid()) != nil else { return nil }  // no /proc: cannot tell
        return startTime(of: pid) == parts[2]
    }
}

/// A message claimed for sending, with what the transport needs besides it.
struct ClaimedMessage: Sendable {
    let message: NotifyMessage
    let channel: String
    let reference: String?
    let template: String
    let createdAt: String
}

/// The dispatcher's tally.
public struct DispatchSummary: Codable, Sendable, Equatable {
    public var attempted = 0
    public var sent = 0
    public var delivered = 0
    public var retrying = 0
    public var failed = 0
    public var recovered = 0

    public init() {}

    mutating func count(_ status: MessageStatus) {
        attempted += 1
        switch status {
        case .sent: sent += 1
        case .delivered: delivered += 1
        case .retrying: retrying += 1
        default: failed += 1
        }
    }
}

extension NotifyStore {
    /// How long a claim lasts when its owner cannot be checked (another host); every result the
    /// owner records renews all its claims.
    static let lease: TimeInterval = 1800

    /// The wait before attempt `attempt + 1`: 30 s doubling per attempt, at most an hour, with
    /// jitter (50–100 %) so that retries of many messages spread out.
    public static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        let base = min(3600, 30 * pow(2, Double(max(0, attempt - 1))))
        return base * Double.random(in: 0.5...1.0)
    }

    /// Claims up to `limit` due messages for `owner` (status Sending), in one write transaction, so
    /// two dispatchers never take the same message. First puts back messages whose dispatcher died.
    func claim(owner: String, limit: Int, notification: String?, ignoreBackoff: Bool, touchedBefore: String?) throws -> (claimed: [ClaimedMessage], recovered: Int) {
        let now = clock.now()
        let stamp = Timestamp.format(now)
        return try store.write { db in
            var events: [AuditEvent] = []
            var recovered = 0
            for row in try Row.fetchAll(db, sql: "SELECT id, recipient, claimed_by, claimed_until FROM notify_message WHERE status = 'Sending'") {
                let holder: String = row["claimed_by"] ?? ""
                let expired = (row["claimed_until"] as String? ?? "") < stamp
                // A live dispatcher on this host keeps its claims however long it takes; the lease is
                // for owners that cannot be checked.
                switch ClaimOwner.isAlive(holder) {
                case true?: continue
                case false?: break
                case nil: if !expired { continue }
                }
                try db.execute(sql: """
                    UPDATE notify_message SET status = 'Retrying', next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ?,
                        last_error = 'the dispatcher stopped while sending; sent again with the same Message-ID' WHERE id = ?
                    """, arguments: [stamp, stamp, row["id"] as String])
                events.append(self.event("MNotify.Message.StatusChanged", Self.subjectFields(row["recipient"], [
                    "object": row["id"], "object_type": "notification_message", "status": "Retrying",
                    "event_message": "recovered from a dispatcher that stopped (\(holder))"])))
                recovered += 1
            }
            // Past their deadline before an attempt: failed without one.
            for row in try Row.fetchAll(db, sql: """
                SELECT m.id, m.recipient FROM notify_message m JOIN notify_notification n ON n.id = m.notification
                WHERE m.status IN ('Pending', 'Retrying') AND n.deadline < ?
                """, arguments: [stamp]) {
                try db.execute(sql: "UPDATE notify_message SET status = 'Failed', next_attempt_at = NULL, updated_at = ?, last_error = 'the deadline passed before it could be sent' WHERE id = ?",
                               arguments: [stamp, row["id"] as String])
                events.append(self.event("MNotify.Message.StatusChanged", Self.subjectFields(row["recipient"], [
                    "object": row["id"], "object_type": "notification_message", "status": "Failed", "event_message": "the deadline passed"])))
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.*, n.channel AS n_channel, n.reference AS n_reference, n.template AS n_template, n.created_at AS n_created_at
                FROM notify_message m JOIN notify_notification n ON n.id = m.notification
                WHERE m.status IN ('Pending', 'Retrying')
                  AND (? OR m.next_attempt_at IS NULL OR m.next_attempt_at <= ?)
                  AND (? IS NULL OR m.notification = ?)
                  AND (? IS NULL OR m.updated_at < ?)
                ORDER BY m.notification, m.seq LIMIT ?
                """, arguments: [ignoreBackoff, stamp, notification, notification, touchedBefore, touchedBefore, limit])
            let until = Timestamp.format(now.addingTimeInterval(Self.lease))
            let update = try db.cachedStatement(sql: """
                UPDATE notify_message SET status = 'Sending', claimed_by = ?, claimed_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?
                """)
            var claimed: [ClaimedMessage] = []
            for row in rows {
                try update.execute(arguments: [owner, until, stamp, row["id"] as String])
                let message = NotifyMessage(row: row)
                claimed.append(ClaimedMessage(message: message, channel: row["n_channel"], reference: row["n_reference"],
                                              template: row["n_template"], createdAt: row["n_created_at"]))
                events.append(self.event("MNotify.Message.StatusChanged", Self.subjectFields(message.recipient, [
                    "object": message.id, "object_type": "notification_message", "status": "Sending",
                    "event_message": "attempt \(message.attempts + 1)"])))
            }
            if !events.isEmpty { try self.audit.record(events, in: db) }
            return (claimed, recovered)
        }
    }

    /// Records an attempt's result for a message `owner` holds; returns its new status (nil when
    /// the claim was lost, e.g. taken back after a lease ran out).
    func complete(_ id: String, owner: String, result: AttemptResult) throws -> MessageStatus? {
        try complete([(id, result)], owner: owner)[0]
    }

    /// Records several results in one transaction (one fsync), each with its audit event.
    func complete(_ results: [(id: String, result: AttemptResult)], owner: String) throws -> [MessageStatus?] {
        let now = clock.now()
        let stamp = Timestamp.format(now)
        return try store.write { db in
            var statuses: [MessageStatus?] = []
            var events: [AuditEvent] = []
            for (id, result) in results {
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT m.recipient, m.attempts, n.deadline FROM notify_message m JOIN notify_notification n ON n.id = m.notification
                    WHERE m.id = ? AND m.status = 'Sending' AND m.claimed_by = ?
                    """, arguments: [id, owner]) else { statuses.append(nil); continue }
                let attempts: Int = row["attempts"]
                var status: MessageStatus
                var next: String? = nil
                var note: String
                switch result {
                case .sent(let text): status = .sent; note = text
                case .delivered(let text): status = .delivered; note = text
                case .permanent(let text): status = .failed; note = text
                case .temporary(let text):
                    let at = now.addingTimeInterval(Self.backoff(afterAttempt: attempts))
                    if Timestamp.format(at) > (row["deadline"] as String) {
                        status = .failed
                        note = "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s") (deadline): \(text)"
                    } else {
                        status = .retrying
                        next = Timestamp.format(at)
                        note = text
                    }
                }
                let success = status == .sent || status == .delivered
                try db.execute(sql: """
                    UPDATE notify_message SET status = ?, next_attempt_at = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL,
                        updated_at = ?, sent_at = CASE WHEN ? THEN ? ELSE sent_at END WHERE id = ?
                    """, arguments: [status.rawValue, next, success ? nil : note, stamp, success, stamp, id])
                events.append(self.event("MNotify.Message.StatusChanged", Self.subjectFields(row["recipient"], [
                    "object": id, "object_type": "notification_message", "status": status.rawValue,
                    "event_message": "attempt \(attempts): \(note)\(next.map { "; next attempt \($0)" } ?? "")"])))
                statuses.append(status)
            }
            if !events.isEmpty { try self.audit.record(events, in: db) }
            try db.execute(sql: "UPDATE notify_message SET claimed_until = ? WHERE claimed_by = ? AND status = 'Sending'",
                           arguments: [Timestamp.format(now.addingTimeInterval(Self.lease)), owner])
            return statuses
        }
    }
}

/// Group commit of attempt results: whatever results arrive while a transaction is being written
/// go into the next one together, and each caller resumes once its own result is durable. Lanes
/// sending concurrently thus share fsyncs, and none sends its next message before its last
/// result is recorded.
final class ResultRecorder: @unchecked Sendable {
    // @unchecked: `queue` and `running` are guarded by `lock`.
    let outbox: NotifyStore
    let owner: String
    private let lock = NSLock()
    private var queue: [(id: String, result: AttemptResult, done: CheckedContinuation<MessageStatus?, any Error>)] = []
    private var running = false

    init(outbox: NotifyStore, owner: String) {
        self.outbox = outbox
        self.owner = owner
    }

    func record(_ id: String, _ result: AttemptResult) async throws -> MessageStatus? {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<MessageStatus?, any Error>) in
            lock.lock()
            queue.append((id, result, done))
            let start = !running
            running = true
            lock.unlock()
            if start { DispatchQueue.global().async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            lock.lock()
            let batch = queue
            queue = []
            if batch.isEmpty { running = false; lock.unlock(); return }
            lock.unlock()
            do {
                let statuses = try outbox.complete(batch.map { ($0.id, $0.result) }, owner: owner)
                for (item, status) in zip(batch, statuses) { item.done.resume(returning: status) }
            } catch {
                for item in batch { item.done.resume(throwing: error) }
            }
        }
    }
}

/// Delivers what the outbox holds: claims due messages, sends them over their channels, all
/// channels at once (up to 4 SMTP connections per channel, kept for the run; up to 8 HTTP requests
/// at once per channel) and records each result as soon as it is known. At-least-once: a message handed to the server but not yet
/// recorded when the process dies (at most one per connection) is sent again with the same
/// Message-ID; no other message is sent twice.
public final class Dispatcher: Sendable {
    public let outbox: NotifyStore
    public let owner: ClaimOwner
    let batchSize: Int
    let recorder: ResultRecorder

    public init(outbox: NotifyStore, owner: ClaimOwner = .current, batchSize: Int = 200) {
        self.outbox = outbox
        self.owner = owner
        self.batchSize = batchSize
        recorder = ResultRecorder(outbox: outbox, owner: owner.id)
    }

    /// Sends everything due (or only `notification`'s messages); with `ignoreBackoff`, retrying
    /// messages go now instead of at their next attempt time, each at most once in this run.
    public func run(notification: String? = nil, ignoreBackoff: Bool = false, shouldStop: @Sendable () -> Bool = { false },
                    progress: (@Sendable (DispatchSummary) -> Void)? = nil) async throws -> DispatchSummary {
        var summary = DispatchSummary()
        let started = ignoreBackoff ? Timestamp.format(outbox.clock.now()) : nil
        // SMTP sessions per channel for the whole run, across claimed batches.
        var sessions: [String: [SMTPSessionSlot]] = [:]
        defer { for slot in sessions.values.joined() { slot.client?.close() } }
        while !shouldStop() {
            let (claimed, recovered) = try outbox.claim(owner: owner.id, limit: batchSize, notification: notification,
                                                        ignoreBackoff: ignoreBackoff, touchedBefore: started)
            summary.recovered += recovered
            if claimed.isEmpty { break }
            var channels: [String] = []
            for message in claimed where !channels.contains(message.channel) { channels.append(message.channel) }
            for name in channels where sessions[name] == nil {
                sessions[name] = (0..<Self.smtpSessionsPerChannel).map { _ in SMTPSessionSlot() }
            }
            // The channels of a batch are served at the same time: a receiver that is slow or does
            // not answer holds up only its own channel's messages, not the others'.
            let slots = sessions
            try await withThrowingTaskGroup(of: [MessageStatus].self) { group in
                for name in channels {
                    let messages = claimed.filter { $0.channel == name }
                    let channelSlots = slots[name] ?? []
                    group.addTask { try await self.deliver(messages, over: name, slots: channelSlots) }
                }
                for try await statuses in group {
                    for status in statuses { summary.count(status) }
                    progress?(summary)
                }
            }
        }
        for slot in sessions.values.joined() { await slot.client?.quit(); slot.client = nil }
        return summary
    }

    /// Sends one channel's share of a batch; a channel that cannot be used fails its messages.
    func deliver(_ messages: [ClaimedMessage], over name: String, slots: [SMTPSessionSlot]) async throws -> [MessageStatus] {
        do {
            let channel = try outbox.channel(name)
            switch channel.settings.kind {
            case .email: return try await deliverEmail(messages, channel, slots: slots)
            case .webhook, .sms: return try await deliverHTTP(messages, channel)
            }
        } catch let error as NotifyError {
            return try messages.compactMap { try outbox.complete($0.message.id, owner: owner.id, result: .permanent(error.description)) }
        }
    }

    /// Runs until `shouldStop` says so, polling every `interval` seconds.
    public func watch(interval: TimeInterval, shouldStop: @escaping @Sendable () -> Bool,
                      report: @escaping @Sendable (DispatchSummary) -> Void) async throws {
        while !shouldStop() {
            let summary = try await run(shouldStop: shouldStop)
            if summary.attempted > 0 || summary.recovered > 0 { report(summary) }
            var waited: TimeInterval = 0
            while waited < interval && !shouldStop() {
                try await Task.sleep(nanoseconds: 100_000_000)
                waited += 0.1
            }
        }
    }

    // MARK: E-mail

    /// Connections a dispatcher opens to one SMTP server at most: the others keep the server busy
    /// while one waits for its message's result to be recorded.
    static let smtpSessionsPerChannel = 4

    /// Sends a batch over the channel's sessions: one for small batches (under 20 messages), else
    /// the messages dealt out over all of them, sent concurrently.
    func deliverEmail(_ messages: [ClaimedMessage], _ channel: StoredChannel, slots: [SMTPSessionSlot]) async throws -> [MessageStatus] {
        let lanes = messages.count < 20 ? 1 : slots.count
        if lanes == 1 { return try await deliverEmail(messages[...], channel, slot: slots[0]) }
        return try await withThrowingTaskGroup(of: [MessageStatus].self) { group in
            for lane in 0..<lanes {
                let share = stride(from: lane, to: messages.count, by: lanes).map { messages[$0] }
                let slot = slots[lane]
                group.addTask { try await self.deliverEmail(share[...], channel, slot: slot) }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Sends over one session (opened when there is none, dropped when the connection fails),
    /// recording each message's result before the next goes out.
    func deliverEmail(_ messages: ArraySlice<ClaimedMessage>, _ channel: StoredChannel, slot: SMTPSessionSlot) async throws -> [MessageStatus] {
        guard let settings = channel.settings.smtp else { throw NotifyError.invalidArgument("channel \(channel.name) has no SMTP settings") }
        let password = channel.secret.map { String(decoding: $0, as: UTF8.self) }
        let domain = settings.from.split(separator: "@").last.map(String.init) ?? "mgov"
        var statuses: [MessageStatus] = []
        var pending = messages
        var client = slot.client
        defer { slot.client = client }
        while let item = pending.first {
            if client == nil {
                do {
                    client = try await SMTPClient.connect(settings, password: password)
                } catch {
                    // No session: every message left gets the same verdict.
                    let result: AttemptResult
                    if case SMTPError.session(let text, true) = error { result = .permanent(text) } else { result = .temporary(SMTPClient.describe(error)) }
                    for rest in pending {
                        if let status = try await recorder.record(rest.message.id, result) { statuses.append(status) }
                    }
                    return statuses
                }
            }
            pending = pending.dropFirst()
            let message = item.message
            var parts = OutgoingEmail.Parts(from: settings.from, fromName: settings.fromName, to: message.address ?? "",
                                            subject: message.subject ?? "", body: message.body, html: message.html,
                                            messageID: "\(message.id)@\(domain)", date: Timestamp.parse(item.createdAt) ?? Date())
            parts.extraHeaders = [("X-MGov-Notification", message.notification)] + (item.reference.map { [("X-MGov-Reference", MIME.encodeHeaderText($0))] } ?? [])
            let email = OutgoingEmail(parts)
            var result: AttemptResult
            do {
                result = try await Self.attempt(email, client!)  // safe: connected just above or kept from before
            } catch {
                let handedOver = client?.handedOver ?? true
                client?.close()
                client = nil
                if !handedOver, let session = try? await SMTPClient.connect(settings, password: password) {
                    // The connection (a kept one, perhaps closed by the server while idle) failed before
                    // the message was handed over: one more go on a new connection, not a retry later.
                    client = session
                    do {
                        result = try await Self.attempt(email, session)
                    } catch {
                        result = .temporary(SMTPClient.describe(error))
                        session.close()
                        client = nil
                    }
                } else {
                    // The connection broke while the server may have the message: its fate is unknown,
                    // so it is retried later (same Message-ID).
                    result = .temporary(SMTPClient.describe(error))
                }
            }
            if let status = try await recorder.record(message.id, result) { statuses.append(status) }
        }
        return statuses
    }

    static func attempt(_ email: OutgoingEmail, _ client: SMTPClient) async throws -> AttemptResult {
        switch try await client.send(email) {
        case .accepted(let text): return .sent(text)
        case .temporaryFailure(let text): return .temporary(text)
        case .permanentFailure(let text): return .permanent(text)
        }
    }

    // MARK: Webhooks and SMS gateways

    static let concurrentRequests = 8

    func deliverHTTP(_ messages: [ClaimedMessage], _ channel: StoredChannel) async throws -> [MessageStatus] {
        let client = MutualTLSClient(tls: nil, connectTimeout: .seconds(10))
        do {
            let statuses = try await withThrowingTaskGroup(of: MessageStatus?.self) { group in
                var statuses: [MessageStatus] = []
                var iterator = messages.makeIterator()
                func startNext() -> Bool {
                    guard let item = iterator.next() else { return false }
                    group.addTask { [self] in
                        let result = await self.attemptHTTP(item, channel, client)
                        return try await self.recorder.record(item.message.id, result)
                    }
                    return true
                }
                for _ in 0..<Self.concurrentRequests { if !startNext() { break } }
                while let status = try await group.next() {
                    if let status { statuses.append(status) }
                    _ = startNext()
                }
                return statuses
            }
            await client.shutdown()
            return statuses
        } catch {
            await client.shutdown()
            throw error
        }
    }

    func attemptHTTP(_ item: ClaimedMessage, _ channel: StoredChannel, _ client: MutualTLSClient) async -> AttemptResult {
        let message = item.message
        guard let target = channel.settings.target, let address = message.address else { return .permanent("no address") }
        var url = target
        var method = HTTPMethod.POST
        var body: Data?
        var headers: [(String, String)] = [("User-Agent", "mgov/\(MGovVersion.string)")]
        // An SMS gateway's token; kept out of every status, error and log line (a URL with it in the
        // query may be quoted back by an error or the gateway).
        let token = channel.settings.kind == .sms ? channel.secret.map { String(decoding: $0, as: UTF8.self) } : nil
        func redacted(_ text: String) -> String {
            guard let token, !token.isEmpty else { return text }
            var text = text.replacingOccurrences(of: token, with: "[token]")
            let encoded = Self.formEncode([("", token)]).dropFirst()
            if !encoded.isEmpty { text = text.replacingOccurrences(of: String(encoded), with: "[token]") }
            return text
        }
        do {
            if channel.settings.kind == .webhook {
                var payload: [String: String] = ["notification": message.notification, "message": message.id, "recipient": message.recipient,
                                                 "lang": message.lang.rawValue, "body": message.body, "template": item.template,
                                                 "created_at": item.createdAt]
                payload["subject"] = message.subject
                payload["reference"] = item.reference
                let data = try JSONEncoder.sorted.encode(payload)
                body = data
                headers.append(("Content-Type", "application/json"))
                headers.append(("X-MGov-Message-Id", message.id))
                if let key = channel.secret {
                    headers.append(("X-MGov-Signature", "sha256=" + Hex.encode(Digest.hmac(.sha256, key: key, data: data))))
                    // Standard Webhooks 1.0: the id (the message's, the same on every retry), the time of
                    // this attempt and the body, signed together, so a receiver can refuse a replay.
                    let timestamp = String(Int64(outbox.clock.now().timeIntervalSince1970))
                    let signed = Data("\(message.id).\(timestamp).".utf8) + data
                    headers.append(("webhook-id", message.id))
                    headers.append(("webhook-timestamp", timestamp))
                    headers.append(("webhook-signature", "v1," + Data(Digest.hmac(.sha256, key: key, data: signed)).base64EncodedString()))
                }
            } else {
                guard let request = channel.settings.sms else { return .permanent("the channel has no gateway request") }
                if request.sendsTokenInAField, token == nil {
                    return .permanent("the gateway request uses {{token}}, and the channel has no token (add it again with --password-file)")
                }
                let fields = try request.fill(["to": address, "text": message.body, "id": message.id, "reference": item.reference ?? "",
                                               "token": token ?? ""])
                method = HTTPMethod(rawValue: request.method)
                switch request.encoding {
                case .json:
                    body = try JSONEncoder.sorted.encode(Dictionary(fields, uniquingKeysWith: { _, last in last }))
                    headers.append(("Content-Type", "application/json"))
                case .form:
                    body = Data(Self.formEncode(fields).utf8)
                    headers.append(("Content-Type", "application/x-www-form-urlencoded"))
                case .query:
                    url += (url.contains("?") ? "&" : "?") + Self.formEncode(fields)
                }
                if let token, !request.sendsTokenInAField { headers.append(("Authorization", "Bearer " + token)) }
            }
        } catch {
            return .permanent(redacted(String(describing: error)))
        }
        do {
            let reply = try await client.send(method, url, body: body, headers: headers, timeout: .seconds(30))
            let summary = redacted("HTTP \(reply.status)" + (reply.body.isEmpty ? "" : ": " + String(reply.text.prefix(200))))
            switch reply.status {
            case 200..<300: return channel.settings.kind == .webhook ? .delivered(summary) : .sent(summary)
            case 408, 425, 429, 500..<600: return .temporary(summary)
            default: return .permanent(summary)
            }
        } catch {
            return .temporary(redacted(String(describing: error)))
        }
    }

    static func formEncode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }
}
