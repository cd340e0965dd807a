import Foundation
import MGovTestSupport
import Testing

/// The repository's scripts folder (the test SMTP server lives there).
let scriptsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scripts").path

/// Debian's aiosmtpd on loopback (scripts/test-smtpd.py), writing a Maildir and a connection log.
final class SMTPSink {
    let process: BackgroundProcess
    let maildir: String
    let logPath: String
    let port: String

    init(_ dir: TemporaryDirectory, name: String = "smtp", port: String = "0", _ extra: [String] = []) throws {
        maildir = dir.file("\(name)-maildir")
        logPath = dir.file("\(name).log")
        process = try BackgroundProcess("/usr/bin/python3", [scriptsDirectory + "/test-smtpd.py", "--maildir", maildir, "--log", logPath, "--port", port] + extra,
                                        environment: ["PATH": "/usr/bin:/bin"])
        guard process.waitForOutput({ $0.contains("\n") }) else { throw TestFailure("the SMTP server did not start: \(process.stderr)") }
        self.port = process.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() { process.stop(SIGKILL) }

    /// The delivered messages, as text.
    var messages: [String] {
        let new = maildir + "/new"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: new)) ?? []
        return names.sorted().compactMap { try? String(contentsOfFile: new + "/" + $0, encoding: .utf8) }
    }

    var messageIDs: [String] { messages.compactMap { SMTPSink.header("Message-ID", in: $0) } }

    var connections: Int {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasPrefix("connect ") }.count
    }

    /// A header's value, unfolded, with RFC 2047 UTF-8 B words decoded.
    static func header(_ name: String, in message: String) -> String? {
        let head = message.components(separatedBy: "\n\n").first ?? message
        let unfolded = head.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n ", with: " ")
        guard let line = unfolded.split(separator: "\n").first(where: { $0.lowercased().hasPrefix(name.lowercased() + ":") }) else { return nil }
        let value = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        // RFC 2047: space between two encoded words is dropped, space next to plain text kept.
        var out = "", previousEncoded = false
        for (index, word) in value.split(separator: " ").enumerated() {
            let encoded = word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=")
            if index > 0 && !(encoded && previousEncoded) { out += " " }
            if encoded, let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) {
                out += String(decoding: data, as: UTF8.self)
            } else {
                out += word
            }
            previousEncoded = encoded
        }
        return out
    }

    /// The decoded body of a single-part message.
    static func body(of message: String) -> String {
        let parts = message.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
        let body = parts.dropFirst().joined(separator: "\n\n")
        if header("Content-Transfer-Encoding", in: message) == "base64" {
            return String(decoding: Data(base64Encoded: body.replacingOccurrences(of: "\n", with: "")) ?? Data(), as: UTF8.self)
        }
        return body
    }
}

/// A small HTTP receiver (webhooks, SMS gateways): records each request as a JSON line and answers
/// 500 when the body mentions "fail500", 400 for "fail400", else 200.
final class HTTPRecorder {
    let process: BackgroundProcess
    let logPath: String
    let port: String

    init(_ dir: TemporaryDirectory) throws {
        logPath = dir.file("http-requests.jsonl")
        let script = dir.file("recorder.py")
        try """
        import base64, http.server, json, sys
        log = sys.argv[1]
        class Recorder(http.server.BaseHTTPRequestHandler):
            def handle_one(self):
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                with open(log, 'a') as f:
                    f.write(json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                                        "body": base64.b64encode(body).decode()}) + "\\n")
                status = 500 if b"fail500" in body else 400 if b"fail400" in body or "echo" in self.path else 200
                out = self.path.encode() if "echo" in self.path else b'{"ok": true}'
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            do_GET = do_POST = do_PUT = handle_one
            def log_message(self, *args): pass
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Recorder)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """.write(toFile: script, atomically: true, encoding: .utf8)
        process = try BackgroundProcess("/usr/bin/python3", [script, logPath], environment: ["PATH": "/usr/bin:/bin"])
        guard process.waitForOutput({ $0.contains("\n") }) else { throw TestFailure("the HTTP receiver did not start") }
        port = process.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Request { let method: String; let path: String; let headers: [String: String]; let body: Data }

    var requests: [Request] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                           headers: object["headers"] as? [String: String] ?? [:], body: Data(base64Encoded: object["body"] as? String ?? "") ?? Data())
        }
    }
}

