import Foundation
import MGovCore
import MGovTestSupport
import Testing
@testable import MGovNotify

final class CollectedEvents: AuditSink, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var events: [AuditEvent] = []
    func record(_ event: AuditEvent) throws { lock.lock(); events.append(event); lock.unlock() }
}

struct OutboxFixture {
    let dir: TemporaryDirectory
    let outbox: NotifyStore
    let events = CollectedEvents()

    init() throws {
        dir = try TemporaryDirectory()
        outbox = NotifyStore(store: try Store(home: MGovHome(path: dir.file("home")), migrations: NotifyStore.migrations), clock: .system, audit: events)
        try outbox.saveTemplate(code: "welcome", kind: .email, text: TemplateText(lang: .ro, subject: "Salut {{Name}}", body: "Dosarul {{Case}}", short: nil))
        try outbox.saveTemplate(code: "welcome", kind: .email, text: TemplateText(lang: .ru, subject: "Привет {{Name}}", body: "Дело {{Case}}", short: nil))
        try outbox.addChannel(name: "mail", settings: try ChannelSettings(url: "smtp://127.0.0.1:1?from=noreply@gov.md"), secret: nil)
    }

    func request(_ recipients: [String], _ vars: [String: String] = ["Name": "Ion", "Case": "1"]) -> NotifyStore.SendRequest {
        NotifyStore.SendRequest(template: "welcome", channel: "mail", recipients: recipients.map { ($0, vars) })
    }
}

@Suite struct OutboxTests {
    @Test func aSendRendersEachRecipientAndFailsOnlyTheUnresolvable() throws {
        let f = try OutboxFixture()
        try f.outbox.saveContact(try Contact(id: "idnp:2001234567890", name: "Ivan", email: "ivan@example.md", lang: .ru))
        try f.outbox.saveContact(try Contact(id: "idnp:2001234567891", phone: "+37360000000"))
        var request = f.request(["email:ion@example.md", "idnp:2001234567890", "idnp:2001234567891", "idnp:2009999999999"], [:])
        request.variables = ["Case": "7", "Name": "Ion"]
        let (n, created) = try f.outbox.send(request)
        #expect(created)
        #expect(n.messages.map(\.status) == [.pending, .pending, .failed, .failed])
        #expect(n.messages[0].subject == "Salut Ion")
        #expect(n.messages[1].address == "ivan@example.md" && n.messages[1].subject == "Привет Ivan" && n.messages[1].lang == .ru)
        #expect(n.messages[2].lastError == "contact idnp:2001234567891 has no e-mail address")
        #expect(n.messages[3].lastError?.contains("no contact idnp:2009999999999") == true)
        let created1 = f.events.events.filter { $0.type == "MNotify.Notification.Created" }
        #expect(created1.count == 1)
        #expect(f.events.events.filter { $0.type == "MNotify.Message.StatusChanged" && $0.fields["subject"] == .string("2009999999999") }.count == 1)
    }

