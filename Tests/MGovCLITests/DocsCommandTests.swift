import Foundation
import MGovTestSupport
import Testing

private let alice = "urn:md:idnp:2001234567890"
private let bob = "urn:md:idnp:2009876543210"

@Suite struct DocsCommandTests {
    @Test func addGetAndTheErrorContract() throws {
        let env = try CLIEnvironment()
        let binary = try env.dir.write("scan.bin", data: Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 97) }))
        let added = try env.mgov("docs", "add", binary, "--owner", alice, "--name", "Scan", "--number", "A-1", "--tag", "scan", "--json")
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require((try added.json() as? [String: Any])?["id"] as? String)
        let out = env.dir.file("back.bin")
        #expect(try env.mgov("docs", "get", id, "-o", out).status == 0)
        #expect(FileManager.default.contentsEqual(atPath: out, andPath: binary))
        // A one-character name relative to the working folder (Foundation's path splitting trapped on it).
        #expect(try env.mgov("docs", "get", id, "-o", "x").status == 0)
        #expect(FileManager.default.contentsEqual(atPath: env.mgov.workDirectory + "/x", andPath: binary))
        let piped = try env.mgov("docs", "get", id)
        #expect(piped.stdoutData == (try Data(contentsOf: URL(fileURLWithPath: binary))))
        let empty = try env.mgov.run(["docs", "add", "-", "--owner", alice, "--name", "empty"], input: Data())
        let emptyID = empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try env.mgov("docs", "get", emptyID).stdoutData.isEmpty)

        try env.mgov("docs", "add", binary, "--owner", "alice").expectOneLineError(64, containing: "not a principal")
        try env.mgov("docs", "get", "no-such-id").expectOneLineError(2, containing: "no document")
        try env.mgov("docs", "get", id, "--as", bob).expectOneLineError(1, containing: "may not read")
        try env.mgov("docs", "add", binary, "--owner", alice, "--type", "NOPE").expectOneLineError(2, containing: "no document type")
        try env.mgov("docs", "add", binary, "--owner", alice, "--expires", "2026-02-30").expectOneLineError(64, containing: "not a date")
        // Values that do not parse are the command line's fault (64), refused before the store is opened.
        try env.mgov("docs", "add", binary, "--owner", alice, "--number", String(repeating: "n", count: 51)).expectOneLineError(64, containing: "1 to 50 characters")
        try env.mgov("docs", "add", binary, "--owner", alice, "--name", String(repeating: "n", count: 251)).expectOneLineError(64, containing: "1 to 250 characters")
        try env.mgov("docs", "add", binary, "--owner", alice, "--tag", "ok", "--tag", String(repeating: "t", count: 101)).expectOneLineError(64, containing: "a tag has 1 to 100 characters, not 101")
        try env.mgov.run(["docs", "add", binary, "--owner", alice] + (0...50).flatMap { ["--tag", "t\($0)"] }).expectOneLineError(64, containing: "at most 50 tags, not 51")
        try env.mgov("docs", "type", "add", "X", "--retention", "5").expectOneLineError(64, containing: "is not a period")
        try env.mgov("docs", "type", "add", "bad code", "--retention", "5y").expectOneLineError(64, containing: "a type code is")
        let events = try env.mgov("log", "query", "--type", "MDocs.*", "--json")
        let types = ((try events.json() as? [String: Any])?["entries"] as? [[String: Any]] ?? []).compactMap { ($0["event"] as? [String: Any])?["event_type"] as? String }
        #expect(types.sorted() == ["MDocs.Access.Denied", "MDocs.Document.Added", "MDocs.Document.Added",
                                   "MDocs.Document.Read", "MDocs.Document.Read", "MDocs.Document.Read", "MDocs.Document.Read"], "\(types)")
    }

    @Test func aCorruptedBlobFailsGetAndVerify() throws {
        let env = try CLIEnvironment()
        let file = try env.dir.write("a.txt", "original")
        let id = try env.mgov("docs", "add", file, "--owner", alice).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try #require(try env.mgov("docs", "show", id, "--json").json() as? [String: Any])
        let hash = try #require((shown["versions"] as? [[String: Any]])?.first?["sha256"] as? String)
        let blob = env.mgov.home + "/blobs/" + hash.prefix(2) + "/" + hash.dropFirst(2)
        try Data("0riginal".utf8).write(to: URL(fileURLWithPath: blob))
        let out = env.dir.file("out.txt")
        try env.mgov("docs", "get", id, "-o", out).expectOneLineError(1, containing: "corrupted")
        #expect(!FileManager.default.fileExists(atPath: out))
        // To stdout (a pipe here, or a redirected file) nothing is written either.
        let piped = try env.mgov("docs", "get", id)
        #expect(piped.status == 1 && piped.stdout.isEmpty && piped.stderr.contains("corrupted"), "\(piped.stdout)")
        // Nor to a FIFO (or a device), which keeps whatever it is given.
        let fifo = env.dir.file("out.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = try BackgroundProcess("/bin/sh", ["-c", "cat '\(fifo)' > '\(env.dir.file("read.out"))'"])
        try env.mgov("docs", "get", id, "-o", fifo).expectOneLineError(1, containing: "corrupted")
        reader.stop(SIGTERM, timeout: 20)
        #expect(try Data(contentsOf: URL(fileURLWithPath: env.dir.file("read.out"))).isEmpty)
        let verified = try env.mgov("docs", "verify")
        #expect(verified.status == 1)
        #expect(verified.stdout.contains("corrupted"))
    }

    /// An add stopped by a signal leaves no staged content and no document.
    @Test func anInterruptedAddLeavesNothingBehind() throws {
        let env = try CLIEnvironment()
        #expect(try env.mgov("docs", "add", try env.dir.write("a.txt", "first"), "--owner", alice).status == 0)
        let blobs = env.mgov.home + "/blobs"
        let add = try BackgroundProcess(MGovRunner.executable, ["docs", "add", "/dev/zero", "--owner", alice, "--name", "endless"],
                                        environment: env.mgov.environment)
        let deadline = Date().addingTimeInterval(30)
        func staged() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: blobs)) ?? []).filter { $0.hasPrefix(".incoming-") } }
        while staged().isEmpty, add.process.isRunning, Date() < deadline { usleep(5_000) }
        try #require(!staged().isEmpty, "the add did not start: \(add.stderr)")
        add.stop(SIGINT, timeout: 20)
        #expect(add.process.terminationReason == .exit && add.process.terminationStatus == 130, "\(add.stderr)")
        #expect(add.stderr.contains("interrupted: the file being written was removed"), "\(add.stderr)")
        #expect(staged().isEmpty)
        let listed = try env.mgov("docs", "list", "--json")
        #expect(!listed.stdout.contains("endless"), "\(listed.stdout)")
    }

    /// A record changed in the store, pointing at other content that is there, is caught by the log.
    @Test func verifyFindsARecordThatDisagreesWithTheLog() throws {
        let env = try CLIEnvironment()
        let original = try env.dir.write("a.txt", "the act")
        let id = try env.mgov("docs", "add", original, "--owner", alice).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let forged = try env.dir.write("b.txt", "the forged act")
        #expect(try env.mgov("docs", "add", forged, "--owner", bob).status == 0)
        #expect(try env.mgov("docs", "version", "add", id, try env.dir.write("c.txt", "the act, amended")).status == 0)
        // An older version by number (mgov's own --version is the root's, alone on the line).
        #expect(try env.mgov("docs", "get", id, "--version", "1").stdout == "the act")
        #expect(try env.mgov("docs", "get", id, "--version=2").stdout == "the act, amended")
        let clean = try env.mgov("docs", "verify")
        #expect(clean.status == 0 && !clean.stdout.contains("not in the log"), "\(clean.stdout)\(clean.stderr)")

        func sha256(_ path: String) throws -> String { String(try TestProcess.run("/usr/bin/sha256sum", [path]).stdout.prefix(64)) }
        let forgedHash = try sha256(forged)
        try TestProcess.run("/usr/bin/sqlite3", [env.mgov.home + "/mgov.sqlite",
                                                 "UPDATE docs_version SET blob = '\(forgedHash)' WHERE document_id = '\(id)' AND version = 1"])
        let caught = try env.mgov("docs", "verify", id, "--json")
        #expect(caught.status == 1)
        let lines = caught.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let problem = try #require(lines.first { $0["sha256"] as? String == forgedHash }?["problem"] as? String)
        #expect(problem.contains("the log recorded \(id) v1 as sha256 \(try sha256(original))"), "\(problem)")
        #expect(try env.mgov("docs", "verify").stdout.contains("the store's record of it was changed"))
    }

    @Test func verifyShowsTheSignatureOfSignedContent() throws {
        let s = try SignEnvironment()
        let signedXML = s.dir.file("signed.xml")
        #expect(try s.mgov("sign", "xml", s.input, "--key", s.ec.key, "--cert", s.ec.cert, "-o", signedXML).status == 0)
        let text = try s.dir.write("letter.txt", "letter")
        #expect(try s.mgov("sign", "cms", text, "--key", s.rsa.key, "--cert", s.rsa.cert, "--attached").status == 0)
        for file in [signedXML, text + ".p7m"] {
            #expect(try s.mgov("docs", "add", file, "--owner", alice).status == 0)
        }
        let result = try s.mgov("docs", "verify", "--trusted", s.ca.cert)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.components(separatedBy: "signature: ").count == 3, "\(result.stdout)")
        #expect(result.stdout.contains("CN=ec-signer") && result.stdout.contains("CN=rsa-signer"))
        let untrusted = try s.mgov("docs", "verify", "--json")
        #expect(untrusted.status == 0, "an untrusted signer is shown, not a damaged blob")
        #expect(untrusted.stdout.contains("\"signature\""))
    }

    @Test func legalHoldBlocksPurge() throws {
        let env = try CLIEnvironment()
        let file = try env.dir.write("a.txt", "a")
        let id = try env.mgov("docs", "add", file, "--owner", alice).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try env.mgov("docs", "rm", id).status == 0)
        // --json: the change as a document (every key, null when absent).
        let held = try env.mgov("docs", "hold", id, "--reason", "dosar 1-123/2026", "--json").json() as? [String: Any]
        #expect(held?["id"] as? String == id && held?["change"] as? String == "held" && held?["reason"] as? String == "dosar 1-123/2026")
        let purge = try env.mgov("docs", "purge")
        #expect(purge.status == 0)
        #expect(purge.stdout.contains("kept \(id): under legal hold (dosar 1-123/2026)"))
        #expect(try env.mgov("docs", "list", "--deleted").stdout.contains(id))
        // The hold was placed as the owner (the default); a court's hold is lifted by the court only.
        let court = "urn:md:idno:1003600123456"
        #expect(try env.mgov("docs", "hold", id, "--reason", "dosar 2", "--as", court).status == 1)
        let released = try env.mgov("docs", "release", id, "--json").json() as? [String: Any]
        #expect(try env.mgov("docs", "hold", id, "--reason", "dosar 2", "--as", court).status == 0)
        try env.mgov("docs", "release", id).expectOneLineError(1, containing: "placed by \(court)")
        let shown = try env.mgov("docs", "show", id, "--json").json() as? [String: Any]
        #expect(shown?["hold_by"] as? String == court, "\(String(describing: shown))")
        #expect(try env.mgov("docs", "release", id, "--as", court).status == 0)
        try env.mgov("docs", "release", id).expectOneLineError(2, containing: "not under legal hold")
        #expect(released?["change"] as? String == "released" && released?["reason"] is NSNull)
        #expect(try env.mgov("docs", "purge").stdout.contains("purged \(id)"))
        try env.mgov("docs", "show", id).expectOneLineError(2, containing: "no document")
        #expect(try env.mgov("docs", "verify").status == 0)
    }

    @Test func concurrentAddsFromSeveralProcessesAreAllKept() async throws {
        let env = try CLIEnvironment()
        for i in 0..<4 { _ = try env.dir.write("f\(i).txt", "file \(i)\n") }
        // Six shells at once (launched from Swift: see the profile test on SIGCHLD), each adding the
        // four files ten times; identical content is stored once.
        let runner = env.mgov, folder = env.dir.path
        let failures = try await withThrowingTaskGroup(of: String.self) { group in
            for p in 0..<6 {
                group.addTask {
                    try runner.shell("for n in $(seq 10); do for i in 0 1 2 3; do mgov docs add '\(folder)'/f$i.txt --owner \(alice) --name p\(p)-$n-$i >/dev/null || echo \"failed p\(p)-$n-$i\" >&2; done; done").stderr
                }
            }
            return try await group.reduce(into: "") { $0 += $1 }
        }
        #expect(failures.isEmpty, "\(failures)")
        let listed = try #require(try env.mgov("docs", "list", "--json").json() as? [[String: Any]])
        #expect(listed.count == 240)
        let blobs = try FileManager.default.subpathsOfDirectory(atPath: env.mgov.home + "/blobs").filter { $0.count == 65 }
        #expect(blobs.count == 4)
        #expect(try env.mgov("docs", "verify").status == 0)
        let check = try TestProcess.run("/usr/bin/sqlite3", [env.mgov.home + "/mgov.sqlite", "PRAGMA integrity_check"])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }

    @Test func aGigabyteStreamsInBoundedMemory() throws {
        let env = try CLIEnvironment()
        let big = env.dir.file("big.bin")
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 1 << 30)  // sparse: 1 GiB of zeros without writing them
        try handle.close()
        let added = try TestProcess.run("/usr/bin/time", ["-f", "maxrss_kb=%M", MGovRunner.executable, "docs", "add", big, "--owner", alice],
                                        environment: env.mgov.environment)
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let out = env.dir.file("big.out")
        let got = try TestProcess.run("/usr/bin/time", ["-f", "maxrss_kb=%M", MGovRunner.executable, "docs", "get", id, "-o", out],
                                      environment: env.mgov.environment)
        #expect(got.status == 0, "\(got.stderr)")
        for result in [added, got] {
            let rss = Int(result.stderr.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? .max
            #expect(rss < 128 * 1024, "peak memory \(rss) KB for a 1 GiB document")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.size] as? Int) == 1 << 30)
        #expect(try TestProcess.run("/usr/bin/cmp", [big, out]).status == 0)
    }
}