@Suite(.serialized) struct NotifyCommandTests {
    func statuses(_ c: CLIEnvironment, _ id: String) throws -> [String] {
        let result = try c.mgov("notify", "status", id, "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let notification = try #require(object["notification"] as? [String: Any])
        return (notification["messages"] as? [[String: Any]] ?? []).map { $0["status"] as? String ?? "" }
    }

    func sendJSON(_ c: CLIEnvironment, _ arguments: [String]) throws -> (status: Int32, id: String, statuses: [String], stderr: String) {
        let result = try c.mgov.run(["notify", "send"] + arguments + ["--json"])
        guard let object = try? JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any],
              let notification = object["notification"] as? [String: Any] else {
            return (result.status, "", [], result.stderr)
        }
        let statuses = (notification["messages"] as? [[String: Any]] ?? []).map { $0["status"] as? String ?? "" }
        return (result.status, notification["id"] as? String ?? "", statuses, result.stderr)
    }

    func queueMany(_ c: CLIEnvironment, count: Int) throws {
        let csv = "to,Case\n" + (1...count).map { "email:user\($0)@example.md,\($0)/2026" }.joined(separator: "\n") + "\n"
        let file = try c.dir.write("work/many.csv", csv)
        let sent = try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "@" + file, "--var", "Name=Cetățean", "--queue", "--quiet")
        #expect(sent.status == 0, "\(sent.stderr)")
    }

    /// The welcome template and a channel "mail" to `smtp`.
    func addMailTemplateAndChannel(_ c: CLIEnvironment, _ smtp: SMTPSink) throws {
        try addMailTemplate(c)
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:\(smtp.port)?from=noreply@gov.md").status == 0)
    }

    func addMailTemplate(_ c: CLIEnvironment) throws {
        #expect(try c.mgov("notify", "template", "add", "welcome", "--kind", "email", "--subject", "Dosarul {{Case}} — gata",
                           "--body", "Stimate {{Name}},\n.dosarul {{Case}} e gata.\n").status == 0)
    }

    @Test func emailsGoOutOverOneConnectionWithHeadersAndUTF8() throws {
        let c = try CLIEnvironment()
        let smtp = try SMTPSink(c.dir, ["--pipelining"])
        defer { smtp.stop() }
        try addMailTemplate(c)
        #expect(try c.mgov("notify", "template", "add", "welcome", "--kind", "email", "--lang", "ru", "--subject", "Дело {{Case}} готово",
                           "--body", "Уважаемый {{Name}}, дело {{Case}} готово.").status == 0)
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:\(smtp.port)?from=noreply@gov.md&from_name=Agenția").status == 0)
        #expect(try c.mgov("notify", "contacts", "add", "idnp:2001234567890", "--name", "Иван", "--email", "ivan@example.md", "--lang", "ru").status == 0)

        let sent = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:ion@example.md", "--to", "idnp:2001234567890",
                                    "--to", "idnp:2009999999999", "--var", "Name=Ion", "--var", "Case=12/2026"])
        #expect(sent.status == 1, "one recipient has no contact: \(sent.stderr)")
        #expect(sent.statuses == ["Sent", "Sent", "Failed"])
        #expect(sent.stderr.contains("1 of 3 messages failed"))
        #expect(!sent.stderr.contains("\u{1B}") && !sent.stderr.contains("\r"), "no progress line when stderr is not a terminal")
        // An address with a line break is refused in one line that shows it.
        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "email:a@b.md\r\nRCPT TO:<e@x.md>", "--var", "Name=I", "--var", "Case=1")
            .expectOneLineError(2, containing: #"a@b.md\r\nRCPT"#)
        let messages = smtp.messages
        #expect(messages.count == 2)
        #expect(smtp.connections == 1)
        let ro = try #require(messages.first { $0.contains("To: ion@example.md") })
        let ru = try #require(messages.first { $0.contains("To: ivan@example.md") })
        #expect(SMTPSink.header("Subject", in: ro) == "Dosarul 12/2026 — gata")
        #expect(SMTPSink.header("Subject", in: ru) == "Дело 12/2026 готово")
        #expect(SMTPSink.header("From", in: ro) == "Agenția <noreply@gov.md>")
        #expect(SMTPSink.header("Message-ID", in: ro) == "<\(sent.id)-1@gov.md>")
        #expect(SMTPSink.header("Date", in: ro)?.hasSuffix("+0000") == true)
        #expect(SMTPSink.header("Content-Type", in: ro) == "text/plain; charset=utf-8")
        #expect(SMTPSink.body(of: ro).contains("Stimate Ion,\n.dosarul 12/2026 e gata."))
        #expect(SMTPSink.body(of: ru).contains("Уважаемый Иван, дело 12/2026 готово."))
        #expect(try statuses(c, sent.id) == ["Sent", "Sent", "Failed"])
        let failed = try c.mgov("notify", "list", "--status", "Failed")
        #expect(failed.stdout.contains("no contact idnp:2009999999999"))
        #expect(try c.mgov("log", "verify").status == 0)
    }

    @Test func aRecipientGivenTwiceWithTheSameValuesGetsOneMessage() throws {
        let c = try CLIEnvironment()
        try addMailTemplate(c)
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:1?from=noreply@gov.md").status == 0)
        let csv = try c.dir.write("work/to.csv", "to,Case\nemail:a@example.md,1\nemail:a@example.md,2\n")
        let sent = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:a@example.md", "--to", "email:a@example.md", "--to", "@" + csv,
                                    "--var", "Name=A", "--var", "Case=1", "--queue"])
        // The two --to are one message; each CSV row carries values of its own, so each is one more.
        #expect(sent.status == 0 && sent.statuses == ["Pending", "Pending", "Pending"], "\(sent.statuses) \(sent.stderr)")
        #expect(sent.stderr.contains("email:a@example.md is given twice with the same values"), "\(sent.stderr)")
    }

    @Test func startTLSAndLoginWithAPasswordKeptOutOfTheAddress() throws {
        let c = try CLIEnvironment()
        let ca = try TestPKI.makeCA(in: c.dir)
        let leaf = try TestPKI.makeLeaf(in: c.dir, name: "mail", ca: ca, san: "IP:127.0.0.1")
        let smtp = try SMTPSink(c.dir, ["--tls-cert", leaf.cert, "--tls-key", leaf.key, "--auth", "robot:s3cret pass"])
        defer { smtp.stop() }
        try addMailTemplate(c)
        let password = try c.dir.write("work/pw", "s3cret pass\n")
        let wrong = try c.dir.write("work/wrong", "nope\n")
        let address = "smtp://robot@127.0.0.1:\(smtp.port)?from=noreply@gov.md&starttls=1&ca=\(ca.cert)"
        #expect(try c.mgov("notify", "channel", "add", "mail", address, "--password-file", password).status == 0)
        #expect(try c.mgov("notify", "channel", "add", "wrong", address, "--password-file", wrong).status == 0)
        try c.mgov("notify", "channel", "add", "inline", "smtp://robot:s3cret@127.0.0.1:1?from=a@gov.md").expectOneLineError(2, containing: "--password-file")
        let empty = try c.dir.write("work/empty-password", "\n")
        try c.mgov("notify", "channel", "add", "blank", address, "--password-file", empty).expectOneLineError(64, containing: "is empty")

        let ok = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:ion@example.md", "--var", "Name=Ion", "--var", "Case=1"])
        #expect(ok.status == 0 && ok.statuses == ["Sent"], "\(ok.stderr)")
        #expect(smtp.messages.count == 1)
        let refused = try sendJSON(c, ["welcome", "--channel", "wrong", "--to", "email:ion@example.md", "--var", "Name=Ion", "--var", "Case=2"])
        #expect(refused.status == 1 && refused.statuses == ["Failed"])
        #expect(try c.mgov("notify", "status", refused.id).stdout.contains("535"))
        #expect(smtp.messages.count == 1)

        let listed = try c.mgov("notify", "channel", "list", "--json")
        #expect(!listed.stdout.contains("s3cret") && listed.stdout.contains("\"has_secret\" : true"))
        let stored = try TestProcess.run("/usr/bin/sqlite3", [c.mgov.home + "/mgov.sqlite", "SELECT name, kind, settings FROM notify_channel"])
        #expect(stored.status == 0 && stored.stdout.contains("robot@127.0.0.1") && !stored.stdout.contains("s3cret"), "\(stored.stdout)")
        let log = try c.mgov("log", "tail", "-n", "100", "--json")
        #expect(!log.stdout.contains("s3cret"))
    }

    @Test func aServerDownAtSendTimeGetsEachMessageOnceWhenItIsBack() throws {
        let c = try CLIEnvironment()
        let first = try SMTPSink(c.dir, name: "first")
        let port = first.port
        first.stop()
        try addMailTemplate(c)
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:\(port)?from=noreply@gov.md").status == 0)
        let sent = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:a@example.md", "--to", "email:b@example.md", "--to", "email:c@example.md",
                                    "--var", "Name=X", "--var", "Case=1"])
        #expect(sent.status == 0 && sent.statuses == ["Retrying", "Retrying", "Retrying"], "\(sent.stderr)")
        #expect(sent.stderr.contains("3 messages will be retried"))
        #expect(try c.mgov("notify", "status", sent.id).stdout.contains("connection refused"))

        let smtp = try SMTPSink(c.dir, name: "second", port: port)
        defer { smtp.stop() }
        let notDue = try c.mgov("notify", "dispatch")
        #expect(notDue.status == 0 && notDue.stdout.contains("attempted 0"), "\(notDue.stdout)\(notDue.stderr)")
        let now = try c.mgov("notify", "dispatch", "--now")
        #expect(now.status == 0 && now.stdout.contains("attempted 3: 3 sent"), "\(now.stdout)\(now.stderr)")
        #expect(try c.mgov("notify", "dispatch", "--now").stdout.contains("attempted 0"))
        #expect(smtp.messages.count == 3)
        #expect(Set(smtp.messageIDs).count == 3)
        #expect(try statuses(c, sent.id) == ["Sent", "Sent", "Sent"])
    }

    @Test func temporaryRefusalsRetryAndPermanentOnesDoNot() throws {
        let c = try CLIEnvironment()
        let smtp = try SMTPSink(c.dir, ["--tempfail-rcpt", "1", "--reject", "gone@example.md", "--pipelining"])
        defer { smtp.stop() }
        try addMailTemplateAndChannel(c, smtp)
        let sent = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:ok@example.md", "--to", "email:gone@example.md", "--var", "Name=X", "--var", "Case=1"])
        #expect(sent.status == 1 && sent.statuses == ["Retrying", "Failed"], "\(sent.stderr)")
        let status = try c.mgov("notify", "status", sent.id).stdout
        #expect(status.contains("451") && status.contains("550"))
        #expect(try c.mgov("notify", "dispatch", "--now").stdout.contains("attempted 1: 1 sent"))
        #expect(try statuses(c, sent.id) == ["Sent", "Failed"])
        #expect(smtp.messages.count == 1)
        #expect(smtp.connections == 2)
    }

    /// A message the server refuses after its content (aiosmtpd keeps the envelope when its handler
    /// fails) must not take the next message on the connection down with it.
    @Test func aMessageRefusedAfterItsContentDoesNotFailTheNextOnTheConnection() throws {
        let c = try CLIEnvironment()
        let smtp = try SMTPSink(c.dir, ["--crash-data", "1"])
        defer { smtp.stop() }
        try addMailTemplateAndChannel(c, smtp)
        let sent = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:a@example.md", "--to", "email:b@example.md", "--var", "Name=X", "--var", "Case=1"])
        #expect(sent.status == 1 && sent.statuses == ["Failed", "Sent"], "\(sent.stderr)")
        #expect(try c.mgov("notify", "status", sent.id).stdout.contains("the mailbox is not there"))
        #expect(smtp.messages.count == 1 && smtp.connections == 1)
    }

    @Test func aDispatcherKilledMidBatchLosesNothingAndRepeatsAtMostTheMessagesInFlight() throws {
        let c = try CLIEnvironment()
        let smtp = try SMTPSink(c.dir, ["--delay", "0.02"])
        defer { smtp.stop() }
        try addMailTemplateAndChannel(c, smtp)
        try queueMany(c, count: 150)
        let dispatcher = try BackgroundProcess(MGovRunner.executable, ["notify", "dispatch"], environment: c.mgov.environment)
        let deadline = Date().addingTimeInterval(60)
        while smtp.messages.count < 40 && Date() < deadline && dispatcher.process.isRunning { usleep(20_000) }
        dispatcher.stop(SIGKILL)
        let before = smtp.messages.count
        #expect(before >= 40 && before < 150, "delivered before the kill: \(before)")

        let again = try c.mgov("notify", "dispatch")
        #expect(again.status == 0, "\(again.stderr)")
        let ids = smtp.messageIDs
        #expect(Set(ids).count == 150, "distinct messages: \(Set(ids).count)")
        // The documented window: at most the one message in flight on each of the (at most 4) connections.
        #expect(ids.count - 150 <= 4, "repeats: \(ids.count - 150)")
        let sent = try c.mgov("notify", "list", "--status", "Sent", "--limit", "1000", "--json")
        #expect((try JSONSerialization.jsonObject(with: sent.stdoutData) as? [Any])?.count == 150)
        #expect(try c.mgov("log", "verify").status == 0)
    }

    @Test func twoDispatchersOnOneHomeNeverSendAMessageTwice() async throws {
        let c = try CLIEnvironment()
        let smtp = try SMTPSink(c.dir, ["--delay", "0.005"])
        defer { smtp.stop() }
        try addMailTemplateAndChannel(c, smtp)
        try queueMany(c, count: 120)
        let runner = c.mgov
        let results = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for _ in 0..<2 { group.addTask { try runner.run(["notify", "dispatch"]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result.status == 0, "\(result.stderr)") }
        #expect(smtp.messages.count == 120)
        #expect(Set(smtp.messageIDs).count == 120)
        #expect(smtp.connections <= 8, "connections: \(smtp.connections)")
        #expect(try c.mgov("log", "verify").status == 0)
    }

    @Test func referencesCancelAndTheErrorContract() throws {
        let c = try CLIEnvironment()
        try addMailTemplate(c)
        // Saved again, a language's text is replaced, and said to be.
        let resaved = try c.mgov("notify", "template", "add", "welcome", "--kind", "email", "--subject", "Dosarul {{Case}} — gata",
                               "--body", "Stimate {{Name}},\n.dosarul {{Case}} e gata.\n")
        #expect(resaved.status == 0 && resaved.stderr.contains("replaced the ro text of template welcome"), "\(resaved.stderr)")
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:1?from=noreply@gov.md").status == 0)
        let first = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:a@example.md", "--var", "Name=A", "--var", "Case=1", "--reference", "case-1", "--queue"])
        #expect(first.status == 0 && first.statuses == ["Pending"])
        try c.mgov("notify", "channel", "rm", "mail").expectOneLineError(1, containing: "1 unsent message")
        let again = try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "email:a@example.md", "--var", "Name=A", "--var", "Case=1",
                               "--reference", "case-1", "--queue")
        #expect(again.status == 0 && again.stdout.contains("\(first.id) (already sent with this reference)"))
        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "email:a@example.md", "--var", "Name=A", "--var", "Case=2",
                   "--reference", "case-1").expectOneLineError(1, containing: "reference case-1 was already used")
        #expect(try c.mgov("notify", "status", "--reference", "case-1").stdout.contains(first.id))
        let status = try c.mgov("notify", "status", "--reference", "case-1", "--json").json() as? [String: Any]
        #expect(status?["notification"] != nil && status?["created"] == nil, "status made nothing: it says nothing of it")

        let cancelled = try c.mgov("notify", "cancel", first.id)
        #expect(cancelled.status == 0 && cancelled.stdout.contains("Cancelled"))
        try c.mgov("notify", "cancel", first.id).expectOneLineError(1, containing: "nothing left to cancel")
        // Nothing waits for the channel now; with --json, the removal is said on stdout, as profile delete says it.
        let removed = try c.mgov("notify", "channel", "rm", "mail", "--json")
        #expect(removed.status == 0 && (try? removed.json() as? [String: String]) == ["removed": "mail"], "\(removed.stdout)")
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:1?from=noreply@gov.md").status == 0)

        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "email:a@example.md", "--var", "Name=A")
            .expectOneLineError(2, containing: "{{Case}}")
        try c.mgov("notify", "send", "nope", "--channel", "mail", "--to", "email:a@example.md").expectOneLineError(2, containing: "no template nope")
        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "a@example.md", "--var", "Name=A", "--var", "Case=1")
            .expectOneLineError(2, containing: "is not a recipient")
        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "tel:0600", "--var", "Name=A", "--var", "Case=1")
            .expectOneLineError(2, containing: "E.164")
        try c.mgov("notify", "channel", "add", "x", "smtp://127.0.0.1:25").expectOneLineError(2, containing: "from=")
        try c.mgov("notify", "template", "add", "bad", "--kind", "email", "--subject", "s", "--body", "Hi {{Name").expectOneLineError(2, containing: "not closed")
        #expect(try c.mgov("notify", "list", "--json").status == 0)
        #expect(try c.mgov("notify", "list", "--status", "Pending").stdout.split(separator: "\n").count == 1)
    }

    @Test func renderPreviewsTextsAndSMSSegments() throws {
        let c = try CLIEnvironment()
        #expect(try c.mgov("notify", "template", "add", "code", "--kind", "sms", "--body", "Codul dvs. {{Code}} expiră în 5 minute.").status == 0)
        #expect(try c.mgov("notify", "template", "add", "code", "--kind", "sms", "--lang", "ru", "--body", "Ваш код {{Code}}").status == 0)
        let ro = try c.mgov("notify", "template", "render", "code", "--var", "Code=123456")
        #expect(ro.stdout == "Codul dvs. 123456 expiră în 5 minute.\n")
        #expect(ro.stderr.contains("UCS-2") && ro.stderr.contains("1 segment"))
        let ru = try c.mgov("notify", "template", "render", "code", "--lang", "ru", "--var", "Code=1", "--json")
        #expect(ru.stdout.contains("\"segments\" : 1") && ru.stdout.contains("Ваш код 1"), "\(ru.stdout)")
        try c.mgov("notify", "template", "render", "code").expectOneLineError(2, containing: "{{Code}}")
        let long = try c.mgov("notify", "template", "add", "long", "--kind", "email", "--subject", String(repeating: "s", count: 90), "--body", "b")
        #expect(long.status == 0 && long.stderr.contains("90 characters"))
    }

    @Test func webhooksArePostedWithAnHMACOfTheBody() throws {
        let c = try CLIEnvironment()
        let receiver = try HTTPRecorder(c.dir)
        defer { receiver.process.stop(SIGKILL) }
        #expect(try c.mgov("notify", "template", "add", "event", "--kind", "webhook", "--subject", "Dosar {{Case}}", "--body", "Dosarul {{Case}}: {{State}}").status == 0)
        let added = try c.mgov("notify", "channel", "add", "hook", "webhook+http://127.0.0.1:\(receiver.port)/in")
        #expect(added.status == 0)
        let key = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.count == 64)
        let sent = try sendJSON(c, ["event", "--channel", "hook", "--to", "idnp:2001234567890", "--to", "email:x@example.md", "--to", "email:y@example.md",
                                    "--to", "email:z@example.md", "--var", "Case=12", "--var", "State=gata"])
        #expect(sent.status == 0 && sent.statuses == ["Delivered", "Delivered", "Delivered", "Delivered"], "\(sent.stderr)")
        let requests = receiver.requests
        #expect(requests.count == 4)
        for request in requests {
            #expect(request.method == "POST" && request.path == "/in")
            let body = try c.dir.write("work/body-\(UUID().uuidString)", data: request.body)
            let mac = try TestProcess.run("/usr/bin/openssl", ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(key)", "-r", body])
            let expected = "sha256=" + (mac.stdout.split(separator: " ").first.map(String.init) ?? "?")
            #expect(request.headers["X-MGov-Signature"] == expected)
            let payload = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
            #expect(payload["body"] as? String == "Dosarul 12: gata" && payload["notification"] as? String == sent.id)
            #expect(request.headers["X-MGov-Message-Id"] == payload["message"] as? String)
            // Standard Webhooks: HMAC-SHA256 over "id.timestamp.body", base64, after "v1,"; a timestamp of now.
            let id = try #require(request.headers["webhook-id"]), timestamp = try #require(request.headers["webhook-timestamp"])
            #expect(id == payload["message"] as? String)
            #expect(abs((Double(timestamp) ?? 0) - Date().timeIntervalSince1970) < 300, "\(timestamp)")
            let signed = try c.dir.write("work/signed-\(UUID().uuidString)", data: Data("\(id).\(timestamp).".utf8) + request.body)
            let standard = try TestProcess.run("/usr/bin/openssl", ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(key)", "-binary", signed])
            #expect(request.headers["webhook-signature"] == "v1," + standard.stdoutData.base64EncodedString())
        }
        // A receiver's 5xx is retried, its 4xx is not.
        let failing = try sendJSON(c, ["event", "--channel", "hook", "--to", "email:a@example.md", "--to", "email:b@example.md",
                                       "--var", "Case=fail500", "--var", "State=x"])
        #expect(failing.statuses == ["Retrying", "Retrying"] && failing.status == 0)
        let refused = try sendJSON(c, ["event", "--channel", "hook", "--to", "email:a@example.md", "--var", "Case=fail400", "--var", "State=x"])
        #expect(refused.statuses == ["Failed"] && refused.status == 1)
    }

    @Test func smsGoesThroughAnHTTPGatewayDescribedByARequestTemplate() throws {
        let c = try CLIEnvironment()
        let gateway = try HTTPRecorder(c.dir)
        defer { gateway.process.stop(SIGKILL) }
        let token = try c.dir.write("work/token", "gw-token-1\n")
        #expect(try c.mgov("notify", "template", "add", "code", "--kind", "sms", "--body", "Long body {{Code}}", "--short", "Cod {{Code}}").status == 0)
        #expect(try c.mgov("notify", "channel", "add", "gw", "sms+http://127.0.0.1:\(gateway.port)/send", "--encoding", "form",
                           "--field", "msisdn={{to}}", "--field", "message={{text}}", "--field", "ref={{id}}", "--password-file", token).status == 0)
        #expect(try c.mgov("notify", "contacts", "add", "idnp:2001234567890", "--phone", "+37369000002").status == 0)
        let sent = try sendJSON(c, ["code", "--channel", "gw", "--to", "tel:+37369000001", "--to", "idnp:2001234567890", "--to", "email:a@example.md",
                                    "--var", "Code=4321"])
        #expect(sent.statuses == ["Sent", "Sent", "Failed"] && sent.status == 1, "\(sent.stderr)")
        let requests = gateway.requests
        #expect(requests.count == 2)
        let forms = requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(forms.contains("msisdn=%2B37369000001&message=Cod%204321&ref=\(sent.id)-1"))
        #expect(forms.contains("msisdn=%2B37369000002&message=Cod%204321&ref=\(sent.id)-2"))
        #expect(requests.allSatisfy { $0.headers["Authorization"] == "Bearer gw-token-1" })
        try c.mgov("notify", "channel", "add", "bad", "sms+http://127.0.0.1:1/x", "--field", "to={{phone}}").expectOneLineError(2, containing: "{{phone}}")

        // A gateway that wants its token in the query gets {{token}} filled in at send time, and no
        // Authorization header; the token is never stored in the address, listed, or quoted back.
        try c.mgov("notify", "channel", "add", "leak", "sms+http://127.0.0.1:1/x?api_key=gw-token-1")
            .expectOneLineError(2, containing: "--field api_key={{token}}")
        try c.mgov("notify", "channel", "add", "leak", "sms+http://127.0.0.1:1/x", "--field", "to={{to}}", "--field", "apiKey=gw-token-1")
            .expectOneLineError(2, containing: "holds a secret")
        for address in ["sms+http://127.0.0.1:1/x?client_secret=abc", "sms+http://127.0.0.1:1/x?x=gw-token-1", "sms+http://127.0.0.1:1/send/gw-token-1",
                        "sms+http://gw-token-1@127.0.0.1:1/send"] {
            #expect(try c.mgov("notify", "channel", "add", "leak", address, "--password-file", token).status == 2, "\(address)")
        }
        try c.mgov("notify", "channel", "add", "leak", "sms+http://127.0.0.1:1/x", "--field", "to={{to}}", "--field", "x=gw-token-1", "--password-file", token)
            .expectOneLineError(2, containing: "holds the secret")
        #expect(try c.mgov("notify", "channel", "add", "gwq", "sms+http://127.0.0.1:\(gateway.port)/echo", "--method", "GET", "--encoding", "query",
                           "--field", "to={{to}}", "--field", "text={{text}}", "--field", "api_key={{token}}", "--password-file", token).status == 0)
        let echoed = try sendJSON(c, ["code", "--channel", "gwq", "--to", "tel:+37369000001", "--var", "Code=1"])
        #expect(echoed.statuses == ["Failed"], "the gateway answers 400 with the URL it was sent")
        let query = try #require(gateway.requests.last)
        #expect(query.method == "GET" && query.path.contains("api_key=gw-token-1") && query.headers["Authorization"] == nil, "\(query)")
        let status = try c.mgov("notify", "status", echoed.id, "--json").stdout
        #expect(!status.contains("gw-token-1") && status.contains("[token]"), "\(status)")
        #expect(!(try c.mgov("notify", "channel", "list", "--json").stdout.contains("gw-token-1")))
        #expect(!(try c.mgov("log", "export", "--format", "ndjson").stdout.contains("gw-token-1")), "the audit log holds no token")
        // The logged address leaves the query's values out.
        #expect(try c.mgov("notify", "channel", "add", "q", "sms+http://127.0.0.1:1/send?account=42").status == 0)
        let added = try c.mgov("log", "query", "--type", "MNotify.Channel.Added", "--json").stdout
        #expect(added.contains("channel sms+http://127.0.0.1:1/send?account=") && !added.contains("account=42"), "\(added)")
    }
}

