import Foundation
import MGovTestSupport
import Testing

/// `openssl cms` signs, mgov verifies.
@Suite struct CMSFromOpenSSLTests {
    @Test(arguments: ["rsa", "ec"], ["sha256", "sha384"])
    func opensslSignaturesVerify(keyType: String, digest: String) throws {
        let s = try SignEnvironment()
        let signer = keyType == "rsa" ? s.rsa : s.ec
        let content = try s.dir.write("report.bin", data: Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        for (packaging, cades) in [("-nodetach", false), ("-nodetach", true), ("", false), ("", true)] {
            let signature = s.dir.file("sig-\(packaging)-\(cades).p7")
            var arguments = ["cms", "-sign", "-binary", "-in", content, "-signer", signer.cert, "-inkey", signer.key, "-md", digest,
                             "-outform", "DER", "-out", signature]
            if !packaging.isEmpty { arguments.append(packaging) }
            if cades { arguments.append("-cades") }
            try TestProcess.openssl(arguments)
            var verify = ["sign", "verify", signature, "--trusted", s.ca.cert, "--json"]
            if packaging.isEmpty { verify += ["--content", content] }
            let result = try s.mgov.run(verify)
            #expect(result.status == 0, "\(arguments): \(result.stdout) \(result.stderr)")
            let report = try #require(try result.json() as? [String: Any])
            let signature0 = try #require((report["signatures"] as? [[String: Any]])?.first)
            #expect(signature0["digest_algorithm"] as? String == digest)
            #expect(signature0["format"] as? String == "cms")
            #expect(signature0["signing_time"] != nil)
            let attributes = signature0["attributes"] as? [String] ?? []
            #expect(attributes.contains { $0.hasPrefix("signing-certificate-v2") } == cades, "\(attributes)")
        }
    }

    /// `openssl cms -sign` without -binary signs text with CRLF line ends: --text checks a file so.
    @Test func aTextModeSignatureVerifiesWithText() throws {
        let s = try SignEnvironment()
        let text = try s.dir.write("notice.txt", "Line one\nline two\n")
        let signature = s.dir.file("notice.p7s")
        try TestProcess.openssl(["cms", "-sign", "-in", text, "-signer", s.ec.cert, "-inkey", s.ec.key, "-outform", "DER", "-out", signature])
        let binary = try s.mgov("sign", "verify", signature, "--content", text, "--trusted", s.ca.cert)
        #expect(binary.status == 1 && binary.stdout.contains("try --text"), "\(binary.stdout)")
        let asText = try s.mgov("sign", "verify", signature, "--content", text, "--trusted", s.ca.cert, "--text")
        #expect(asText.status == 0 && asText.stdout.contains("valid, trusted") && asText.stdout.contains("checked as text"), "\(asText.stdout)")
        let crlf = try s.dir.write("notice-crlf.txt", "Line one\r\nline two\r\n")
        #expect(try s.mgov("sign", "verify", signature, "--content", crlf, "--trusted", s.ca.cert).status == 0)
        let changed = try s.dir.write("changed.txt", "Line one\nline 2\n")
        #expect(try s.mgov("sign", "verify", signature, "--content", changed, "--trusted", s.ca.cert, "--text").status == 1)
        // The same through openssl's attached text mode, compared with the file.
        let attached = s.dir.file("notice.p7m")
        try TestProcess.openssl(["cms", "-sign", "-nodetach", "-in", text, "-signer", s.ec.cert, "-inkey", s.ec.key, "-outform", "DER", "-out", attached])
        #expect(try s.mgov("sign", "verify", attached, "--content", text, "--trusted", s.ca.cert).status == 1)
        #expect(try s.mgov("sign", "verify", attached, "--content", text, "--trusted", s.ca.cert, "--text").status == 0)
    }

    @Test func pemAndSMIMEFromOpenSSLVerifyAndGiveTheirContent() throws {
        let s = try SignEnvironment()
        let text = try s.dir.write("letter.txt", "Stimate cetățean,\nactul dumneavoastră este gata.\n")
        let pem = s.dir.file("letter.pem")
        try TestProcess.openssl(["cms", "-sign", "-binary", "-nodetach", "-in", text, "-signer", s.ec.cert, "-inkey", s.ec.key,
                                 "-outform", "PEM", "-out", pem])
        let out = s.dir.file("out.txt")
        #expect(try s.mgov("sign", "verify", pem, "--trusted", s.ca.cert, "--content-output", out).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == String(contentsOfFile: text, encoding: .utf8))
        let smime = s.dir.file("letter.eml")
        try TestProcess.openssl(["cms", "-sign", "-in", text, "-signer", s.rsa.cert, "-inkey", s.rsa.key, "-out", smime])
        let result = try s.mgov("sign", "verify", smime, "--trusted", s.ca.cert)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("valid, trusted"))
    }

