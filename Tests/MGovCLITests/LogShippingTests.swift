import Foundation
import MGovTestSupport
import Testing

/// Two homes and a CA: a collector (server certificate) and a shipper (client certificate).
struct ShippingEnvironment {
    let dir: TemporaryDirectory
    let collector: MGovRunner
    let shipper: MGovRunner
    let ca: (key: String, cert: String)
    let client: (key: String, cert: String)

    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("work"), withIntermediateDirectories: true)
        ca = try TestPKI.makeCA(in: dir)
        let server = try TestPKI.makeLeaf(in: dir, name: "collector", ca: ca, san: "IP:127.0.0.1")
        client = try TestPKI.makeLeaf(in: dir, name: "shipper", ca: ca)
        collector = MGovRunner(home: dir.file("collector-home"), workDirectory: dir.file("work"))
        shipper = MGovRunner(home: dir.file("shipper-home"), workDirectory: dir.file("work"))
        #expect(try collector("profile", "create", "mlog", "--identity", "MD/GOV/1000000000001/MLOG", "--key", server.key,
                              "--cert", server.cert, "--trust", ca.cert, "--default").status == 0)
        #expect(try shipper("profile", "create", "agency", "--identity", "MD/GOV/1003600123456/REGISTRY", "--key", client.key,
                            "--cert", client.cert, "--trust", ca.cert, "--default").status == 0)
    }

    /// Starts `log serve` and returns it with the URL it printed.
    func serve(_ listen: String = "127.0.0.1:0", extra: [String] = []) throws -> (BackgroundProcess, String) {
        let server = try BackgroundProcess(MGovRunner.executable, ["log", "serve", "--listen", listen] + extra, environment: collector.environment)
        guard server.waitForOutput({ $0.contains("listening on ") }) else {
            throw TestFailure("log serve did not start: \(server.stdout) \(server.stderr)")
        }
        let line = server.stdout.split(separator: "\n").first { $0.hasPrefix("listening on ") } ?? ""
        return (server, String(line.dropFirst("listening on ".count)))
    }

    func curl(_ arguments: [String], input: Data? = nil) throws -> ProcessResult {
        try TestProcess.run("/usr/bin/curl", ["-sS", "-k", "--cert", client.cert, "--key", client.key, "-w", "\n%{http_code}"] + arguments, input: input)
    }

    func count(_ runner: MGovRunner, type: String) throws -> Int {
        let result = try runner("log", "query", "--type", type, "--json")
        return (try result.json() as? [String: Any])?["total"] as? Int ?? -1
    }
}

extension ProcessResult {
    /// The status code curl printed last (with -w "\n%{http_code}").
    var httpStatus: Int { Int(stdout.split(separator: "\n").last ?? "") ?? -1 }
}

@Suite(.serialized) struct LogShippingTests {
    @Test func shipsSignedEventsFromOneHomeToAnotherAndResumesAfterAnOutage() throws {
        let t = try ShippingEnvironment()
        var (server, url) = try t.serve()
        let port = url.split(separator: ":").last.map(String.init) ?? ""
        for i in 0..<25 {
            try t.shipper("log", "append", "--type", "Ship.Test.Event", "--user", "clerk\(i)", "--quiet")
        }
        let shipped = try t.shipper("log", "ship", "--to", url)
        #expect(shipped.status == 0, "\(shipped.stderr)")
        #expect(shipped.stdout.contains("shipped 26 entries"))
        #expect(try t.count(t.collector, type: "Ship.Test.Event") == 25)
        let stored = try t.collector("log", "query", "--type", "Ship.Test.Event", "--page-size", "1", "--json")
        let event = (((try stored.json() as? [String: Any])?["entries"] as? [[String: Any]])?.first?["event"] as? [String: Any]) ?? [:]
        #expect((event["event_signature"] as? String)?.contains("..") == true, "signed, payload detached: \(event)")
        #expect((event["registered_by"] as? String)?.contains("CN=shipper") == true)
        #expect(try t.shipper("log", "ship", "--to", url).stdout.contains("nothing to ship"))

        // The collector goes down: nothing is lost, the error says what waits.
        server.stop()
        #expect(server.process.terminationStatus == 0, "log serve stops cleanly on SIGTERM: \(server.stderr)")
        for i in 0..<5 { try t.shipper("log", "append", "--type", "Ship.Test.Event", "--user", "late\(i)", "--quiet") }
        try t.shipper("log", "ship", "--to", url).expectOneLineError(2, containing: "5 entries wait to be shipped (from entry 26)")

        (server, url) = try t.serve("127.0.0.1:\(port)")
        defer { server.stop() }
        let resumed = try t.shipper("log", "ship", "--to", url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("shipped 5 entries"))
        #expect(try t.count(t.collector, type: "Ship.Test.Event") == 30)
        #expect(try t.collector("log", "verify").status == 0)
    }