/// `docs serve` over TLS, with curl as the client.
@Suite(.serialized) struct DocsServeTests {
    @Test func sharesAreServedAndRevocationTakesEffectAtOnce() throws {
        let env = try CLIEnvironment()
        let ca = try TestPKI.makeCA(in: env.dir)
        let server = try TestPKI.makeLeaf(in: env.dir, name: "docs-server", ca: ca, san: "IP:127.0.0.1")
        let bobCert = try TestPKI.makeLeaf(in: env.dir, name: "bob", ca: ca, san: "URI:\(bob)")
        #expect(try env.mgov("profile", "create", "mdocs", "--identity", "MD/GOV/1003600123456/MDOCS", "--key", server.key,
                             "--cert", server.cert, "--trust", ca.cert, "--default").status == 0)
        let file = try env.dir.write("certificat.txt", "Certificat de naștere\n")
        #expect(try env.mgov("docs", "type", "add", "BIRTH", "--retention", "75y", "--official", "--anonymous-verify").status == 0)
        let id = try env.mgov("docs", "add", file, "--owner", alice, "--name", "certificat.txt", "--type", "BIRTH", "--number", "AB-1")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let code = try env.mgov("docs", "share", id, "--link", "--to", "2099-01-01").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code.count >= 40)

        let process = try BackgroundProcess(MGovRunner.executable, ["docs", "serve", "--listen", "127.0.0.1:0"], environment: env.mgov.environment)
        defer { process.stop() }
        guard process.waitForOutput({ $0.contains("listening on ") }) else { throw TestFailure("docs serve did not start: \(process.stderr)") }
        let url = String((process.stdout.split(separator: "\n").first { $0.hasPrefix("listening on ") } ?? "").dropFirst("listening on ".count))
        func curl(_ path: String, cert: (key: String, cert: String)? = nil) throws -> ProcessResult {
            var arguments = ["-sS", "--cacert", ca.cert, "-w", "\n%{http_code}", url + path]
            if let cert { arguments += ["--cert", cert.cert, "--key", cert.key] }
            return try TestProcess.run("/usr/bin/curl", arguments)
        }
        let served = try curl("/s/" + code)
        #expect(served.httpStatus == 200, "\(served.stdout) \(served.stderr)")
        #expect(served.stdout.hasPrefix("Certificat de naștere\n"))
        #expect(try curl("/s/not-a-code").httpStatus == 404)
        // HEAD gives a GET's headers without the body; one byte range is answered with 206, so curl can resume.
        let head = try TestProcess.run("/usr/bin/curl", ["-sS", "-I", "--cacert", ca.cert, url + "/s/" + code])
        #expect(head.stdout.contains("HTTP/1.1 200") && head.stdout.lowercased().contains("content-length: 23")
                && head.stdout.lowercased().contains("accept-ranges: bytes"), "\(head.stdout)")
        func ranged(_ headers: [String]) throws -> ProcessResult {
            try TestProcess.run("/usr/bin/curl", ["-sS", "--cacert", ca.cert, "-w", "\n%{http_code}"] + headers.flatMap { ["-H", $0] } + [url + "/s/" + code])
        }
        let middle = try ranged(["Range: bytes=0-8"])
        #expect(middle.httpStatus == 206 && middle.stdout.hasPrefix("Certifica\n"), "\(middle.stdout)")
        #expect(try ranged(["Range: bytes=-7"]).stdout.hasPrefix("ștere\n"))
        #expect(try ranged(["Range: bytes=30-"]).httpStatus == 416)
        #expect(try ranged(["Range: bytes=0-1, 4-5"]).httpStatus == 200, "several ranges: the whole document")
        #expect(try ranged(["Range: bytes=0-1", "If-Range: \"sha256:other\""]).httpStatus == 200, "another version: the whole document")
        let partial = try env.dir.write("work/partial.txt", "Certificat")
        #expect(try TestProcess.run("/usr/bin/curl", ["-sS", "--cacert", ca.cert, "-C", "-", "-o", partial, url + "/s/" + code]).status == 0)
        #expect(try String(contentsOfFile: partial, encoding: .utf8) == "Certificat de naștere\n")
        let reads = try #require(try env.mgov("log", "query", "--type", "MDocs.Document.Read", "--json").json() as? [String: Any])
        let how = (reads["entries"] as? [[String: Any]] ?? []).compactMap { ($0["event"] as? [String: Any])?["event_message"] as? String }
        #expect(how.contains("served over HTTPS: headers only (HEAD)") && how.contains("served over HTTPS: bytes 0-8 of 23")
                && how.contains("served over HTTPS: bytes 10-22 of 23"), "\(how)")
        // A read is the reader's doing, not the server's account's: only an operator's command names an OS account.
        let readEvents = (reads["entries"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? [String: Any] }
        #expect(!readEvents.isEmpty && readEvents.allSatisfy { $0["os_user"] == nil }, "\(readEvents)")
        let shared = try #require(try env.mgov("log", "query", "--type", "MDocs.Share.Created", "--json").json() as? [String: Any])
        let account = try TestProcess.run("/usr/bin/id", ["-un"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((shared["entries"] as? [[String: Any]])?.first.flatMap { ($0["event"] as? [String: Any])?["os_user"] as? String } == account)
        let sha = try TestProcess.run("/usr/bin/sha256sum", [file]).stdout.prefix(64)
        let verified = try curl("/verify/" + sha)
        #expect(verified.httpStatus == 200 && verified.stdout.contains(#""number":"AB-1""#) && !verified.stdout.contains("naștere"), "\(verified.stdout)")
        #expect(try curl("/verify/" + String(repeating: "0", count: 64)).httpStatus == 404)

        // Bob's certificate names him; without a share he gets 404, with one the document.
        #expect(try curl("/d/" + id, cert: bobCert).httpStatus == 404)
        let shareID = try env.mgov("docs", "share", id, "--for", bob, "--to", "2099-01-01").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try curl("/d/" + id, cert: bobCert).httpStatus == 200)
        #expect(try curl("/d/" + id).httpStatus == 404, "no certificate, no principal")

        let linkShare = try #require((try env.mgov("docs", "shares", "--document", id, "--json").json() as? [[String: Any]])?
            .first { $0["link"] as? Bool == true }?["id"] as? String)
        #expect(try env.mgov("docs", "revoke", linkShare).status == 0)
        let revoked = try env.mgov("docs", "revoke", shareID, "--json")
        let change = try revoked.json() as? [String: Any]
        #expect(revoked.status == 0 && change?["change"] as? String == "revoked" && change?["id"] as? String == shareID, "\(revoked.stdout)")
        #expect(try curl("/s/" + code).httpStatus == 404)
        #expect(try curl("/d/" + id, cert: bobCert).httpStatus == 404)

        let denied = try #require(try env.mgov("log", "query", "--type", "MDocs.Access.Denied", "--json").json() as? [String: Any])
        let messages = (denied["entries"] as? [[String: Any]] ?? []).compactMap { ($0["event"] as? [String: Any])?["event_message"] as? String }
        #expect(messages.contains("unknown access code"))
        #expect(messages.contains("revoked share"))
        #expect(messages.contains("no owner rights and no live share"))
    }
}
