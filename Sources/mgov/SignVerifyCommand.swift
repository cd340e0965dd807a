import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto
import MGovSign
import MGovXML

extension SignCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify XML and CMS signatures: one result per file (JSON lines with --json).",
            discussion: """
                The kind of each file is found from its content: CMS (DER or BER, PEM, S/MIME) or XML.

                CMS: every signer's signature and message digest are checked over the content, which is \
                inside the signature (attached; --content-output FILE writes it out) or given with --content \
                FILE (detached; by default the signature's name without .p7s or .sig, when that file exists, \
                beside it or, with --content-dir DIR, in DIR). \
                --content FILE with a signature that carries its content checks that FILE is that content \
                (INVALID when not). The report gives the content's size and SHA-256. \
                Detached content is streamed; an attached signature is parsed whole (about twice its size in memory, as openssl cms). The signer's certificate comes from the message (or --cert) and must chain \
                to the anchors as below, through the certificates the message carries. ESS signing-certificate \
                attributes (CAdES-BES) are checked against the signer's certificate; the signing time is \
                reported (it is the signer's claim, not a trusted time). SHA-1 fails unless --allow-sha1; MD5 fails.

                XML: every ds:Signature is checked: SignedInfo, every Reference (same-document URIs only: "", #id, \
                #xpointer(/), #xpointer(id('id'))), transforms (enveloped, the C14N family with PrefixList, base64; \
                XSLT and XPath are refused). The signer's certificate from KeyInfo (or --cert) must chain to \
                --trusted anchors or the profile's, at the current time or --at, and be for signing documents \
                (key usage digitalSignature or nonRepudiation; extended key usage, when listed, emailProtection, \
                documentSigning or any). Duplicate ID values anywhere (Id, ID, id, xml:id) are an error. SHA-1 fails unless --allow-sha1; HMAC needs --hmac-key; HMACOutputLength is refused.

                A signature with no key to check it with (no certificate in it, and no --cert) is reported as \
                NOT CHECKED, not INVALID (checked false in --json). An XML signature over part of the document \
                warns that the rest is not signed.

                A pinned --cert is checked like any other signer's certificate: to trust one self-signed \
                certificate, give it as --trusted too. --any-signer skips the trust check: a valid signature is \
                then reported as "signer NOT CHECKED" (trust_waived in --json) and exits 0.

                Exit codes: 0 every file valid and trusted; 1 a signature is invalid, untrusted or refused; \
                2 a file is unreadable, not well-formed, not a signature, or its content is missing. Such a file's \
                ERROR line is in the report; when the report goes to a file or pipe, it is also said on stderr.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: ArgumentHelp("Signed XML files or CMS signatures ('-' for stdin).", valueName: "file"), completion: .file())
        var files: [String]
        @Option(help: ArgumentHelp("A trust anchor certificate (repeatable; default: the profile's).", valueName: "file"), completion: .file())
        var trusted: [String] = []
        @Option(help: ArgumentHelp("Pin the signer's certificate: its key is used, KeyInfo is ignored.", valueName: "file"), completion: .file())
        var cert: String?
        @Flag(help: "Accept a valid signature from any signer (no trust check).")
        var anySigner = false
        @Option(help: ArgumentHelp("Check the chain at this time instead of now.", valueName: "time"), transform: Timestamp.require)
        var at: Date?
        @Flag(help: "Accept SHA-1 digests and signatures, with a warning.")
        var allowSha1 = false
        @Option(help: ArgumentHelp("The shared key for HMAC signatures.", valueName: "file"), completion: .file())
        var hmacKey: String?
        @Option(help: ArgumentHelp("An ID attribute name (repeatable; default Id, ID, id).", valueName: "name"))
        var idAttr: [String] = []
        @Option(name: [.customLong("content-output"), .customLong("signed-output")],
                help: ArgumentHelp("When valid and trusted, write the signed content here: a CMS signature's content, or what the XML signatures cover (one input only). A device or FIFO gets it only after the check.", valueName: "file"), completion: .file())
        var contentOutput: String?
        @Option(help: ArgumentHelp("The signed file of a detached CMS signature, or a file to compare with an attached one's content ('-' for stdin; one input only).", valueName: "file"), completion: .file())
        var content: String?
        @Option(help: ArgumentHelp("Where the signed files of detached CMS signatures are, by name: DIR/doc.pdf for sigs/doc.pdf.p7s (for a batch signed with --out-dir).", valueName: "dir"), completion: .directory)
        var contentDir: String?
        @Option(help: ArgumentHelp("Check only the signatures this XPath selects (prefix ds is bound).", valueName: "xpath"))
        var signatureXpath: String?
        @Flag(help: "CMS content signed as text (openssl cms -sign without -binary): check it with its line ends made CRLF.")
        var text = false

        func validate() throws {
            if contentOutput != nil, files.count != 1 { throw ValidationError("--content-output takes one input file") }
            if contentOutput == "-" { throw ValidationError("--content-output needs a file name (the report goes to stdout)") }
            if content != nil, files.count != 1 { throw ValidationError("--content takes one signature file") }
            if content == "-", files.contains("-") { throw ValidationError("stdin cannot be both the signature and the content") }
            if content != nil, contentDir != nil { throw ValidationError("give --content FILE or --content-dir DIR, not both") }
            if let signatureXpath {
                do { try XMLDocument.checkXPath(signatureXpath) } catch { throw ValidationError("--signature-xpath: \(error)") }
            }
        }

        func run() async throws {
            let context = global.makeContext()
            var options = VerificationOptions()
            options.anySigner = anySigner
            options.allowSHA1 = allowSha1
            options.textContent = text
            options.signatureXPath = signatureXpath
            options.at = at
            if !idAttr.isEmpty { options.idAttributes = idAttr }
            options.pinnedCertificate = try cert.map { try Certificate.loadAll(path: $0)[0] }
            options.hmacKey = try hmacKey.map { try FileSystem.read($0) }
            var anchorPaths = trusted
            if anchorPaths.isEmpty, FileManager.default.fileExists(atPath: context.home.databasePath), let profile = try context.profileIfAny() {
                anchorPaths = profile.trustPaths
            }
            // Every file this command reads, anchors and keys included, stays as it is.
            let read = files + [content, cert, hmacKey].compactMap { $0 } + anchorPaths
            if let contentOutput, let overwritten = read.first(where: { FileSystem.isSameFile($0, contentOutput) }) {
                throw CoreError.invalidArgument("--content-output \(contentOutput) is \(overwritten), which this command reads: write the content to another file")
            }
            options.trustAnchors = try anchorPaths.flatMap { try Certificate.loadAll(path: $0) }
            let trap = contentOutput.map { _ in SignalTrap.removingPartialFiles(context.console) }
            defer { trap?.release() }
            let verifier = XMLVerifier(options: options)
            let cmsVerifier = CMSVerifier(options: options)
            let contentPath = content, contentFolder = contentDir
            if let contentFolder {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: contentFolder, isDirectory: &isFolder), isFolder.boolValue else {
                    throw CoreError.invalidArgument("--content-dir \(contentFolder) is not a folder")
                }
            }
            let jobs = files
            let results = ConcurrentSlots<VerifiedFile>(count: jobs.count)
            let contentOutputPath = contentOutput
            DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
                let file = jobs[index]
                do {
                    let data: Data
                    switch try CMSSignedData.load(file, name: file) {
                    case .cms(let message):
                        let report = try Self.verifyCMS(message, file: file, verifier: cmsVerifier, content: contentPath, contentDir: contentFolder,
                                                        contentOutput: contentOutputPath)
                        results[index] = VerifiedFile(report: report, malformed: false)
                        return
                    case .other(let bytes): data = bytes
                    }
                    let looksLikeXML = data.prefix(64).first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) } == UInt8(ascii: "<")
                    if contentPath != nil {
                        throw CryptoError.operationFailed(looksLikeXML ? "--content goes with CMS signatures, and \(file) is XML"
                                                                       : "\(file) is not a CMS signature (DER, PEM or S/MIME)")
                    }
                    if !looksLikeXML { throw CryptoError.notASignature(path: file, detail: data.isEmpty ? "it is empty" : "neither CMS (DER, PEM, S/MIME) nor XML") }
                    let document = try XMLDocument(data: data, name: file)
                    let reports = try verifier.verify(document)
                    var report = FileReport(file: file, signatures: reports)
                    if let contentOutputPath, report.ok {
                        do {
                            try FileSystem.writeAtomically(try verifier.signedContent(document, reports: reports), to: contentOutputPath,
                                                           mode: FileSystem.mode(replacing: contentOutputPath, asPrivateAs: file))
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
                    // "Not a signature" is bad input (exit 2), as the exit codes say; the rest are refusals.
                    results[index] = VerifiedFile(report: FileReport(file: file, signatures: [], error: error.description), malformed: error.exitStatus == .failure)
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
                // A report that went to a file or pipe must not hide from the user that a file was
                // not checked at all: said on stderr too, as sha256sum -c does (once, on a terminal).
                if malformed, let error = report.error, !Terminal.stdoutIsTerminal { console.error(error.said(of: report.file)) }
            }
            if jobs.count > 1 {
                let reports = jobs.indices.compactMap { results[$0] }
                let ok = reports.filter { $0.report.ok }.count, unreadable = reports.filter(\.malformed).count
                console.info("verified \(jobs.count) files: \(ok) valid and trusted, \(jobs.count - ok - unreadable) not, \(unreadable) unreadable or not signatures")
            }
            if anyMalformed { throw ExitCode(2) }
            if anyRefused { throw ExitCode(1) }
        }

        /// Verifies one CMS signature; the content comes from `content`, or beside a detached signature.
        static func verifyCMS(_ message: CMSSignedData, file: String, verifier: CMSVerifier, content: String?, contentDir: String? = nil,
                              contentOutput: String?) throws -> FileReport {
            if message.isDetached, contentOutput != nil {
                throw CryptoError.operationFailed("--content-output is for signatures that carry their content; \(file) is detached")
            }
            // Detached: the signed file (by default beside the signature). Attached: a file to compare with the content inside.
            let contentPath = message.isDetached ? content ?? defaultContent(for: file, in: contentDir) : content
            if message.isDetached, contentPath == nil {
                if let contentDir {
                    throw CryptoError.operationFailed("\(file) is a detached signature, and \(contentDir) holds no file of its name without .p7s or .sig")
                }
                throw CryptoError.operationFailed("\(file) is a detached signature: give the signed file with --content FILE (or --content-dir DIR)")
            }
            let contentDescriptor = try contentPath.map { try FileSystem.openForReading($0) }
            defer { if let contentDescriptor { close(contentDescriptor) } }
            guard let contentOutput else {
                return FileReport(file: file, signatures: try verifier.verify(message, name: file, content: contentDescriptor, contentName: contentPath))
            }
            let out = try AtomicFile(path: contentOutput, mode: FileSystem.mode(replacing: contentOutput, asPrivateAs: file))
            if out.writesThrough {
                // A device or FIFO keeps what it is given: the signature is checked first, and the
                // content is written by a second pass only when it is valid and trusted.
                let report = FileReport(file: file, signatures: try verifier.verify(message, name: file, content: contentDescriptor, contentName: contentPath))
                guard report.ok else { return report }
                _ = try out.withDescriptor { try verifier.verify(message, name: file, content: nil, contentOutput: $0) }
                try out.commit()
                return report
            }
            let report = FileReport(file: file, signatures: try out.withDescriptor {
                try verifier.verify(message, name: file, content: contentDescriptor, contentName: contentPath, contentOutput: $0)
            })
            if report.ok { try out.commit() }
            return report
        }

        /// `doc.pdf` for `doc.pdf.p7s` or `doc.pdf.sig`, beside it or in `folder`, when it exists.
        static func defaultContent(for signature: String, in folder: String? = nil) -> String? {
            let name = folder == nil ? signature : (signature as NSString).lastPathComponent
            for suffix in [".p7s", ".sig"] where name.hasSuffix(suffix) && name.count > suffix.count {
                let candidate = folder.map { FileSystem.join($0, String(name.dropLast(suffix.count))) } ?? String(name.dropLast(suffix.count))
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue { return candidate }
            }
            return nil
        }

        static func describe(_ report: FileReport) -> String {
            if let error = report.error, report.signatures.isEmpty {
                return error.said(of: report.file, as: "ERROR: ")
            }
            var lines: [String] = []
            for (i, s) in report.signatures.enumerated() {
                let label = report.signatures.count > 1 ? "\(report.file) [signature \(i + 1)]" : report.file
                let status = s.valid ? (s.trusted ? "valid, trusted" : s.trustWaived ? "valid, signer NOT CHECKED (--any-signer)" : "valid signature, NOT TRUSTED")
                    : s.checked ? "INVALID" : "NOT CHECKED (no key to check it with)"
                var line = "\(label): \(status)"
                if let signer = s.signer { line += "; signed by \(signer.subject) (issuer \(signer.issuer), serial \(signer.serial))" }
                if let algorithm = s.signatureAlgorithm { line += "; \(algorithm)" }
                if let digest = s.digestAlgorithm { line += ", \(digest)" }
                if let time = s.signingTime { line += "; signing time \(Timestamp.formatSeconds(time)) (claimed)" }
                if s.format == "cms" { line += s.detached == true ? "; CMS, detached" : "; CMS, content inside" }
                let covers = s.references.map { "'\($0.uri)' → \($0.signedPath ?? "?")\($0.valid ? "" : " (digest mismatch)")" }
                if !covers.isEmpty { line += "; covers " + covers.joined(separator: ", ") }
                lines.append(line)
                if let content = s.content { lines.append("  content: " + Self.describe(content, detached: s.detached == true)) }
                if !s.chain.isEmpty { lines.append("  chain: " + s.chain.joined(separator: " → ")) }
                for attribute in s.attributes { lines.append("  attribute: \(attribute)") }
                for problem in s.problems { lines.append("  problem: \(problem)") }
                for warning in s.warnings { lines.append("  warning: \(warning)") }
            }
            if let error = report.error { lines.append("  problem: \(error)") }
            return lines.joined(separator: "\n")
        }

        /// "doc.pdf, 1234 bytes, SHA-256 …", or for content inside the signature, whether --content is it.
        static func describe(_ content: ContentReport, detached: Bool) -> String {
            let facts = "\(content.size) bytes, SHA-256 \(content.sha256)"
            guard !detached else { return "\(content.file ?? "?"), \(facts)" }
            switch content.matchesFile {
            case true?: return "inside the signature, \(facts); the same as \(content.file ?? "?")"
            case false?: return "inside the signature, \(facts); NOT the same as \(content.file ?? "?")"
            case nil: return "inside the signature, \(facts)"
            }
        }
    }
}

/// One verified file, and whether it could not be read as a signature at all.
private struct VerifiedFile: Sendable {
    let report: FileReport
    let malformed: Bool
}