extension NotifyCommandTests {
    @Test func aWatchingDispatcherDeliversNewMessagesAndStopsOnSIGTERM() throws {
        let c = try CLIEnvironment()
        let smtp = try SMTPSink(c.dir)
        defer { smtp.stop() }
        try addMailTemplateAndChannel(c, smtp)
        let watcher = try BackgroundProcess(MGovRunner.executable, ["notify", "dispatch", "--watch", "--interval", "0.2", "--json"], environment: c.mgov.environment)
        defer { watcher.stop(SIGKILL) }
        #expect(try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "email:a@example.md", "--var", "Name=A", "--var", "Case=1", "--queue").status == 0)
        let deadline = Date().addingTimeInterval(20)
        while smtp.messages.isEmpty && Date() < deadline { usleep(50_000) }
        #expect(smtp.messages.count == 1)
        kill(watcher.process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(20)
        while watcher.process.isRunning && Date() < stopBy { usleep(50_000) }
        #expect(!watcher.process.isRunning)
        if !watcher.process.isRunning { #expect(watcher.process.terminationStatus == 0, "\(watcher.stderr)") }
        // With --json, each pass that sent something is one JSON line on stdout.
        let passes = watcher.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(passes.first?["sent"] as? Int == 1 && passes.first?["attempted"] as? Int == 1, "\(watcher.stdout)")
    }
}

extension NotifyCommandTests {
    @Test func repliesSentAfterSTARTTLSAgreementAreNotTrusted() throws {
        let c = try CLIEnvironment()
        let script = try c.dir.write("work/inject.py", """
        import socket, sys
        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(5)
        print(s.getsockname()[1], flush=True)
        while True:
            conn, _ = s.accept()
            f = conn.makefile('rb')
            conn.sendall(b'220 evil ESMTP\\r\\n')
            f.readline(); conn.sendall(b'250-evil\\r\\n250 STARTTLS\\r\\n')
            f.readline(); conn.sendall(b'220 go ahead\\r\\n250 INJECTED-IN-PLAINTEXT\\r\\n')
            f.read(1)
            conn.close()
        """)
        let server = try BackgroundProcess("/usr/bin/python3", [script], environment: ["PATH": "/usr/bin:/bin"])
        defer { server.stop(SIGKILL) }
        guard server.waitForOutput({ $0.contains("\n") }) else { throw TestFailure("the server did not start") }
        let port = server.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try addMailTemplate(c)
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:\(port)?from=noreply@gov.md").status == 0)
        let sent = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:a@example.md", "--var", "Name=A", "--var", "Case=1"])
        #expect(sent.statuses == ["Retrying"], "\(sent.stderr)")
        #expect(try c.mgov("notify", "status", sent.id).stdout.contains("sent more after agreeing to STARTTLS"))
    }

    @Test func badBulkInputIsRefusedBeforeAnythingIsQueued() throws {
        let c = try CLIEnvironment()
        try addMailTemplate(c)
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:1?from=noreply@gov.md").status == 0)
        let empty = try c.dir.write("work/empty.csv", "to,Name,Case\nemail:a@example.md,,1\n")
        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "@" + empty, "--queue").expectOneLineError(2, containing: "{{Name}}")
        let noTo = try c.dir.write("work/noto.csv", "email,Name,Case\na@example.md,A,1\n")
        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "@" + noTo, "--queue").expectOneLineError(2, containing: "'to'")
        let crlf = try c.dir.write("work/crlf.csv", "to,Name,Case\n\"email:a@example.md\r\n\",A,1\n")
        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "@" + crlf, "--queue").expectOneLineError(2, containing: "e-mail address")
        try c.mgov("notify", "send", "welcome", "--channel", "mail", "--to", "email:a@example.md", "--var", "Name=A", "--var", "Case=1",
                   "--deadline", "99999999d").expectOneLineError(64, containing: "--deadline")
        let listed = try c.mgov("notify", "list", "--json")
        #expect((try JSONSerialization.jsonObject(with: listed.stdoutData) as? [Any])?.isEmpty == true, "\(listed.stdout)")
    }
}

