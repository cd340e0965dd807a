import Foundation
import MGovTestSupport
import Testing

/// A provider home serving the carrier endpoints, a registered carrier and a sender's certificate.
struct DeliverEnvironment {
    let env: CLIEnvironment
    var mgov: MGovRunner { env.mgov }
    let ca: (key: String, cert: String)
    let carrier: (key: String, cert: String)
    let sender: (key: String, cert: String)

    init() throws {
        env = try CLIEnvironment()
        ca = try TestPKI.makeCA(in: env.dir)
        let server = try TestPKI.makeLeaf(in: env.dir, name: "mdelivery", ca: ca, san: "IP:127.0.0.1")
        carrier = try TestPKI.makeLeaf(in: env.dir, name: "posta", ca: ca)
        sender = try TestPKI.makeLeaf(in: env.dir, name: "agency", ca: ca)
        #expect(try env.mgov("profile", "create", "mdelivery", "--identity", "MD/GOV/1003600123456/MDELIVERY", "--key", server.key,
                             "--cert", server.cert, "--trust", ca.cert, "--default").status == 0)
        #expect(try env.mgov("deliver", "carrier", "add", "Posta Moldovei", "--cert", carrier.cert).status == 0)
    }

    func create(_ extra: [String] = []) throws -> String {
        let result = try mgov.run(["deliver", "create", "--recipient", "idnp:2001234567890", "--name", "Ion Popescu",
                                   "--address", "str. Ștefan cel Mare 1, Chișinău", "--service", "acte"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func history(_ id: String) throws -> [[String: Any]] {
        let order = try #require(try mgov("deliver", "show", id, "--json").json() as? [String: Any])
        return order["history"] as? [[String: Any]] ?? []
    }
}

@Suite(.serialized) struct DeliverServeTests {
    @Test func theHappyPathThroughTheCarrierEndpoints() throws {
        let d = try DeliverEnvironment()
        let id = try d.create(["--package", "0.4:30x21x2"])
        #expect(try d.mgov("deliver", "update", id, "Ready", "--as", "sender", "--message", "printed and sealed").status == 0)

        let server = try BackgroundProcess(MGovRunner.executable, ["deliver", "serve", "--listen", "127.0.0.1:0"], environment: d.mgov.environment)
        defer { server.stop() }
        guard server.waitForOutput({ $0.contains("listening on ") }) else { throw TestFailure("deliver serve did not start: \(server.stderr)") }
        let url = String((server.stdout.split(separator: "\n").first { $0.hasPrefix("listening on ") } ?? "").dropFirst("listening on ".count))
        let base = url + "/api/v1/delivery/services/acte"
        func curl(_ who: (key: String, cert: String), _ arguments: [String]) throws -> ProcessResult {
            try TestProcess.run("/usr/bin/curl", ["-sS", "--cacert", d.ca.cert, "--cert", who.cert, "--key", who.key, "-w", "\n%{http_code}"] + arguments)
        }
        func put(_ who: (key: String, cert: String), _ body: String) throws -> ProcessResult {
            try curl(who, ["-X", "PUT", "-H", "Content-Type: application/json", "--data", body, "\(base)/orders/\(id)/delivery/status"])
        }

        let details = try curl(d.carrier, ["\(base)/orders/\(id)/delivery/details"])
        #expect(details.httpStatus == 200, "\(details.stdout)")
        #expect(details.stdout.contains("Ion Popescu"))
        #expect(try put(d.carrier, #"{"status":"Delivering","message":"picked up","carrierName":"Posta Moldovei","trackingID":"RR123456789MD","estimatedDeliveryFrom":"2026-11-25T09:00:00Z","estimatedDeliveryTo":"2026-11-25T18:00:00Z","cost":35.5,"eventCode":"EMC"}"#).httpStatus == 200)
        #expect(try put(d.carrier, #"{"status":"Delivered","message":"handed over","eventCode":"EMI"}"#).httpStatus == 200)
        let illegal = try put(d.carrier, #"{"status":"Returned"}"#)
        #expect(illegal.httpStatus == 409 && illegal.stdout.contains("cannot go from Delivered to Returned"), "\(illegal.stdout)")
        #expect(try put(d.carrier, #"{"status":"Cancelled"}"#).httpStatus == 403, "a carrier does not set sender statuses")
        #expect(try put(d.carrier, #"{"status":"Teleported"}"#).httpStatus == 400)
        #expect(try put(d.carrier, "not json").httpStatus == 400)
        #expect(try put(d.carrier, #"{"status":"Delivering","estimatedDeliveryFrom":"garbage"}"#).httpStatus == 400)
        #expect(try put(d.carrier, #"{"status":"Delivering","cost":-1}"#).httpStatus == 400)
        #expect(try curl(d.carrier, ["\(url)/api/v1/delivery/services/other/orders/\(id)/delivery/details"]).httpStatus == 404)
        // The sender's certificate is trusted for TLS, but it is not a carrier's: no carrier status from it.
        #expect(try put(d.sender, #"{"status":"Confirmed"}"#).httpStatus == 403)
        #expect(try put(d.carrier, #"{"status":"Confirmed","message":"signed by the recipient"}"#).httpStatus == 200)

        let changes = try curl(d.carrier, ["\(base)/delivery/changes?since=0"])
        #expect(changes.httpStatus == 200)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(changes.stdout.split(separator: "\n").dropLast().joined().utf8)) as? [String: Any])
        #expect((body["changes"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["Processing", "Ready", "Delivering", "Delivered", "Confirmed"])
        let next = try #require(body["next"] as? Int)
        #expect(try curl(d.carrier, ["\(base)/delivery/changes?since=\(next)"]).stdout.hasPrefix(#"{"changes":[],"#))
        // Another carrier's order is not in this carrier's feed, and is in its own.
        let fan = try TestPKI.makeLeaf(in: d.env.dir, name: "fan", ca: d.ca)
        #expect(try d.mgov("deliver", "carrier", "add", "Fan Courier", "--cert", fan.cert).status == 0)
        // One certificate, one carrier; and a CA's certificate is no carrier's.
        try d.mgov("deliver", "carrier", "add", "Copycat", "--cert", fan.cert).expectOneLineError(2, containing: "registered for the carrier Fan Courier")
        try d.mgov("deliver", "carrier", "add", "Root", "--cert", d.ca.cert).expectOneLineError(64, containing: "is a CA certificate")
        let fans = try d.create(["--carrier", "Fan Courier"])
        #expect(try d.mgov("deliver", "update", fans, "Ready", "--as", "sender", "--message", "for Fan only").status == 0)
        let postasFeed = try curl(d.carrier, ["\(base)/delivery/changes?since=\(next)"])
        #expect(postasFeed.stdout.hasPrefix(#"{"changes":[],"#) && !postasFeed.stdout.contains(fans), "\(postasFeed.stdout)")
        let fansFeed = try curl(fan, ["\(base)/delivery/changes?since=\(next)"])
        #expect(fansFeed.httpStatus == 200 && fansFeed.stdout.contains(fans) && fansFeed.stdout.contains("for Fan only"), "\(fansFeed.stdout)")
        for bad in ["abc", "-5", "99999999999999999999"] {
            #expect(try curl(d.carrier, ["\(base)/delivery/changes?since=\(bad)"]).httpStatus == 400, "since=\(bad)")
        }

        let history = try d.history(id)
        #expect(history.compactMap { $0["status"] as? String } == ["Processing", "Ready", "Delivering", "Delivered", "Confirmed"])
        #expect(history.allSatisfy { $0["actor"] != nil && $0["time"] != nil })
        let order = try #require(try d.mgov("deliver", "show", id, "--json").json() as? [String: Any])
        #expect(order["status"] as? String == "Confirmed")
        #expect(order["tracking_id"] as? String == "RR123456789MD" && order["carrier"] as? String == "Posta Moldovei")
        let denied = try #require(try d.mgov("log", "query", "--type", "MDelivery.Access.Denied", "--json").json() as? [String: Any])
        #expect((denied["total"] as? Int ?? 0) >= 2)
        // Every other refusal is logged too, with the carrier and the HTTP status: 400s, the 404, the 409.
        let rejected = try #require(try d.mgov("log", "query", "--type", "MDelivery.Request.Rejected", "--json").json() as? [String: Any])
        let rejections = (rejected["entries"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? [String: Any] }
        #expect(Set(rejections.compactMap { $0["http_status"] as? String }) == ["400", "404", "409"], "\(rejections)")
        #expect(rejections.allSatisfy { $0["user"] as? String == "Posta Moldovei" && $0["user_address"] as? String == "127.0.0.1" })
        // A carrier's read of the details is in the recipient's access history.
        let reads = try #require(try d.mgov("log", "query", "--type", "MDelivery.Order.Read", "--json").json() as? [String: Any])
        let read = try #require((reads["entries"] as? [[String: Any]])?.first?["event"] as? [String: Any])
        #expect(read["object"] as? String == id && read["user"] as? String == "Posta Moldovei" && read["subject_type"] as? String == "idnp", "\(read)")
        // Every module's events name the member acting as their source.
        #expect(read["event_source"] as? String == "MD/GOV/1003600123456/MDELIVERY")
        #expect(rejections.allSatisfy { $0["event_source"] as? String == "MD/GOV/1003600123456/MDELIVERY" })
    }
}

@Suite struct DeliverCommandTests {
    @Test func concurrentUpdatesToOneOrderLoseNoEvent() async throws {
        let d = try DeliverEnvironment()
        let id = try d.create()
        #expect(try d.mgov("deliver", "update", id, "Ready", "--as", "sender").status == 0)
        #expect(try d.mgov("deliver", "update", id, "Delivering", "--as", "carrier", "--carrier", "Posta Moldovei").status == 0)
        // Four shells at once, ten tracking events each (launched from Swift: see the profile test on SIGCHLD).
        let runner = d.mgov
        let failures = try await withThrowingTaskGroup(of: String.self) { group in
            for p in 0..<4 {
                group.addTask {
                    try runner.shell("for n in $(seq 10); do mgov deliver update \(id) Delivering --as carrier --carrier 'Posta Moldovei' --message p\(p)-$n >/dev/null || echo failed p\(p)-$n >&2; done").stderr
                }
            }
            return try await group.reduce(into: "") { $0 += $1 }
        }
        #expect(failures.isEmpty, "\(failures)")
        let history = try d.history(id)
        #expect(history.count == 43)
        #expect(history.compactMap { $0["seq"] as? Int } == Array(1...43))
        let messages = Set(history.compactMap { $0["message"] as? String })
        for p in 0..<4 { for n in 1...10 { #expect(messages.contains("p\(p)-\(n)")) } }
    }

    @Test func illegalMovesAreRefusedWithTheReasonAndStaleOrdersAreListed() throws {
        let d = try DeliverEnvironment()
        let id = try d.create(["--awaiting-payment"])
        try d.mgov("deliver", "update", id, "Ready", "--as", "sender").expectOneLineError(1, containing: "cannot go from AwaitingPayment to Ready")
        try d.mgov("deliver", "update", id, "Paid", "--as", "sender").expectOneLineError(1, containing: "set by the payment")
        #expect(try d.mgov("deliver", "update", id, "Flying", "--as", "sender").status == 64, "an unknown status is a usage error")
        #expect(try d.mgov("deliver", "update", id, "Paid", "--as", "payment").status == 0)
        #expect(try d.mgov("deliver", "cancel", id, "--message", "the citizen withdrew").status == 0)
        try d.mgov("deliver", "update", id, "Processing", "--as", "sender").expectOneLineError(1, containing: "final status")
        try d.mgov("deliver", "create", "--recipient", "idnp:1", "--name", "x", "--address", "a", "--sender", "MD/GOV/1/X")
            .expectOneLineError(2, containing: "not a recipient")
        try d.mgov.run(["deliver", "create", "--recipient", "idnp:2001234567890", "--name", "x", "--address", "a", "--carrier", "Nobody"])
            .expectOneLineError(2, containing: "'Nobody' is not a registered carrier (registered: Posta Moldovei)")
        try d.mgov.run(["deliver", "create", "--recipient", "idnp:2001234567890", "--name", "x", "--address", "a", "--package", "inf:1x1x1"])
            .expectOneLineError(2, containing: "is not a package")
        try d.mgov.run(["deliver", "create", "--recipient", "idnp:2001234567890", "--name", "x", "--address", "a", "--accepted-until", "2000-01-01"])
            .expectOneLineError(2, containing: "must be in the future")

        let fresh = try d.create()
        Thread.sleep(forTimeInterval: 1.2)
        let stale = try #require(try d.mgov("deliver", "list", "--stale", "1s", "--json").json() as? [[String: Any]])
        #expect(stale.compactMap { $0["id"] as? String } == [fresh], "a cancelled order is never stale")
        #expect(try d.mgov("deliver", "update", fresh, "Ready", "--as", "sender").status == 0)
        #expect((try d.mgov("deliver", "list", "--stale", "1s", "--json").json() as? [[String: Any]])?.isEmpty == true)
        #expect(try d.mgov("deliver", "list", "--status", "Ready").stdout.contains(fresh))
        #expect(try d.mgov("deliver", "--help").stdout.contains("Delivering -> Delivering (carrier)"))
        // Another registered carrier may not act on Posta Moldovei's order: refused and logged.
        let carried = try d.create(["--carrier", "Posta Moldovei"])
        let fan = try TestPKI.makeLeaf(in: d.env.dir, name: "fan-cli", ca: d.ca)
        #expect(try d.mgov("deliver", "carrier", "add", "Fan Courier", "--cert", fan.cert).status == 0)
        #expect(try d.mgov("deliver", "update", carried, "Ready", "--as", "sender").status == 0)
        try d.mgov("deliver", "update", carried, "Delivering", "--as", "carrier", "--carrier", "Fan Courier")
            .expectOneLineError(1, containing: "carried by Posta Moldovei, not Fan Courier")
        try d.mgov("deliver", "update", carried, "Delivering", "--as", "carrier", "--carrier", " Fan Courier")
            .expectOneLineError(2, containing: "not a registered carrier")
        let denied = try #require(try d.mgov("log", "query", "--type", "MDelivery.Access.Denied", "--json").json() as? [String: Any])
        #expect((denied["entries"] as? [[String: Any]])?.contains { ($0["event"] as? [String: Any])?["user"] as? String == "Fan Courier" } == true)
    }

    @Test func filesToDeliverGoToTheDocumentStore() throws {
        let d = try DeliverEnvironment()
        let file = try d.env.dir.write("decizie.pdf", "%PDF-1.7 decision")
        let id = try d.create(["--file", file])
        let order = try #require(try d.mgov("deliver", "show", id, "--json").json() as? [String: Any])
        let documents = try #require(order["documents"] as? [String])
        #expect(documents.count == 1)
        let shown = try #require(try d.mgov("docs", "show", documents[0], "--json").json() as? [String: Any])
        #expect(shown["owner"] as? String == "urn:md:idnp:2001234567890")
        try d.mgov.run(["deliver", "create", "--recipient", "idnp:2001234567890", "--name", "Ion", "--address", "a", "--doc", "no-such-doc"])
            .expectOneLineError(2, containing: "no document")
        // A refused order stores none of its files.
        try d.mgov.run(["deliver", "create", "--recipient", "idnp:2001234567890", "--name", "Ion", "--address", "a", "--file", file, "--carrier", "Nope"])
            .expectOneLineError(2, containing: "not a registered carrier")
        try d.mgov.run(["deliver", "create", "--recipient", "idnp:2001234567890", "--name", "Ion", "--address", "a", "--file", file, "--doc", "no-such-doc"])
            .expectOneLineError(2, containing: "no document")
        let listed = try #require(try d.mgov("docs", "list", "--json").json() as? [[String: Any]])
        #expect(listed.count == 1, "\(listed)")
        // Another person's document is not delivered to this recipient.
        let added = try #require(try d.mgov("docs", "add", file, "--owner", "urn:md:idnp:2009999999999", "--json").json() as? [String: Any])
        let theirs = try #require(added["id"] as? String)
        try d.mgov.run(["deliver", "create", "--recipient", "idnp:2001234567890", "--name", "Ion", "--address", "a", "--doc", theirs])
            .expectOneLineError(2, containing: "is owned by urn:md:idnp:2009999999999, not by the recipient")
        let hers = try d.mgov.run(["deliver", "create", "--recipient", "idnp:2009999999999", "--name", "Ana", "--address", "a", "--doc", theirs])
        #expect(hers.status == 0, "\(hers.stderr)")
    }

    @Test func valuesThatWouldBreakTheListingOrTheEndpointsAreRefused() throws {
        let d = try DeliverEnvironment()
        let base = ["deliver", "create", "--recipient", "idnp:2001234567890", "--address", "a"]
        try d.mgov.run(base + ["--name", "a\nb"]).expectOneLineError(2, containing: "may not hold a line break")
        try d.mgov.run(base + ["--name", "Ion", "--sender", "garbage"]).expectOneLineError(2, containing: "is not a member identity")
        try d.mgov.run(base + ["--name", "Ion", "--service", "a/b c"]).expectOneLineError(2, containing: "a service code has")
        let id = try d.create([])
        try d.mgov.run(["deliver", "update", id, "Ready", "--as", "sender", "--message", "x\r\ny"]).expectOneLineError(2, containing: "may not hold a line break")
        #expect(try d.mgov("deliver", "list").stdout.split(separator: "\n").count == 1)
    }
}