    @Test func theCollectorAnswersAsMLogDocuments() throws {
        let t = try ShippingEnvironment()
        let (server, url) = try t.serve()
        defer { server.stop() }
        let event = #"{"event_type":"MConnect.Request.Served","event_time":"2026-11-23T10:00:00Z","user":"alice"}"#
        let registered = try t.curl(["-X", "POST", "-H", "Idempotency-Key: batch-1", "--data-binary", "@-", url + "/register"], input: Data((event + "\n" + event + "\n").utf8))
        #expect(registered.httpStatus == 200, "\(registered.stdout) \(registered.stderr)")
        let body = registered.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let uid = try #require(answer["uid"] as? String)
        #expect(answer["count"] as? Int == 2)

        let again = try t.curl(["-X", "POST", "-H", "Idempotency-Key: batch-1", "--data-binary", "@-", url + "/register"], input: Data((event + "\n" + event + "\n").utf8))
        #expect(again.stdout.contains(uid), "a resent batch is not registered twice")

        let one = try t.curl([url + "/query/" + uid])
        #expect(one.httpStatus == 200)
        #expect(one.stdout.contains("\"alice\""))
        #expect(try t.curl([url + "/query/00000000-0000-7000-8000-000000000000"]).httpStatus == 404)
        let search = try t.curl([url + "/query?type=MConnect.Request.Served&user=alice"])
        #expect(search.stdout.contains("\"total\":2"), "\(search.stdout)")
        let unjustified = try t.curl([url + "/query?from=2026-11-01&to=2026-11-30"])
        #expect(unjustified.httpStatus == 400 && unjustified.stdout.contains("needs legal_basis"), "the HTTP parameter's name: \(unjustified.stdout)")
        #expect(try t.curl([url + "/query?from=2026-11-01&to=2026-11-30&legal_basis=audit"]).httpStatus == 200)

        #expect(try t.curl(["-X", "POST", "--data-binary", "{not json", url + "/register"]).httpStatus == 400)
        let big = Data((#"{"event_type":"A.B.C","event_time":"2026-11-23","x":""# + String(repeating: "y", count: 300_000) + "\"}\n").utf8)
        #expect(try t.curl(["-X", "POST", "--data-binary", "@-", url + "/register"], input: big).httpStatus == 413)
        let forged = #"{"protected":"eyJhbGciOiJFUzI1NiIsImtpZCI6IjAxIn0","payload":"e30","signature":"AAAA"}"#
        let refused = try t.curl(["-X", "POST", "--data-binary", forged, url + "/register"])
        #expect(refused.httpStatus == 401, "\(refused.stdout)")
        #expect(try t.count(t.collector, type: "MConnect.Request.Served") == 2, "refused batches store nothing")

        let anonymous = try TestProcess.run("/usr/bin/curl", ["-sS", "-k", url + "/query?type=A.B.C"])
        #expect(anonymous.status != 0, "a client without a certificate is refused at the TLS handshake")
    }

    @Test func shippingNeedsTLSCredentialsAndAReachableCollector() throws {
        let t = try ShippingEnvironment()
        try t.shipper("log", "ship", "--to", "http://127.0.0.1:9/").expectOneLineError(2, containing: "plain HTTP")
        try t.shipper("log", "ship", "--to", "https://127.0.0.1:9").expectOneLineError(2, containing: "cannot reach https://127.0.0.1:9")
        // A destination that is no URL is not mended by running again, so the error does not suggest it.
        let notURL = try t.shipper("log", "ship", "--to", "collector.example")
        try notURL.expectOneLineError(2, containing: "entries wait to be shipped (from entry 0)")
        #expect(!notURL.stderr.contains("again"), "\(notURL.stderr)")
        try t.collector("log", "serve", "--listen", "nonsense").expectOneLineError(64, containing: "not an address to listen on")
    }
}