extension NotifyCommandTests {
    /// A receiver that takes connections and never answers.
    final class SilentReceiver {
        let process: BackgroundProcess
        let port: String

        init(_ dir: TemporaryDirectory) throws {
            let script = try dir.write("work/silent.py", """
                import socket
                s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(16)
                print(s.getsockname()[1], flush=True)
                held = []
                while True:
                    c, _ = s.accept(); held.append(c)
                """)
            process = try BackgroundProcess("/usr/bin/python3", [script], environment: ["PATH": "/usr/bin:/bin"])
            guard process.waitForOutput({ $0.contains("\n") }) else { throw TestFailure("the silent receiver did not start") }
            port = process.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func aSilentWebhookDoesNotHoldUpAnotherChannelsMessages() throws {
        let c = try CLIEnvironment()
        let smtp = try SMTPSink(c.dir)
        defer { smtp.stop() }
        let silent = try SilentReceiver(c.dir)
        defer { silent.process.stop(SIGKILL) }
        try addMailTemplate(c)
        #expect(try c.mgov("notify", "template", "add", "event", "--kind", "webhook", "--body", "Dosarul {{Case}}").status == 0)
        #expect(try c.mgov("notify", "channel", "add", "mail", "smtp://127.0.0.1:\(smtp.port)?from=noreply@gov.md").status == 0)
        #expect(try c.mgov("notify", "channel", "add", "hook", "webhook+http://127.0.0.1:\(silent.port)/in").status == 0)
        // The webhook's notification is the older one, so it comes first in the batch.
        let hook = try sendJSON(c, ["event", "--channel", "hook", "--to", "email:a@example.md", "--var", "Case=1", "--queue"])
        usleep(5_000)
        let mail = try sendJSON(c, ["welcome", "--channel", "mail", "--to", "email:b@example.md", "--var", "Name=B", "--var", "Case=2", "--queue"])
        #expect(hook.status == 0 && mail.status == 0, "\(hook.stderr)\(mail.stderr)")
        let dispatcher = try BackgroundProcess(MGovRunner.executable, ["notify", "dispatch"], environment: c.mgov.environment)
        defer { dispatcher.stop(SIGKILL) }
        // The webhook waits up to 30 s for an answer; the e-mail goes out meanwhile.
        let deadline = Date().addingTimeInterval(20)
        while smtp.messages.isEmpty && Date() < deadline { usleep(50_000) }
        #expect(smtp.messages.count == 1)
        #expect(try statuses(c, mail.id) == ["Sent"])
        #expect(try statuses(c, hook.id) == ["Sending"])
        // The receiver goes away: its message is kept for a retry and the run ends.
        silent.process.stop(SIGKILL)
        let stopBy = Date().addingTimeInterval(20)
        while dispatcher.process.isRunning && Date() < stopBy { usleep(50_000) }
        #expect(!dispatcher.process.isRunning)
        #expect(try statuses(c, hook.id) == ["Retrying"])
    }
}