    @Test func sha1IsRefusedUnlessAllowed() throws {
        let s = try SignEnvironment()
        let content = try s.dir.write("a.txt", "a")
        let signature = s.dir.file("a.txt.p7s")
        try TestProcess.openssl(["cms", "-sign", "-binary", "-md", "sha1", "-in", content, "-signer", s.ec.cert, "-inkey", s.ec.key,
                                 "-outform", "DER", "-out", signature])
        let refused = try s.mgov("sign", "verify", signature, "--trusted", s.ca.cert)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("SHA-1"))
        #expect(try s.mgov("sign", "verify", signature, "--trusted", s.ca.cert, "--allow-sha1").status == 0)
    }
}

/// mgov signs, `openssl cms -verify` checks.
@Suite struct CMSToOpenSSLTests {
    @Test(arguments: ["rsa", "ec"], ["der", "pem", "smime"])
    func mgovSignaturesVerifyWithOpenSSL(keyType: String, format: String) throws {
        let s = try SignEnvironment()
        let signer = keyType == "rsa" ? s.rsa : s.ec
        let nonEmpty = format == "smime" ? try s.dir.write("notice.txt", "Line one\nLine two\n")
                                         : try s.dir.write("scan.bin", data: Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }))
        let inform = ["der": "DER", "pem": "PEM", "smime": "SMIME"][format]!
        // Empty content too: it cannot be streamed, and is signed in one go.
        for content in [nonEmpty, try s.dir.write("empty", data: Data())] {
        for packaging in ["--detached", "--attached"] {
            for cades in [false, true] {
                let signature = s.dir.file("out-\(packaging)-\(cades)")
                var arguments = ["sign", "cms", content, "--key", signer.key, "--cert", signer.cert, "--format", format, packaging,
                                 "--digest", "sha384", "-o", signature]
                if cades { arguments.append("--cades") }
                let signed = try s.mgov.run(arguments)
                #expect(signed.status == 0, "\(signed.stderr)")
                let recovered = s.dir.file("recovered")
                var verify = ["cms", "-verify", "-in", signature, "-inform", inform, "-CAfile", s.ca.cert, "-out", recovered]
                if format != "smime" { verify.append("-binary") }
                if packaging == "--detached", format != "smime" { verify += ["-content", content] }
                if cades { verify.append("-cades") }
                let checked = try TestProcess.run("/usr/bin/openssl", verify)
                #expect(checked.status == 0, "\(arguments): \(checked.stderr)")
                if format != "smime" {
                    #expect(FileManager.default.contentsEqual(atPath: recovered, andPath: content), "\(arguments)")
                }
            }
        }
        }
    }

    @Test func pkiIssuedCertificatesAndPKCS12BundlesSign() throws {
        let env = try CLIEnvironment()
        let ca = env.dir.file("ca")
        #expect(try env.mgov("pki", "init-ca", ca, "--name", "Test Root", "--rsa", "3072").status == 0)
        let passwordFile = try env.dir.write("pw", "secret\n")
        #expect(try env.mgov("pki", "issue", ca, "agency", "--identity", "MD/GOV/1003600123456/DOCS", "--pkcs12", "--password-file", passwordFile).status == 0)
        #expect(try env.mgov("pki", "issue", ca, "clerk", "--identity", "MD/GOV/1003600123456/CLERK", "--usage", "sign").status == 0)
        let content = try env.dir.write("act.pdf", data: Data(repeating: 0x25, count: 10_000))
        // The PKCS#12 from `pki issue`, and one re-exported by openssl with legacy (3DES/RC2) encryption.
        let legacy = env.dir.file("legacy.p12")
        try TestProcess.openssl(["pkcs12", "-export", "-legacy", "-inkey", ca + "/clerk.key", "-in", ca + "/clerk.crt",
                                 "-certfile", ca + "/ca.crt", "-passout", "pass:secret", "-out", legacy])
        for bundle in [ca + "/agency.p12", legacy] {
            let signature = env.dir.file("act.pdf.p7s")
            let signed = try env.mgov("sign", "cms", content, "--pkcs12", bundle, "--password-file", passwordFile, "--cades")
            #expect(signed.status == 0, "\(signed.stderr)")
            let checked = try TestProcess.run("/usr/bin/openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature,
                                                                   "-content", content, "-CAfile", ca + "/ca.crt", "-cades", "-out", "/dev/null"])
            #expect(checked.status == 0, "\(bundle): \(checked.stderr)")
            // The content beside the signature is found without --content.
            #expect(try env.mgov("sign", "verify", signature, "--trusted", ca + "/ca.crt").status == 0)
        }
    }
}