    @Test func aMissingVariableQueuesNothing() throws {
        let f = try OutboxFixture()
        #expect(throws: NotifyError.missingVariable("Case", recipient: "email:b@example.md (recipient 2)")) {
            var request = f.request(["email:a@example.md"])
            request.recipients.append(("email:b@example.md", ["Name": "B"]))
            try f.outbox.send(request)
        }
        #expect(try f.outbox.messages(status: nil, limit: 10).isEmpty)
    }

    @Test func referencesMakeSendsIdempotent() throws {
        let f = try OutboxFixture()
        var request = f.request(["email:a@example.md"])
        request.reference = "case-12"
        let first = try f.outbox.send(request)
        let again = try f.outbox.send(request)
        #expect(first.created && !again.created && first.notification.id == again.notification.id)
        request.recipients = [("email:a@example.md", ["Name": "Ion", "Case": "2"])]
        #expect(throws: NotifyError.referenceConflict("case-12")) { try f.outbox.send(request) }
        #expect(try f.outbox.messages(status: nil, limit: 10).count == 1)
    }

    @Test func templateAndChannelKindsMustMatch() throws {
        let f = try OutboxFixture()
        try f.outbox.addChannel(name: "hook", settings: try ChannelSettings(url: "webhook+http://127.0.0.1:1/x"), secret: Data(repeating: 1, count: 32))
        var request = f.request(["email:a@example.md"])
        request.channel = "hook"
        #expect(throws: NotifyError.self) { try f.outbox.send(request) }
        #expect(throws: NotifyError.self) {
            try f.outbox.saveTemplate(code: "new", kind: .email, text: TemplateText(lang: .ru, subject: "s", body: "b", short: nil))
        }
        #expect(throws: NotifyError.self) {
            try f.outbox.saveTemplate(code: "welcome", kind: .sms, text: TemplateText(lang: .en, subject: nil, body: "b", short: nil))
        }
    }

    /// An SMS whose fixed text alone is over the segments sent could never go out: refused when saved.
    @Test func anSMSTemplateTooLongEverToSendIsRefused() throws {
        let f = try OutboxFixture()
        let long = String(repeating: "a", count: 153 * 10 + 1)
        #expect(throws: NotifyError.self) {
            try f.outbox.saveTemplate(code: "long", kind: .sms, text: TemplateText(lang: .ro, subject: nil, body: long, short: nil))
        }
        // Its variables are not counted: what they hold is known only when it is sent.
        let placeholders = String(repeating: "{{Name}}", count: 300)
        #expect(try f.outbox.saveTemplate(code: "vars", kind: .sms, text: TemplateText(lang: .ro, subject: nil, body: placeholders, short: nil)).code == "vars")
    }

    @Test func claimsNeverOverlapAndResultsSetStatuses() throws {
        let f = try OutboxFixture()
        _ = try f.outbox.send(f.request((1...10).map { "email:u\($0)@example.md" }))
        let a = try f.outbox.claim(owner: "a", limit: 6, notification: nil, ignoreBackoff: false, touchedBefore: nil).claimed
        let b = try f.outbox.claim(owner: "b", limit: 6, notification: nil, ignoreBackoff: false, touchedBefore: nil).claimed
        #expect(a.count == 6 && b.count == 4)
        #expect(Set(a.map(\.message.id)).isDisjoint(with: b.map(\.message.id)))
        #expect(try f.outbox.complete(a[0].message.id, owner: "b", result: .sent("250")) == nil)
        #expect(try f.outbox.complete(a[0].message.id, owner: "a", result: .sent("250")) == .sent)
        #expect(try f.outbox.complete(a[1].message.id, owner: "a", result: .temporary("451")) == .retrying)
        #expect(try f.outbox.complete(a[2].message.id, owner: "a", result: .permanent("550")) == .failed)
        let retrying = try #require(try f.outbox.find(id: a[1].message.id, reference: nil).messages.first { $0.id == a[1].message.id })
        let next = try #require(retrying.nextAttemptAt.flatMap(Timestamp.parse))
        #expect(next.timeIntervalSinceNow > 10 && next.timeIntervalSinceNow <= 30)
        // Not due yet, unless the backoff is ignored.
        #expect(try f.outbox.claim(owner: "c", limit: 10, notification: nil, ignoreBackoff: false, touchedBefore: nil).claimed.isEmpty)
        #expect(try f.outbox.claim(owner: "c", limit: 10, notification: nil, ignoreBackoff: true, touchedBefore: nil).claimed.map(\.message.id) == [a[1].message.id])
    }

    @Test func backoffGrowsAndIsCapped() {
        for attempt in 1...12 {
            let wait = NotifyStore.backoff(afterAttempt: attempt)
            let base = min(3600, 30 * pow(2, Double(attempt - 1)))
            #expect(wait >= base * 0.5 && wait <= base)
        }
    }

    @Test func aTemporaryFailurePastTheDeadlineFails() throws {
        let f = try OutboxFixture()
        var request = f.request(["email:a@example.md"])
        request.deadline = 5
        _ = try f.outbox.send(request)
        let claimed = try f.outbox.claim(owner: "a", limit: 1, notification: nil, ignoreBackoff: false, touchedBefore: nil).claimed
        #expect(try f.outbox.complete(claimed[0].message.id, owner: "a", result: .temporary("421")) == .failed)
        #expect(try f.outbox.messages(status: .failed, limit: 1).first?.lastError?.hasPrefix("gave up after 1 attempt") == true)
    }

    @Test func aDeadDispatchersClaimIsTakenBack() throws {
        let f = try OutboxFixture()
        _ = try f.outbox.send(f.request(["email:a@example.md", "email:b@example.md"]))
        // A process of this host that is gone: pid 0 start time "none" never matches.
        let dead = "\(ClaimOwner.host)/999999/none"
        #expect(try f.outbox.claim(owner: dead, limit: 1, notification: nil, ignoreBackoff: false, touchedBefore: nil).claimed.count == 1)
        let second = try f.outbox.claim(owner: ClaimOwner.current.id, limit: 1, notification: nil, ignoreBackoff: false, touchedBefore: nil)
        #expect(second.recovered == 1 && second.claimed.count == 1)
        // A live owner (this process) keeps its claim.
        let third = try f.outbox.claim(owner: "c", limit: 5, notification: nil, ignoreBackoff: false, touchedBefore: nil)
        #expect(third.recovered == 0 && third.claimed.count == 1)
        #expect(ClaimOwner.isAlive(ClaimOwner.current.id) == true)
        #expect(ClaimOwner.isAlive("other-host/1/1") == nil)
    }

    @Test func cancelTakesUnsentMessagesAndRefusesSentOnes() throws {
        let f = try OutboxFixture()
        let n = try f.outbox.send(f.request(["email:a@example.md", "email:b@example.md"])).notification
        #expect(try f.outbox.cancel(n.messages[0].id).messages.map(\.status) == [.cancelled, .pending])
        let claimed = try f.outbox.claim(owner: "a", limit: 5, notification: nil, ignoreBackoff: false, touchedBefore: nil).claimed
        _ = try f.outbox.complete(claimed[0].message.id, owner: "a", result: .sent("250"))
        #expect(throws: NotifyError.self) { try f.outbox.cancel(n.id) }
        #expect(throws: NotifyError.self) { try f.outbox.removeChannel("nope") }
    }

    @Test func aChannelWithUnsentMessagesStays() throws {
        let f = try OutboxFixture()
        _ = try f.outbox.send(f.request(["email:a@example.md"]))
        #expect(throws: NotifyError.self) { try f.outbox.removeChannel("mail") }
    }
}


