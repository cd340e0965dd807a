import Foundation
import MGovTestSupport
import Testing

/// A home with a profile holding an Ed25519 key, for checkpoints.
struct LogEnvironment {
    let env: CLIEnvironment
    var mgov: MGovRunner { env.mgov }
    var dir: TemporaryDirectory { env.dir }
    let keyPath: String
    let certPath: String

    init() throws {
        env = try CLIEnvironment()
        keyPath = env.dir.file("log.key")
        certPath = env.dir.file("log.crt")
        try TestProcess.openssl(["genpkey", "-algorithm", "ed25519", "-out", keyPath])
        try TestProcess.openssl(["req", "-x509", "-key", keyPath, "-subj", "/CN=Test Log", "-days", "30", "-out", certPath])
        let created = try env.mgov("profile", "create", "agency", "--identity", "MD/GOV/1003600123456/REGISTRY",
                                   "--key", keyPath, "--cert", certPath, "--default")
        #expect(created.status == 0, "\(created.stderr)")
    }

    func ndjson(_ count: Int, start: Int = 0, type: String = "MConnect.Request.Served") -> Data {
        Data(((start..<start + count).map { i in
            #"{"event_type":"\#(type)","event_time":"2026-11-\#(10 + i % 10)T10:00:00Z","user":"user\#(i % 3)","n":\#(i)}"#
        }.joined(separator: "\n") + "\n").utf8)
    }

    func size() throws -> Int {
        let result = try mgov("log", "verify", "--json")
        return (try result.json() as? [String: Any])?["size"] as? Int ?? -1
    }
}