@Suite struct CMSCommandTests {
    /// A batch stopped by a signal while it signs puts nothing in place and leaves no temporary file.
    @Test func anInterruptedBatchLeavesNothingBehind() throws {
        let s = try SignEnvironment()
        let slow = try TestPKI.makeLeaf(in: s.dir, name: "slow-signer", ca: s.ca, keyType: "rsa:4096")
        let inputs = try (0..<600).map { try s.dir.write("in-\($0).bin", data: Data(repeating: UInt8($0 % 251), count: 4096)) }
        let out = s.dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let batch = try BackgroundProcess(MGovRunner.executable, ["sign", "cms"] + inputs + ["--key", slow.key, "--cert", slow.cert, "--out-dir", out],
                                          environment: s.mgov.environment)
        // Signing is under way once the first temporary file is there (all stay until the batch commits).
        let deadline = Date().addingTimeInterval(30)
        var started = false
        while !started, batch.process.isRunning, Date() < deadline {
            started = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).contains { $0.contains(".tmp-") }
            if !started { usleep(5_000) }
        }
        try #require(started, "the batch ended before it could be interrupted: \(batch.stderr)")
        batch.stop(SIGINT)
        #expect(batch.process.terminationStatus == 130, "\(batch.stderr)")
        #expect(batch.stderr.contains("interrupted: no signature was put in place"), "\(batch.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == [])
    }

    /// A signed copy of a private document is private too, and re-signing in place keeps the mode.
    @Test func aSignedCopyIsAsPrivateAsTheDocument() throws {
        let s = try SignEnvironment()
        let content = try s.dir.write("medical.txt", "diagnosis")
        chmod(content, 0o600)
        #expect(try s.mgov("sign", "cms", content, "--key", s.ec.key, "--cert", s.ec.cert, "--attached").status == 0)
        let xml = try s.dir.write("act.xml", "<act><who>Ion</who></act>")
        chmod(xml, 0o600)
        #expect(try s.mgov("sign", "xml", xml, "--key", s.ec.key, "--cert", s.ec.cert, "-o", xml).status == 0)
        for file in [content + ".p7m", xml] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
        }
    }

    /// The report names the content a signature was checked over; --content with a signature that
    /// carries its content checks that the file is that content.
    @Test func theReportNamesTheContentAndAFileIsComparedWithTheContentInside() throws {
        let s = try SignEnvironment()
        let content = try s.dir.write("act.txt", "Actul nr. 1\nsemnat\n")
        let other = try s.dir.write("other.txt", "Actul nr. 2\nsemnat\n")
        let key = ["--key", s.ec.key, "--cert", s.ec.cert]
        #expect(try s.mgov.run(["sign", "cms", content] + key).status == 0)
        #expect(try s.mgov.run(["sign", "cms", content, "--attached"] + key).status == 0)
        #expect(try s.mgov.run(["sign", "cms", content, "--attached", "--format", "smime", "-o", s.dir.file("act.eml")] + key).status == 0)
        let sha256sum = try TestProcess.run("/usr/bin/sha256sum", [content]).stdout.prefix(64)

        func contentReport(_ arguments: [String]) throws -> (status: Int32, content: [String: Any]) {
            let result = try s.mgov.run(["sign", "verify", "--trusted", s.ca.cert, "--json"] + arguments)
            let report = try #require(try result.json() as? [String: Any])
            let signature = try #require((report["signatures"] as? [[String: Any]])?.first)
            return (result.status, try #require(signature["content"] as? [String: Any]))
        }
        let detached = try contentReport([content + ".p7s"])
        #expect(detached.status == 0)
        #expect(detached.content["file"] as? String == content && detached.content["size"] as? Int == 19)
        #expect(detached.content["sha256"] as? String == String(sha256sum))
        let inside = try contentReport([content + ".p7m"])
        #expect(inside.status == 0 && inside.content["sha256"] as? String == String(sha256sum) && inside.content["file"] == nil)

        for signature in [content + ".p7m", s.dir.file("act.eml")] {
            let same = try contentReport([signature, "--content", content])
            #expect(same.status == 0 && same.content["matches_file"] as? Bool == true, "\(signature)")
            let different = try contentReport([signature, "--content", other])
            #expect(different.status == 1 && different.content["matches_file"] as? Bool == false, "\(signature)")
        }
        let text = try s.mgov("sign", "verify", content + ".p7m", "--trusted", s.ca.cert, "--content", other)
        #expect(text.status == 1)
        #expect(text.stdout.contains("INVALID") && text.stdout.contains("other.txt is not the content this signature carries"), "\(text.stdout)")

        // --content-output may not replace what the command reads.
        let signed = try Data(contentsOf: URL(fileURLWithPath: content + ".p7m"))
        try s.mgov("sign", "verify", content + ".p7m", "--trusted", s.ca.cert, "--content-output", content + ".p7m")
            .expectOneLineError(2, containing: "which this command reads")
        #expect(try Data(contentsOf: URL(fileURLWithPath: content + ".p7m")) == signed)
        // ...nor a trust anchor, a pinned certificate or an HMAC key it reads.
        let anchor = try s.dir.write("anchor.pem", data: try Data(contentsOf: URL(fileURLWithPath: s.ca.cert)))
        try s.mgov("sign", "verify", content + ".p7m", "--trusted", anchor, "--content-output", anchor)
            .expectOneLineError(2, containing: "which this command reads")
        try s.mgov("sign", "verify", content + ".p7m", "--trusted", s.ca.cert, "--cert", s.ec.cert, "--content-output", s.ec.cert)
            .expectOneLineError(2, containing: "which this command reads")
        #expect(try Data(contentsOf: URL(fileURLWithPath: anchor)) == Data(contentsOf: URL(fileURLWithPath: s.ca.cert)))

        // A FIFO keeps what it is given: it gets the content of a valid, trusted signature only.
        let contentBytes = try Data(contentsOf: URL(fileURLWithPath: content))
        let fifo = s.dir.file("content.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let tamperedBytes = try Data(contentsOf: URL(fileURLWithPath: content + ".p7m"))
        let at = try #require(tamperedBytes.range(of: Data(contentBytes.prefix(8))))
        var forged = tamperedBytes
        forged[at.lowerBound] ^= 0x01
        let forgedPath = try s.dir.write("forged.p7m", data: forged)
        for (signature, expected) in [(forgedPath, Data()), (content + ".p7m", contentBytes)] {
            let reader = try BackgroundProcess("/bin/sh", ["-c", "cat '\(fifo)' > '\(s.dir.file("read")).out'"])
            let verified = try s.mgov("sign", "verify", signature, "--trusted", s.ca.cert, "--content-output", fifo)
            reader.stop(SIGTERM, timeout: 20)
            #expect(verified.status == (expected.isEmpty ? 1 : 0), "\(verified.stdout)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: s.dir.file("read") + ".out")) == expected)
        }

        // Without a certificate the signature is not checked, but a file that is not the content is still told apart.
        #expect(try s.mgov.run(["sign", "cms", content, "--attached", "--no-certs", "-o", s.dir.file("bare.p7m")] + key).status == 0)
        let bare = try s.mgov("sign", "verify", s.dir.file("bare.p7m"), "--trusted", s.ca.cert, "--content", other, "--json")
        let bareSignature = try #require(((try bare.json() as? [String: Any])?["signatures"] as? [[String: Any]])?.first)
        #expect(bare.status == 1 && bareSignature["checked"] as? Bool == true && bareSignature["valid"] as? Bool == false, "\(bare.stdout)")
        let bareContent = try #require(bareSignature["content"] as? [String: Any])
        #expect(bareContent["sha256"] as? String == String(sha256sum) && bareContent["matches_file"] as? Bool == false && bareContent["file_sha256"] != nil)
        let unchecked = try s.mgov("sign", "verify", s.dir.file("bare.p7m"), "--trusted", s.ca.cert, "--content", content)
        #expect(unchecked.status == 1 && unchecked.stdout.contains("NOT CHECKED") && unchecked.stdout.contains("the same as"), "\(unchecked.stdout)")
    }

    @Test func aTamperedByteOrASwappedCertificateFails() throws {
        let s = try SignEnvironment()
        let content = try s.dir.write("order.txt", "transfer 100 lei")
        #expect(try s.mgov("sign", "cms", content, "--key", s.ec.key, "--cert", s.ec.cert, "--cades", "--no-certs").status == 0)
        let signature = content + ".p7s"
        #expect(try s.mgov("sign", "verify", signature, "--trusted", s.ca.cert, "--cert", s.ec.cert).status == 0)
        // Without certificates in the message and no --cert, the signer cannot be found.
        let unknown = try s.mgov("sign", "verify", signature, "--trusted", s.ca.cert)
        #expect(unknown.status == 1)
        #expect(unknown.stdout.contains("--cert"))

        // A certificate with the signer's key, issuer and serial, but another subject: the signature
        // still verifies with the key, and only CAdES's signing-certificate-v2 catches the swap.
        let serial = try TestProcess.openssl(["x509", "-in", s.ec.cert, "-noout", "-serial"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
        let csr = s.dir.file("swap.csr"), swapped = s.dir.file("swap.crt")
        try TestProcess.openssl(["req", "-new", "-key", s.ec.key, "-subj", "/CN=somebody else", "-out", csr])
        try TestProcess.openssl(["x509", "-req", "-in", csr, "-CA", s.ca.cert, "-CAkey", s.ca.key, "-set_serial", "0x" + serial,
                                 "-days", "30", "-out", swapped])
        let caught = try s.mgov("sign", "verify", signature, "--trusted", s.ca.cert, "--cert", swapped)
        #expect(caught.status == 1, "\(caught.stdout)")
        #expect(caught.stdout.contains("does not name the signer's certificate"))

        try Data("transfer 900 lei".utf8).write(to: URL(fileURLWithPath: content))
        let tampered = try s.mgov("sign", "verify", signature, "--trusted", s.ca.cert, "--cert", s.ec.cert)
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("content was changed"))
        #expect(try TestProcess.run("/usr/bin/openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", content,
                                                         "-certfile", s.ec.cert, "-CAfile", s.ca.cert, "-out", "/dev/null"]).status != 0)
    }

    @Test func aCertificateForTLSOnlyIsNotTrustedForSigning() throws {
        let env = try CLIEnvironment()
        let ca = env.dir.file("ca")
        try env.mgov("pki", "init-ca", ca, "--name", "Root")
        try env.mgov("pki", "issue", ca, "server", "--identity", "MD/GOV/1/API", "--usage", "tls")
        let content = try env.dir.write("a.txt", "a")
        let signed = try env.mgov("sign", "cms", content, "--key", ca + "/server.key", "--cert", ca + "/server.crt")
        #expect(signed.status == 0 && signed.stderr.contains("is not for signing documents"), "said at signing time: \(signed.stderr)")
        let result = try env.mgov("sign", "verify", content + ".p7s", "--trusted", ca + "/ca.crt")
        #expect(result.status == 1)
        #expect(result.stdout.contains("purpose"), "\(result.stdout)")
    }

    @Test func batchSigningReportsEachFailureAndVerifiesBesideTheContent() throws {
        let s = try SignEnvironment()
        var files: [String] = []
        for i in 0..<5 { files.append(try s.dir.write("doc\(i).txt", "document \(i)\n")) }
        let missing = s.dir.file("missing.txt")
        let result = try s.mgov.run(["sign", "cms"] + files + [missing, "--key", s.rsa.key, "--cert", s.rsa.cert])
        #expect(result.status == 2, "bad input, as sign verify says of a missing file")
        // One error line naming the file that failed, then the batch's summary.
        #expect(result.stderr.split(separator: "\n") == ["mgov: \(missing): no such file", "signed 5 of 6 files; 1 failed (named above)"], "\(result.stderr)")
        let verified = try s.mgov.run(["sign", "verify"] + files.map { $0 + ".p7s" } + ["--trusted", s.ca.cert, "--json"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stderr == "verified 5 files: 5 valid and trusted, 0 not, 0 unreadable or not signatures\n", "\(verified.stderr)")
        #expect(verified.stdout.split(separator: "\n").count == 5)
        // Signed into another folder: --content-dir says where the signed files are, by name.
        let sigs = s.dir.file("sigs")
        #expect(try s.mgov.run(["sign", "cms"] + files + ["--out-dir", sigs, "--key", s.rsa.key, "--cert", s.rsa.cert]).status == 0)
        let apart = files.map { sigs + "/" + ($0 as NSString).lastPathComponent + ".p7s" }
        let unfound = try s.mgov.run(["sign", "verify"] + apart + ["--trusted", s.ca.cert])
        #expect(unfound.status == 2 && unfound.stdout.contains("--content-dir"), "\(unfound.stdout)")
        let found = try s.mgov.run(["sign", "verify"] + apart + ["--trusted", s.ca.cert, "--content-dir", s.dir.path])
        #expect(found.status == 0 && found.stdout.components(separatedBy: "valid, trusted").count == 6, "\(found.stdout)")
        try s.mgov.run(["sign", "verify", apart[0], "--content", files[0], "--content-dir", s.dir.path]).expectOneLineError(64, containing: "not both")
        // --json: a line per input naming its signature or its error, for scripts.
        let reported = try s.mgov.run(["sign", "cms", files[0], missing, "--key", s.rsa.key, "--cert", s.rsa.cert, "--json", "--attached"])
        let lines = reported.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(reported.status == 2 && lines.count == 2, "\(reported.stdout)")
        #expect(lines.first?["ok"] as? Bool == true && lines.first?["output"] as? String == files[0] + ".p7m")
        #expect(lines.last?["ok"] as? Bool == false && (lines.last?["error"] as? String)?.contains("missing.txt") == true)
        try s.mgov.run(["sign", "cms", "-", "--key", s.rsa.key, "--cert", s.rsa.cert, "--json"], input: Data("x".utf8))
            .expectOneLineError(64, containing: "--json reports on stdout")

        let outDir = s.dir.file("signatures")
        #expect(try s.mgov.run(["sign", "cms"] + files + ["--key", s.rsa.key, "--cert", s.rsa.cert, "--out-dir", outDir, "--attached"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: outDir + "/doc3.txt.p7m"))
        let out = s.dir.file("doc3.out")
        #expect(try s.mgov("sign", "verify", outDir + "/doc3.txt.p7m", "--trusted", s.ca.cert, "--content-output", out).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "document 3\n")
    }

    /// Each signing's audit event names the content by its SHA-256, however it was signed.
    @Test func eachSigningIsLoggedWithTheContentsHash() throws {
        let s = try SignEnvironment()
        #expect(try s.mgov("profile", "create", "signer", "--identity", "MD/GOV/1/SIGN", "--key", s.ec.key, "--cert", s.ec.cert).status == 0)
        let content = try s.dir.write("act.txt", "line one\nline two\n")
        let sha256 = String(try TestProcess.run("/usr/bin/sha256sum", [content]).stdout.prefix(64))
        // The signer's SHA-256 messageDigest, the file hashed beside a SHA-384 digest, and S/MIME (which signs CRLF lines).
        let variants: [[String]] = [["-o", s.dir.file("a.p7s")], ["--digest", "sha384", "-o", s.dir.file("b.p7s")],
                                    ["--attached", "-o", s.dir.file("c.p7m")], ["--format", "smime", "-o", s.dir.file("d.eml")], ["-o", "-"]]
        for variant in variants {
            #expect(try s.mgov.run(["sign", "cms", content] + variant).status == 0, "\(variant)")
        }
        let logged = try s.mgov("log", "query", "--type", "MGov.Sign.Signed", "--json")
        let events = ((try logged.json() as? [String: Any])?["entries"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? [String: Any] }
        #expect(events.count == variants.count)
        for event in events {
            #expect(event["object_sha256"] as? String == sha256 && event["signer"] as? String == "CN=ec-signer", "\(event)")
        }
        #expect(events.compactMap { $0["output"] as? String }.count == variants.count - 1, "stdout is no output file")
    }

    /// A signature written to a full stdout is one line naming the cause, for every packaging.
    @Test func aFullStdoutIsNamed() throws {
        let s = try SignEnvironment()
        let content = try s.dir.write("act.txt", "act")
        for packaging in [["--detached"], ["--attached"], ["--attached", "--format", "pem"], ["--format", "smime"]] {
            let command = ([MGovRunner.executable, "sign", "cms", content, "-o", "-", "--key", s.ec.key, "--cert", s.ec.cert] + packaging)
                .map { "'\($0)'" }.joined(separator: " ") + " > /dev/full"
            let result = try TestProcess.run("/bin/sh", ["-c", command], environment: s.mgov.environment)
            result.expectOneLineError(2, containing: "cannot write the signature: No space left on device")
        }
    }

    @Test func stdinToStdoutAndTheErrorContract() throws {
        let s = try SignEnvironment()
        let content = Data("from a pipe".utf8)
        let signed = try s.mgov.run(["sign", "cms", "-", "--key", s.ec.key, "--cert", s.ec.cert], input: content)
        #expect(signed.status == 0, "\(signed.stderr)")
        let signature = try s.dir.write("pipe.p7s", data: signed.stdoutData)
        let contentFile = try s.dir.write("pipe.txt", data: content)
        #expect(try s.mgov("sign", "verify", signature, "--trusted", s.ca.cert, "--content", contentFile).status == 0)
        #expect(try s.mgov.run(["sign", "verify", signature, "--trusted", s.ca.cert, "--content", "-"], input: content).status == 0)

        let noContent = try s.mgov("sign", "verify", s.dir.write("lonely.p7s", data: signed.stdoutData), "--trusted", s.ca.cert)
        #expect(noContent.status == 2)
        #expect(noContent.stdout.contains("--content FILE"))
        let junk = try s.dir.write("junk.p7s", data: Data([0x30, 0x82, 0x01]))
        #expect(try s.mgov("sign", "verify", junk, "--trusted", s.ca.cert).status == 2)
        let untrusted = try s.mgov("sign", "verify", signature, "--content", contentFile)
        #expect(untrusted.status == 1)
        for (arguments, fragment) in [(["--cert", s.ec.cert], "--cert goes with --key"), (["--key", s.ec.key, "--cert", s.ec.cert, "--digest", "sha1"], "sha256"),
                                      (["--key", s.ec.key, "--cert", s.ec.cert, "--format", "zip"], "smime")] {
            let usage = try s.mgov.run(["sign", "cms", contentFile] + arguments)
            #expect(usage.status == 64 && usage.stderr.contains(fragment), "\(usage.stderr)")
        }
        try s.mgov("sign", "cms", contentFile, "--key", s.ec.key).expectOneLineError(2, containing: "--cert FILE")
        try s.mgov("sign", "cms", contentFile, "--key", s.ec.key, "--cert", s.rsa.cert).expectOneLineError(2, containing: "does not belong")
    }
}
