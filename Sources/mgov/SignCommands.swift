import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto
import MGovSign
import MGovXML

struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign and verify XML documents (XMLDSig), offline.",
        discussion: """
            Nothing is fetched from the network while signing or verifying: DTDs and external entities are \
            refused, and references are followed inside the document only.
            """,
        subcommands: [XML.self, Verify.self]
    )

    enum Mode: String, EnumerableFlag {
        case enveloped, enveloping, detached
        static func help(for value: Mode) -> ArgumentHelp? {
            switch value {
            case .enveloped: return "Sign the whole document; the Signature becomes the root's last child (default)."
            case .enveloping: return "Wrap the document in ds:Object inside a new ds:Signature root."
            case .detached: return "Sign the elements named by --reference, in the same document."
            }
        }
    }

    struct XML: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "xml",
            abstract: "Sign XML files with the profile's key, or --key/--cert, or --pkcs12.",
            discussion: """
                With several files, --out-dir is required; files are signed in parallel, a failure on one is \
                reported with its name and does not stop the others. SHA-1, RSA keys under 2048 bits and \
                expired certificates are refused (--allow-expired signs with an expired certificate, with a warning).

                Exit codes: 0 every file signed; 1 a file could not be signed, or the key or certificate is \
                refused; 2 bad input.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: ArgumentHelp("XML files to sign ('-' for stdin).", valueName: "file"))
        var files: [String]
        @Option(name: [.short, .long], help: ArgumentHelp("Write the signed document here ('-': stdout; one input only).", valueName: "file"))
        var output: String?
        @Option(help: ArgumentHelp("Write each signed file here, under its own name.", valueName: "dir"))
        var outDir: String?
        @Option(help: ArgumentHelp("Private key file (instead of the profile's).", valueName: "file"))
        var key: String?
        @Option(help: ArgumentHelp("Certificate file, signer first, then the chain.", valueName: "file"))
        var cert: String?
        @Option(help: ArgumentHelp("PKCS#12 file with key and certificates.", valueName: "file"))
        var pkcs12: String?
        @Flag var mode: Mode = .enveloped
        @Option(help: ArgumentHelp("With --detached: a same-document reference '#ID' (repeatable).", valueName: "#id"))
        var reference: [String] = []
        @Option(help: ArgumentHelp("An ID attribute name (repeatable; default Id, ID, id).", valueName: "name"))
        var idAttr: [String] = []
        @Option(help: ArgumentHelp("exc, exc-with-comments, c14n, c14n-with-comments, c14n11 (default exc).", valueName: "method"))
        var c14n = "exc"
        @Option(help: ArgumentHelp("sha256, sha384 or sha512.", valueName: "digest"))
        var digest = "sha256"
        @Flag(help: "RSA-PSS (xmldsig-more sha256-rsa-MGF1) instead of PKCS#1 v1.5.")
        var rsaPss = false
        @Flag(help: "Leave KeyInfo out.")
        var noKeyinfo = false
        @Flag(help: "Sign even with an expired or not yet valid certificate.")
        var allowExpired = false

        func validate() throws {
            if files.count > 1, outDir == nil { throw ValidationError("several files need --out-dir DIR") }
            if output != nil, outDir != nil { throw ValidationError("give -o FILE or --out-dir DIR, not both") }
            if mode == .detached, reference.isEmpty { throw ValidationError("--detached needs --reference '#ID'") }
            if mode != .detached, !reference.isEmpty { throw ValidationError("--reference goes with --detached") }
            if pkcs12 != nil, key != nil || cert != nil { throw ValidationError("give --pkcs12 or --key/--cert, not both") }
        }

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let passwords = PasswordSource(passwordFile: password.passwordFile)
            var options = XMLSigningOptions()
            guard let method = CanonicalizationMethod(shortName: c14n) else { throw ValidationError("unknown --c14n '\(c14n)'") }
            guard let digestAlgorithm = DigestAlgorithm(rawValue: digest), digestAlgorithm != .sha1 else {
                throw ValidationError("--digest takes sha256, sha384 or sha512")
            }
            options.canonicalization = method
            options.digest = digestAlgorithm
            options.rsaPSS = rsaPss
            options.includeKeyInfo = !noKeyinfo
            options.allowExpired = allowExpired
            if !idAttr.isEmpty { options.idAttributes = idAttr }
            switch mode {
            case .enveloped: options.mode = .enveloped
            case .enveloping: options.mode = .enveloping
            case .detached: options.mode = .detached(reference)
            }
            let credentials = try loadCredentials(context, passwords)
            let signer = try XMLSigner(key: credentials.key, certificates: credentials.certificates, options: options)
            let console = context.console
            for warning in try signer.checkValidity(now: context.clock.now()) { console.warn(warning) }
            if let outDir { try FileSystem.makeOwnerOnlyDirectory(outDir) }

            let jobs = files
            let problems = ConcurrentSlots<String?>(count: jobs.count)
            let progress = Progress(total: jobs.count, console: console)
            DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
                let file = jobs[index]
                do {
                    let document = try XMLDocument(data: try FileSystem.read(file), name: file)
                    let signed = try signer.sign(document)
                    let destination = outDir.map { $0 + "/" + (file == "-" ? "stdin.xml" : (file as NSString).lastPathComponent) } ?? output
                    if let destination, destination != "-" {
                        let file = try AtomicFile(path: destination)
                        try file.withDescriptor { try signed.write(toDescriptor: $0) }
                        try file.commit()
                    } else {
                        console.outData(signed.serialized())
                    }
                    problems[index] = .some(nil)
                } catch {
                    problems[index] = describeError(error)
                }
                progress.step()
            }
            progress.finish()
            var failed = 0
            for (index, file) in jobs.enumerated() {
                if let problem = problems[index] ?? "not processed" {
                    failed += 1
                    console.error("\(file): \(problem)")
                } else if FileManager.default.fileExists(atPath: context.home.databasePath) {
                    try context.record("MGov.Sign.Signed", ["object": file, "object_type": "xml", "event_message": "signed \(file)"])
                }
            }
            if failed > 0 { throw ExitCode(1) }
            if outDir != nil { console.info("signed \(jobs.count) files into \(outDir ?? "")") }
        }

        func loadCredentials(_ context: Context, _ passwords: PasswordSource) throws -> (key: PrivateKey, certificates: [Certificate]) {
            let credentials = pkcs12 != nil || key != nil
                ? try ProfileCredentials.load(key: key, certificate: cert, pkcs12: pkcs12, passwords: passwords)
                : try ProfileCredentials.load(try context.profile(), passwords: passwords)
            return (credentials.key, credentials.certificates)
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the XML signatures in files: one result line each (JSON lines with --json).",
            discussion: """
                Every ds:Signature is checked: SignedInfo, every Reference (same-document URIs only: "", #id, \
                #xpointer(/), #xpointer(id('id'))), transforms (enveloped, the C14N family with PrefixList, base64; \
                XSLT and XPath are refused). The signer's certificate from KeyInfo (or --cert) must chain to \
                --trusted anchors or the profile's, at the current time or --at. Duplicate ID values anywhere are \
                an error. SHA-1 fails unless --allow-sha1; HMAC needs --hmac-key; HMACOutputLength is refused.

                Exit codes: 0 every file valid and trusted; 1 a signature is invalid, untrusted or refused; \
                2 a file is unreadable or not well-formed.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: ArgumentHelp("Signed XML files ('-' for stdin).", valueName: "file"))
        var files: [String]
        @Option(help: ArgumentHelp("A trust anchor certificate (repeatable; default: the profile's).", valueName: "file"))
        var trusted: [String] = []
        @Option(help: ArgumentHelp("Pin the signer's certificate: its key is used, KeyInfo is ignored.", valueName: "file"))
        var cert: String?
        @Flag(help: "Accept a valid signature from any signer (no trust check).")
        var anySigner = false
        @Option(help: ArgumentHelp("Check the chain at this time instead of now.", valueName: "time"))
        var at: String?
        @Flag(help: "Accept SHA-1 digests and signatures, with a warning.")
        var allowSha1 = false
        @Option(help: ArgumentHelp("The shared key for HMAC signatures.", valueName: "file"))
        var hmacKey: String?
        @Option(help: ArgumentHelp("An ID attribute name (repeatable; default Id, ID, id).", valueName: "name"))
        var idAttr: [String] = []
        @Option(help: ArgumentHelp("Write only the content the signatures cover (one input only).", valueName: "file"))
        var signedOutput: String?
        @Option(help: ArgumentHelp("Check only the signatures this XPath selects (prefix ds is bound).", valueName: "xpath"))
        var signatureXpath: String?

        func validate() throws {
            if signedOutput != nil, files.count != 1 { throw ValidationError("--signed-output takes one input file") }
        }

        func run() async throws {
            let context = global.makeContext()
            var options = XMLVerificationOptions()
            options.anySigner = anySigner
            options.allowSHA1 = allowSha1
            options.signatureXPath = signatureXpath
            options.at = try at.map(Timestamp.require)
            if !idAttr.isEmpty { options.idAttributes = idAttr }
            options.pinnedCertificate = try cert.map { try Certificate.loadAll(path: $0)[0] }
            options.hmacKey = try hmacKey.map { try FileSystem.read($0) }
            var anchorPaths = trusted
            if anchorPaths.isEmpty, FileManager.default.fileExists(atPath: context.home.databasePath), let profile = try context.profileIfAny() {
                anchorPaths = profile.trustPaths
            }
            options.trustAnchors = try anchorPaths.flatMap { try Certificate.loadAll(path: $0) }
            let verifier = XMLVerifier(options: options)
            let jobs = files
            let results = ConcurrentSlots<VerifiedFile>(count: jobs.count)
            let signedOutputPath = signedOutput
            DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
                let file = jobs[index]
                do {
                    let document = try XMLDocument(data: try FileSystem.read(file), name: file)
                    let reports = try verifier.verify(document)
                    var report = FileReport(file: file, signatures: reports)
                    if let signedOutputPath, report.ok {
                        do {
                            try FileSystem.writeAtomically(try verifier.signedContent(document, reports: reports), to: signedOutputPath)
                        } catch {
                            report.error = describeError(error)
                        }
                    }
                    results[index] = VerifiedFile(report: report, malformed: false)
                } catch let error as XMLError {
                    let malformed: Bool
                    if case .duplicateID = error { malformed = false } else { malformed = true }
                    results[index] = VerifiedFile(report: FileReport(file: file, signatures: [], error: error.description), malformed: malformed)
                } catch let error as SignError {
                    results[index] = VerifiedFile(report: FileReport(file: file, signatures: [], error: error.description), malformed: false)
                } catch {
                    results[index] = VerifiedFile(report: FileReport(file: file, signatures: [], error: describeError(error)), malformed: true)
                }
            }
            let console = context.console
            var anyRefused = false, anyMalformed = false
            for index in jobs.indices {
                let outcome = results[index] ?? VerifiedFile(report: FileReport(file: jobs[index], signatures: [], error: "not processed"), malformed: true)
                let (report, malformed) = (outcome.report, outcome.malformed)
                if malformed { anyMalformed = true } else if !report.ok { anyRefused = true }
                if console.isJSON { try console.jsonLine(report) } else { console.out(Self.describe(report)) }
            }
            if anyMalformed { throw ExitCode(2) }
            if anyRefused { throw ExitCode(1) }
        }

        static func describe(_ report: FileReport) -> String {
            if let error = report.error, report.signatures.isEmpty { return "\(report.file): ERROR: \(error)" }
            var lines: [String] = []
            for (i, s) in report.signatures.enumerated() {
                let label = report.signatures.count > 1 ? "\(report.file) [signature \(i + 1)]" : report.file
                let status = s.valid ? (s.trusted ? "valid, trusted" : "valid signature, NOT TRUSTED") : "INVALID"
                var line = "\(label): \(status)"
                if let signer = s.signer { line += "; signed by \(signer.subject) (issuer \(signer.issuer), serial \(signer.serial))" }
                if let algorithm = s.signatureAlgorithm { line += "; \(algorithm)" }
                let covers = s.references.map { "'\($0.uri)' → \($0.signedPath ?? "?")\($0.valid ? "" : " (digest mismatch)")" }
                if !covers.isEmpty { line += "; covers " + covers.joined(separator: ", ") }
                lines.append(line)
                for problem in s.problems { lines.append("  problem: \(problem)") }
                for warning in s.warnings { lines.append("  warning: \(warning)") }
            }
            if let error = report.error { lines.append("  problem: \(error)") }
            return lines.joined(separator: "\n")
        }
    }
}

/// One verified file, and whether it could not even be read as XML.
private struct VerifiedFile: Sendable {
    let report: FileReport
    let malformed: Bool
}

/// A progress bar on stderr when it is a terminal, nothing otherwise.
private final class Progress: @unchecked Sendable {
    // @unchecked: `done` is guarded by `lock`.
    private let total: Int
    private let console: Console
    private let shown: Bool
    private var done = 0
    private let lock = NSLock()

    init(total: Int, console: Console) {
        self.total = total
        self.console = console
        shown = total > 1 && Terminal.stderrIsTerminal && !console.quiet
    }

    func step() {
        guard shown else { return }
        lock.lock(); done += 1; let d = done; lock.unlock()
        let width = 30, filled = width * d / max(total, 1)
        console.progress("[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] \(d)/\(total)")
    }

    func finish() { if shown { console.progress(nil) } }
}

/// One line for an error, in mgov's words when it has them.
private func describeError(_ error: Error) -> String {
    if let error = error as? UserFacingError { return error.description }
    if let error = error as? XMLError { return error.description }
    return String(describing: error)
}