@Suite struct LogCommandTests {
    @Test func appendFromFlagsRecordsTheProfileAsSource() throws {
        let t = try LogEnvironment()
        let result = try t.mgov("log", "append", "--type", "MConnect.Request.Served", "--user", "alice", "--subject", "2001001001001",
                                "--legal-basis", "Law 142/2018", "--field", "tag=a", "--field", "tag=b", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let seq = try #require((try result.json() as? [String: Any])?["first_seq"] as? Int)
        let shown = try #require(try t.mgov("log", "show", String(seq), "--json").json() as? [String: Any])
        let event = try #require(shown["event"] as? [String: Any])
        #expect(event["user"] as? String == "alice")
        #expect(event["tag"] as? [String] == ["a", "b"])
        #expect(event["event_source"] as? String == "MD/GOV/1003600123456/REGISTRY")
        // An appended event is the script's own: mgov adds no OS account to it (a command's own events get one).
        #expect(event["os_user"] == nil)
        // A level is one of MLog's, named as MLog names it.
        try t.mgov("log", "append", "--type", "A.B.C", "--level", "Bogus").expectOneLineError(64, containing: "--level is one of Trace, Debug, Info")
        let warned = try t.mgov("log", "append", "--type", "A.B.C", "--level", "warning", "--json").json() as? [String: Any]
        let level = try t.mgov("log", "show", "\((warned?["first_seq"] as? Int) ?? 0)", "--json").json() as? [String: Any]
        #expect((level?["event"] as? [String: Any])?["event_level"] as? String == "Warning")
    }

    @Test func stateChangingCommandsWriteToTheLog() throws {
        let t = try LogEnvironment()
        let tail = try t.mgov("log", "tail", "--json")
        #expect(tail.stdout.contains("MGov.Profile.Created"))
        // Each names the OS account that ran the command (what `id -un` says) as os_user.
        let created = try #require(try t.mgov("log", "query", "--type", "MGov.Profile.Created", "--json").json() as? [String: Any])
        let account = try TestProcess.run("/usr/bin/id", ["-un"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((created["entries"] as? [[String: Any]])?.first.flatMap { ($0["event"] as? [String: Any])?["os_user"] as? String } == account)
    }

    @Test func anNDJSONBatchIsAllOrNothingAndNamesTheBadLine() throws {
        let t = try LogEnvironment()
        let before = try t.size()
        var input = t.ndjson(5)
        input += Data((#"{"event_type":"A.B.C","event_time":"2026-11-23","_secret":"x"}"# + "\n").utf8)
        input += t.ndjson(3, start: 5)
        let result = try t.mgov("log", "append", input: input)
        result.expectOneLineError(2, containing: "line 6: the field name '_secret' is reserved")
        #expect(try t.size() == before)
        let ok = try t.mgov("log", "append", input: t.ndjson(100))
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try t.size() == before + 100)
    }

    @Test(arguments: [
        ("{not json", "line 1: invalid JSON"),
        (#"{"event_type":"A.B.C","event_time":"soon"}"#, "line 1: event_time 'soon' is not a time"),
        (#"{"event_type":"AB","event_time":"2026-11-23"}"#, "not of the form System.Object.Action"),
        (#"{"event_time":"2026-11-23"}"#, "has no event_type"),
        (#"{"event_type":"A.B.C","event_time":"2026-11-23","@seq":"1"}"#, "reserved"),
    ])
    func hostileInputGetsAClearErrorAndWritesNothing(_ input: String, _ message: String) throws {
        let t = try LogEnvironment()
        let before = try t.size()
        try t.mgov("log", "append", input: Data((input + "\n").utf8)).expectOneLineError(2, containing: message)
        #expect(try t.size() == before)
    }

    @Test func anOversizeEventIsRefused() throws {
        let t = try LogEnvironment()
        let big = String(repeating: "x", count: 40_000)
        try t.mgov("log", "append", "--type", "A.B.C", "--message", big).expectOneLineError(64, containing: "at most 32766")
        try t.mgov("log", "append", "--type", "foo").expectOneLineError(64, containing: "is not of the form System.Object.Action")
        try t.mgov("log", "append", "--type", "A.B.C", "--time", "yesterday").expectOneLineError(64, containing: "is not a time")
        let fields = (0..<10).map { #""f\#($0)":"\#(String(repeating: "y", count: 30_000))""# }.joined(separator: ",")
        try t.mgov("log", "append", input: Data(#"{"event_type":"A.B.C","event_time":"2026-11-23",\#(fields)}"#.utf8))
            .expectOneLineError(2, containing: "at most 262144 bytes per event")
    }

    @Test func aTimeRangeQueryNeedsALegalBasisAndIsItselfLogged() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", input: t.ndjson(20))
        try t.mgov("log", "query", "--from", "2026-11-12", "--to", "2026-11-13T23:59:59Z").expectOneLineError(64, containing: "needs --legal-basis")
        let result = try t.mgov("log", "query", "--from", "2026-11-12", "--to", "2026-11-13T23:59:59Z", "--legal-basis", "audit 2026/7", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(try result.json() as? [String: Any])
        #expect(page["total"] as? Int == 4)
        let searched = try t.mgov("log", "query", "--type", "MGov.Log.Searched", "--ndjson")
        #expect(searched.stdout.contains("audit 2026/7"))
    }

    @Test func queriesFilterAndPage() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", input: t.ndjson(30))
        for bad in [["--page-size", "0"], ["--page-size", "10001"], ["--page", "0"]] {
            #expect(try t.mgov.run(["log", "query"] + bad).status == 64, "\(bad)")
        }
        // A negative number is taken as the option's value and judged, not read as another option.
        try t.mgov("log", "query", "--page", "-1").expectOneLineError(64, containing: "--page is from 1 to 1000000000")
        try t.mgov("log", "tail", "-n", "-3").expectOneLineError(64, containing: "--lines is 0 or more")
        try t.mgov("notify", "dispatch", "--watch", "--interval", "-1").expectOneLineError(64, containing: "at least 0.1 seconds")
        let filtered = try t.mgov("log", "query", "--type", "MConnect.*", "--filter", "user=user2", "--page-size", "4", "--page", "3", "--json")
        let page = try #require(try filtered.json() as? [String: Any])
        #expect(page["total"] as? Int == 10)
        let entries = try #require(page["entries"] as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { ($0["event"] as? [String: Any])?["user"] as? String == "user2" })
        try t.mgov("log", "query", "--filter", "nonsense").expectOneLineError(64, containing: "FIELD=VALUE")
    }

    @Test func verifyPassesAndNamesATamperedEntry() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", input: t.ndjson(50))
        let ok = try t.mgov("log", "verify")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("log intact: 51 entries"))
        let db = t.mgov.home + "/mgov.sqlite"
        try TestProcess.run("/usr/bin/sqlite3", [db, "UPDATE log_entry SET entry = replace(entry, 'user1', 'mallory') WHERE seq = 23"])
        try t.mgov("log", "verify").expectOneLineError(1, containing: "first bad entry 23")
        let json = try t.mgov("log", "verify", "--json")
        #expect(json.status == 1)
        #expect((try json.json() as? [String: Any])?["first_bad_seq"] as? Int == 23)
    }

    /// Entries after the largest checkpoint are bound by no signature: verify says how many.
    @Test func verifyWarnsOfEntriesNoCheckpointCoversYet() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", input: t.ndjson(10))
        let unbound = try t.mgov("log", "verify")
        #expect(unbound.status == 0)
        #expect(unbound.stderr.contains("the newest 11 entries (from 0 on) are in no signed checkpoint yet"), "\(unbound.stderr)")
        // A checkpoint that cannot be written out is not stored either.
        #expect(try t.mgov("log", "checkpoint", "-o", "/dev/full").status != 0)
        #expect((try t.mgov("log", "verify", "--json").json() as? [String: Any])?["checkpointed_size"] as? Int == 0)
        #expect(try t.mgov("log", "checkpoint", "-o", t.dir.file("cp")).status == 0)
        let bound = try t.mgov("log", "verify", "--json")
        #expect(bound.status == 0 && bound.stderr.isEmpty, "\(bound.stderr)")
        let report = try bound.json() as? [String: Any]
        #expect(report?["entries_after_checkpoint"] as? Int == 0 && report?["checkpointed_size"] as? Int == 11)
        try t.mgov("log", "append", input: t.ndjson(2, start: 10))
        #expect(try t.mgov("log", "verify").stderr.contains("the newest 2 entries (from 11 on)"))
    }

    /// A mistyped home is an error for what only reads or ships the log, not an empty store made for it.
    @Test func readersRefuseAHomeWithNoStore() throws {
        let env = try CLIEnvironment()
        let readers: [[String]] = [["log", "verify"], ["log", "query"], ["log", "show", "0"], ["log", "tail"], ["log", "tail", "-f"],
                                   ["log", "checkpoint"], ["log", "export"], ["log", "access-history", "2001234567890"],
                                   ["log", "ship", "--to", "https://127.0.0.1:1"],
                                   ["docs", "verify"], ["docs", "get", "x"], ["docs", "show", "x"], ["docs", "list"], ["docs", "shares"],
                                   ["docs", "type", "list"]]
        for command in readers {
            try env.mgov.run(command).expectOneLineError(2, containing: "no mgov store in")
        }
        #expect(!FileManager.default.fileExists(atPath: env.mgov.home + "/mgov.sqlite"))
    }

    @Test func verifyNamesADeletedOrReorderedEntry() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", input: t.ndjson(30))
        let db = t.mgov.home + "/mgov.sqlite"
        try TestProcess.run("/usr/bin/sqlite3", [db, "DELETE FROM log_entry WHERE seq = 17"])
        try t.mgov("log", "verify").expectOneLineError(1, containing: "first bad entry 17")
        let other = try LogEnvironment()
        try other.mgov("log", "append", input: other.ndjson(30))
        try TestProcess.run("/usr/bin/sqlite3", [other.mgov.home + "/mgov.sqlite",
                                                 "UPDATE log_entry SET seq = -1 WHERE seq = 9; UPDATE log_entry SET seq = 9 WHERE seq = 10; UPDATE log_entry SET seq = 10 WHERE seq = -1"])
        try other.mgov("log", "verify").expectOneLineError(1, containing: "first bad entry 9")
    }

    @Test func checkpointsProveTheLogOnlyGrew() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", input: t.ndjson(10))
        let checkpointFile = t.dir.file("cp-11.txt")
        let signed = try t.mgov("log", "checkpoint", "-o", checkpointFile)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect((try t.mgov("log", "checkpoint", "--json").json() as? [String: Any])?["size"] as? Int == 11, "a number, as verify gives it")
        let note = try String(contentsOfFile: checkpointFile, encoding: .utf8)
        #expect(note.hasPrefix("MD/GOV/1003600123456/REGISTRY/log\n11\n"))
        try t.mgov("log", "append", input: t.ndjson(7, start: 10))
        let grown = try t.mgov("log", "verify", "--from-checkpoint", checkpointFile, "--key", t.certPath)
        #expect(grown.status == 0, "\(grown.stderr)")
        #expect(grown.stdout.contains("consistent with the checkpoint of size 11"))

        // Rewrite history consistently (entries, leaves, nodes, and the stored checkpoint):
        // the checkpoint kept elsewhere still catches it.
        let db = t.mgov.home + "/mgov.sqlite"
        let export = try t.mgov("log", "export", "--format", "ndjson").stdout
        let events = export.split(separator: "\n").compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  var event = object["event"] as? [String: Any] else { return nil }
            if event["n"] as? String == "3" { event["user"] = "nobody" }
            return (try? JSONSerialization.data(withJSONObject: event)).map { String(decoding: $0, as: UTF8.self) }
        }
        try TestProcess.run("/usr/bin/sqlite3", [db, "DELETE FROM log_entry; DELETE FROM log_node; DELETE FROM log_checkpoint;"])
        try t.mgov("log", "append", input: Data((events.joined(separator: "\n") + "\n").utf8))
        #expect(try t.mgov("log", "verify").status == 0, "the rewritten store is self-consistent")
        try t.mgov("log", "verify", "--from-checkpoint", checkpointFile, "--key", t.certPath)
            .expectOneLineError(1, containing: "not an extension of the checkpoint of size 11")
    }

    @Test func aCheckpointSignedByAnotherKeyIsRefused() throws {
        let t = try LogEnvironment()
        let other = try LogEnvironment()
        let file = other.dir.file("cp.txt")
        try other.mgov("log", "checkpoint", "-o", file)
        try t.mgov("log", "verify", "--from-checkpoint", file, "--key", t.certPath).expectOneLineError(1, containing: "not signed by the given key")
    }

    @Test func proofsVerifyOfflineWithoutAStore() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", input: t.ndjson(12))
        try t.mgov("log", "checkpoint", "-o", t.dir.file("cp.txt"))
        try t.mgov("log", "append", input: t.ndjson(5, start: 12))
        let proofFile = t.dir.file("proof.json")
        let proved = try t.mgov("log", "prove", "7", "-o", proofFile)
        #expect(proved.status == 0, "\(proved.stderr)")
        let consistencyFile = t.dir.file("consistency.json")
        try t.mgov("log", "prove", "--consistency", "5", "--size", "13", "-o", consistencyFile)

        // Another home that does not exist: verify-proof must not need (or create) a store.
        var offline = t.mgov
        offline.extraEnvironment["MGOV_HOME"] = t.dir.file("no-such-home")
        let valid = try offline.run(["log", "verify-proof", proofFile, "--key", t.certPath])
        #expect(valid.status == 0, "\(valid.stderr)")
        #expect(valid.stdout.contains("entry 7 is in the log MD/GOV/1003600123456/REGISTRY/log of 13 entries"))
        #expect(!FileManager.default.fileExists(atPath: t.dir.file("no-such-home")))
        let validJSON = try offline.run(["log", "verify-proof", proofFile, "--key", t.certPath, "--json"]).json() as? [String: Any]
        #expect(validJSON?["valid"] as? Bool == true, "a boolean, not a string")
        try offline.run(["log", "verify-proof", consistencyFile, "--key", t.certPath]).expectOneLineError(2, containing: "pass --checkpoint FILE")
        let consistent = try offline.run(["log", "verify-proof", consistencyFile, "--checkpoint", t.dir.file("cp.txt"), "--key", t.certPath])
        #expect(consistent.status == 0, "\(consistent.stderr)")

        let bent = try String(contentsOfFile: proofFile, encoding: .utf8).replacingOccurrences(of: "MConnect.Request.Served", with: "MConnect.Request.Faked")
        let bentFile = try t.dir.write("bent.json", bent)
        try offline.run(["log", "verify-proof", bentFile, "--key", t.certPath]).expectOneLineError(1, containing: "does not hash to the proof's leaf hash")
        // With --json a "no" is a document on stdout too, as log verify gives one.
        let bentJSON = try offline.run(["log", "verify-proof", bentFile, "--key", t.certPath, "--json"])
        let bentAnswer = try bentJSON.json() as? [String: Any]
        #expect(bentJSON.status == 1 && bentAnswer?["valid"] as? Bool == false, "\(bentJSON.stdout)")
        // -o with --json says what it wrote.
        let provedJSON = try t.mgov("log", "prove", "7", "-o", t.dir.file("again.json"), "--json").json() as? [String: Any]
        #expect(provedJSON?["output"] as? String == t.dir.file("again.json"))
        let signedJSON = try t.mgov("log", "checkpoint", "-o", t.dir.file("cp2.txt"), "--json").json() as? [String: Any]
        #expect(signedJSON?["size"] as? Int == 18 && FileManager.default.fileExists(atPath: t.dir.file("cp2.txt")))
        let exportedJSON = try t.mgov("log", "export", "-o", t.dir.file("all.ndjson"), "--json").json() as? [String: Any]
        #expect(exportedJSON?["entries"] as? Int == 18, "\(String(describing: exportedJSON))")
        try offline.run(["log", "verify-proof", t.certPath, "--key", t.certPath]).expectOneLineError(2, containing: "not a proof")
    }

    @Test func exportWritesEachFormat() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", "--type", "MPass.PersonalData.Access", "--user", "bob", "--subject", "2001001001001",
                   "--legal-basis", "Law 133", "--message", "looked | at = data", "--level", "Warning")
        let syslog = try t.mgov("log", "export", "--format", "syslog", "--from-seq", "1").stdout
        #expect(syslog.hasPrefix("<108>1 "))
        #expect(syslog.contains(" MD/GOV/1003600123456/REGISTRY mgov - MPass.PersonalData.Access [mlog@32473 seq=\"1\" "))
        #expect(syslog.contains(#"legal_basis="Law 133""#))
        #expect(syslog.hasSuffix("] looked | at = data\n"))
        let cef = try t.mgov("log", "export", "--format", "cef", "--from-seq", "1").stdout
        #expect(cef.hasPrefix("CEF:0|mgov|mgov|"))
        #expect(cef.contains(#"|MPass.PersonalData.Access|looked \| at = data|6|externalId=1 "#))
        #expect(cef.contains(#"msg=looked | at \= data"#))
        #expect(cef.contains(" suser=bob "), "the request's user: \(cef)")
        // An operator's command (the profile's creation, entry 0) names the OS account as the source user.
        let account = try TestProcess.run("/usr/bin/id", ["-un"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let first = try t.mgov("log", "export", "--format", "cef").stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains("|MGov.Profile.Created|") && first.contains(" suser=\(account) ") && first.contains(" cs6=\(account) cs6Label=osAccount "), "\(first)")
        let otel = try t.mgov("log", "export", "--format", "otel").stdout
        let document = try #require(try JSONSerialization.jsonObject(with: Data(otel.utf8)) as? [String: Any])
        let records = (((document["resourceLogs"] as? [[String: Any]])?.first?["scopeLogs"] as? [[String: Any]])?.first?["logRecords"] as? [[String: Any]]) ?? []
        #expect(records.count == 2)
        #expect(records.last?["severityNumber"] as? Int == 13)
        let file = t.dir.file("export.ndjson")
        #expect(try t.mgov("log", "export", "-o", file).status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count == 2)
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600, "personal data: owner only")
        try t.mgov("log", "export", "--format", "xml").expectOneLineError(64, containing: "unknown export format 'xml'")
        // Times OTLP's unsigned nanoseconds cannot carry go out as 0 ("unknown"); they trapped before.
        try t.mgov("log", "append", "--type", "A.B.Future", "--time", "2600-01-01")
        try t.mgov("log", "append", "--type", "A.B.Past", "--time", "1900-01-01")
        let far = try t.mgov("log", "export", "--format", "otel", "--from-seq", "2")
        #expect(far.status == 0 && far.stdout.components(separatedBy: #""timeUnixNano":"0""#).count == 3, "\(far.stdout) \(far.stderr)")
    }

    /// What people read is what was logged: no line of a value can pass for an entry, and no
    /// field name is cut short.
    @Test func textOutputEscapesControlCharactersAndKeepsNames() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", "--type", "A.B.C", "--message", "x\n#99 2026-01-01T00:00:00.000Z Fake.Event.Logged user=root",
                   "--field", "a_very_long_field_name=1")
        let tail = try t.mgov("log", "tail", "-n", "1")
        #expect(tail.status == 0 && tail.stdout.split(separator: "\n").count == 1, "\(tail.stdout)")
        #expect(tail.stdout.contains(#"event_message="x\n#99 2026-01-01T00:00:00.000Z Fake.Event.Logged user=root""#), "\(tail.stdout)")
        let show = try t.mgov("log", "show", "1")
        #expect(show.stdout.contains("a_very_long_field_name: 1") && !show.stdout.contains("\n#99"), "\(show.stdout)")
    }

    @Test func accessHistoryShowsWhoLookedAtAPersonsData() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "append", "--type", "MPass.PersonalData.Access", "--user", "clerk7", "--subject", "2001001001001", "--legal-basis", "Law 133")
        try t.mgov("log", "append", "--type", "MConnect.Request.Served", "--user", "clerk8", "--subject", "2001001001001")
        try t.mgov("log", "append", "--type", "MPass.PersonalData.Export", "--user", "clerk9", "--subject", "2009009009009")
        let history = try t.mgov("log", "access-history", "2001001001001")
        #expect(history.status == 0)
        #expect(history.stdout.contains("clerk7"))
        #expect(history.stdout.contains("Law 133"))
        #expect(!history.stdout.contains("clerk8"))
        #expect(!history.stdout.contains("clerk9"))
    }

    @Test func tailFollowsNewEntries() throws {
        let t = try LogEnvironment()
        let follower = try BackgroundProcess(MGovRunner.executable, ["log", "tail", "-n", "0", "-f", "--json"], environment: t.mgov.environment)
        defer { follower.stop() }
        usleep(300_000)
        try t.mgov("log", "append", "--type", "MConnect.Request.Served", "--user", "followed-user")
        #expect(follower.waitForOutput { $0.contains("followed-user") }, "tail -f printed: \(follower.stdout) \(follower.stderr)")
    }

    @Test func badSequenceNumbersAreOneLineErrors() throws {
        let t = try LogEnvironment()
        try t.mgov("log", "show", "999").expectOneLineError(2, containing: "there is no entry 999")
        try t.mgov("log", "prove", "999").expectOneLineError(2, containing: "no entry 999")
        try t.mgov("log", "prove", "--consistency", "500").expectOneLineError(2, containing: "no tree of size")
    }
}