extension OutboxTests {
    @Test func aLiveDispatchersClaimIsKeptEvenPastItsLease() throws {
        let f = try OutboxFixture()
        _ = try f.outbox.send(f.request(["email:a@example.md"]))
        #expect(try f.outbox.claim(owner: ClaimOwner.current.id, limit: 1, notification: nil, ignoreBackoff: false, touchedBefore: nil).claimed.count == 1)
        try f.outbox.store.write { db in try db.execute(sql: "UPDATE notify_message SET claimed_until = '2000-01-01T00:00:00.000Z'") }
        #expect(try f.outbox.claim(owner: "other", limit: 1, notification: nil, ignoreBackoff: false, touchedBefore: nil).recovered == 0)
        // An owner on another host is taken back once its lease has run out.
        try f.outbox.store.write { db in try db.execute(sql: "UPDATE notify_message SET claimed_by = 'elsewhere/1/1'") }
        #expect(try f.outbox.claim(owner: "other", limit: 1, notification: nil, ignoreBackoff: false, touchedBefore: nil).recovered == 1)
    }

    @Test func deadlinesAreBoundedAndTokensDoNotGoInClear() throws {
        let f = try OutboxFixture()
        var request = f.request(["email:a@example.md"])
        request.deadline = .infinity
        #expect(throws: NotifyError.self) { try f.outbox.send(request) }
        request.deadline = 400 * 86400
        #expect(throws: NotifyError.self) { try f.outbox.send(request) }
        #expect(throws: NotifyError.self) {
            try f.outbox.addChannel(name: "gw", settings: try ChannelSettings(url: "sms+http://sms.example.md/send"), secret: Data("t".utf8))
        }
        try f.outbox.addChannel(name: "local", settings: try ChannelSettings(url: "sms+http://127.0.0.1:9/send"), secret: Data("t".utf8))
        // Nor do messages: a webhook over plain HTTP only to loopback, key or none.
        #expect(throws: NotifyError.self) {
            try f.outbox.addChannel(name: "hook", settings: try ChannelSettings(url: "webhook+http://crm.example.md/in"), secret: nil)
        }
        try f.outbox.addChannel(name: "hook", settings: try ChannelSettings(url: "webhook+http://[::1]:9/in"), secret: nil)
    }
}