@Suite(.serialized) struct LogReliabilityTests {
    @Test func eightProcessesAppendingFiveHundredEventsEachLoseNothing() async throws {
        let t = try LogEnvironment()
        let before = try t.size()
        let runner = t.mgov
        let failures = try await withThrowingTaskGroup(of: String.self) { group in
            for p in 0..<8 {
                group.addTask {
                    // Single-event appends, each its own process and transaction.
                    let loop = "for i in $(seq 1 500); do mgov log append --type Load.Test.Appended --field writer=\(p) --field i=$i --quiet >/dev/null || echo \"failed \(p)-$i\" >&2; done"
                    return try runner.shell(loop).stderr
                }
            }
            return try await group.reduce(into: "") { $0 += $1 }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(try t.size() == before + 4000)
        let verify = try t.mgov("log", "verify")
        #expect(verify.status == 0, "\(verify.stderr)")
        let check = try TestProcess.run("/usr/bin/sqlite3", [t.mgov.home + "/mgov.sqlite",
                                                             "SELECT COUNT(DISTINCT seq), COUNT(*), MAX(seq) FROM log_entry WHERE event_type = 'Load.Test.Appended'"])
        let numbers = check.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
        #expect(numbers.prefix(2) == ["4000", "4000"])
    }

    @Test func killingALargeAppendLeavesAllOrNothing() throws {
        let t = try LogEnvironment()
        let before = try t.size()
        let count = 60_000
        let input = t.ndjson(count)
        var sawPartialRun = false
        for delay: useconds_t in [150_000, 400_000, 900_000] {
            let writer = try BackgroundProcess(MGovRunner.executable, ["log", "append"], environment: t.mgov.environment, input: input)
            usleep(delay)
            if writer.process.isRunning { sawPartialRun = true }
            writer.stop(SIGKILL)
            let size = try t.size()
            #expect((size - before) % count == 0, "after kill -9 the log holds \(size - before) new entries, not a whole number of batches")
            #expect(try t.mgov("log", "verify").status == 0)
        }
        #expect(sawPartialRun, "at least one append was killed while it ran")
    }
}
