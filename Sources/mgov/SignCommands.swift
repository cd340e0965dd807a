import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto
import MGovSign
import MGovXML

struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign and verify XML documents (XMLDSig) and files (CMS, CAdES-BES), offline.",
        discussion: """
            Nothing is fetched from the network while signing or verifying: an external DTD is never loaded, \
            entity declarations are refused, XML references are followed inside the document only, and no \
            certificate status is fetched. Attribute defaults declared in a document's internal DTD subset \
            are applied, as canonical XML requires (xmlsec1 does the same).
            """,
        subcommands: [XML.self, CMS.self, Verify.self]
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

    /// What `sign xml` and `sign cms` exit with.
    static let exitCodes = """
        Exit codes: 0 every file signed; 1 the certificate is out of its validity period (--allow-expired), \
        or each file not signed was refused (its signature would break one it holds, or it is itself an \
        enveloping signature); \
        2 a file could not be signed (unreadable, not well-formed, its output not writable: each is named on \
        stderr, the others are signed), or a key or certificate that cannot be used (unreadable, not matching, \
        too weak, of an unsupported type); 64 bad arguments; \
        130 or 143 stopped by SIGINT or SIGTERM while signing (nothing is put in place, no temporary file is left).
        """

    struct XML: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "xml",
            abstract: "Sign XML files with the profile's key, or --key/--cert, or --pkcs12.",
            discussion: """
                With several files, --out-dir is required (not the inputs' folder); files are signed in parallel, \
                a failure on one is reported with its name and does not stop the others. A file is not signed where \
                the new signature would break one it already holds (over the whole document, or enveloping it). SHA-1, RSA keys under 2048 bits and \
                expired certificates are refused (--allow-expired signs with an expired certificate, with a warning).

                --json prints one JSON line per file, {"file", "output", "ok", "error"} (the signatures go to \
                files then: -o FILE or --out-dir DIR).

                \(SignCommand.exitCodes)
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: ArgumentHelp("XML files to sign ('-' for stdin).", valueName: "file"), completion: .file())
        var files: [String]
        @Option(name: [.short, .long], help: ArgumentHelp("Write the signed document here ('-': stdout; one input only).", valueName: "file"), completion: .file())
        var output: String?
        @Option(help: ArgumentHelp("Write each signed file here, under its own name.", valueName: "dir"), completion: .directory)
        var outDir: String?
        @OptionGroup var keys: SigningKeyOptions
        @Flag var mode: Mode = .enveloped
        @Option(help: ArgumentHelp("With --detached: a same-document reference '#ID' (repeatable).", valueName: "#id"))
        var reference: [String] = []
        @Option(help: ArgumentHelp("An ID attribute name (repeatable; default Id, ID, id).", valueName: "name"))
        var idAttr: [String] = []
        @Option(help: ArgumentHelp("exc, exc-with-comments, c14n, c14n-with-comments, c14n11 (default exc).", valueName: "method"))
        var c14n = "exc"
        @Option(help: ArgumentHelp("sha256, sha384 or sha512.", valueName: "digest"))
        var digest = "sha256"
        @Flag(help: "RSA-PSS (xmldsig-more sha256-rsa-MGF1) instead of PKCS#1 v1.5 (verifiers need it: xmlsec1 from 1.3).")
        var rsaPss = false
        @Flag(help: "Leave KeyInfo out.")
        var noKeyinfo = false

        func validate() throws {
            if files.count > 1, outDir == nil { throw ValidationError("several files need --out-dir DIR") }
            if output != nil, outDir != nil { throw ValidationError("give -o FILE or --out-dir DIR, not both") }
            if mode == .detached, reference.isEmpty { throw ValidationError("--detached needs --reference '#ID'") }
            if mode != .detached, !reference.isEmpty { throw ValidationError("--reference goes with --detached") }
            if global.json, outDir == nil, output == nil || output == "-" {
                throw ValidationError("--json reports on stdout: write the signed XML with -o FILE or --out-dir DIR")
            }
            try keys.validate()
        }

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            var options = XMLSigningOptions()
            guard let method = CanonicalizationMethod(shortName: c14n) else { throw ValidationError("unknown --c14n '\(c14n)'") }
            options.canonicalization = method
            options.digest = try signingDigest(digest)
            options.rsaPSS = rsaPss
            options.includeKeyInfo = !noKeyinfo
            options.allowExpired = keys.allowExpired
            if !idAttr.isEmpty { options.idAttributes = idAttr }
            switch mode {
            case .enveloped: options.mode = .enveloped
            case .enveloping: options.mode = .enveloping
            case .detached: options.mode = .detached(reference)
            }
            let credentials = try keys.load(context, passwordFile: password.passwordFile)
            let signer = try XMLSigner(key: credentials.key, certificates: credentials.certificates, options: options)
            let console = context.console
            for warning in try signer.checkValidity(now: context.clock.now()) { console.warn(warning) }
            if credentials.certificates.isEmpty, !noKeyinfo {
                console.warn("no certificate (--cert): the signatures carry no KeyInfo, so a verifier needs the signer's certificate from elsewhere")
            }
            warnIfNotForSigning(credentials.certificates.first, allowed: \.allowsDocumentSigning, console)
            if let outDir { try FileSystem.makeOwnerOnlyDirectory(outDir, existing: .leave) }

            let output = output, outDir = outDir
            let destination = { @Sendable (file: String) -> String? in
                outDir.map { FileSystem.join($0, file == "-" ? "stdin.xml" : (file as NSString).lastPathComponent) } ?? output
            }
            // -o FILE may name the input (replacing it on purpose); a folder for the copies should not hold the originals.
            if let outDir, let original = files.first(where: { FileSystem.isSameFile($0, destination($0) ?? "-") }) {
                throw CoreError.invalidArgument("--out-dir \(outDir) holds \(original) itself, and its signed copy would replace it: choose another folder")
            }
            try signInParallel(files, into: outDir, context: context, objectType: "xml", signer: credentials.certificates.first) { file, batch in
                let data = try FileSystem.read(file)
                let document = try XMLDocument(data: data, name: file)
                let signed = try signer.sign(document)
                let sha256 = Hex.encode(Digest.sha256(data))
                let destination = destination(file)
                if let destination, destination != "-" {
                    try batch.write(to: destination, mode: FileSystem.mode(replacing: destination, asPrivateAs: file)) { try signed.write(toDescriptor: $0) }
                    return SignedInput(destination: destination, sha256: sha256)
                }
                console.outData(signed.serialized())
                return SignedInput(destination: nil, sha256: sha256)
            }
        }
    }

    enum Packaging: String, EnumerableFlag {
        case detached, attached
        static func help(for value: Packaging) -> ArgumentHelp? {
            switch value {
            case .detached: return "Leave the content out of the signature (default; .p7s)."
            case .attached: return "Carry the content inside the signature (.p7m)."
            }
        }
    }

    struct CMS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cms",
            abstract: "Sign files as CMS SignedData (PKCS#7, RFC 5652), optionally CAdES-BES.",
            discussion: """
                Each FILE gets a signature written beside it as FILE.p7s (detached), FILE.p7m (attached) or \
                FILE.eml (--format smime), unless -o or --out-dir says otherwise; '-' reads stdin and writes \
                stdout. Content is signed as binary, byte for byte, except with --format smime, which \
                canonicalises line ends as S/MIME requires. Files are streamed: memory does not grow with their \
                size. Attached signatures are written as OpenSSL's streaming mode writes them (BER with \
                indefinite lengths); detached ones are DER.

                Signed attributes: content type, message digest, signing time; with --cades also the ESS \
                signing-certificate-v2 attribute (CAdES-BES). The signer's certificate and the rest of the \
                --cert file (the chain) are included unless --no-certs.

                Several files are signed in parallel with a progress bar on a terminal; a failure on one is \
                reported with its name and does not stop the others.

                --json prints one JSON line per file, {"file", "output", "ok", "error"} (the signatures go to \
                files then: -o FILE or --out-dir DIR).

                \(SignCommand.exitCodes)
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: ArgumentHelp("Files to sign ('-' for stdin).", valueName: "file"), completion: .file())
        var files: [String]
        @Option(name: [.short, .long], help: ArgumentHelp("Write the signature here ('-': stdout; one input only).", valueName: "file"), completion: .file())
        var output: String?
        @Option(help: ArgumentHelp("Write each signature here, under its file's name.", valueName: "dir"), completion: .directory)
        var outDir: String?
        @OptionGroup var keys: SigningKeyOptions
        @Flag var packaging: Packaging = .detached
        @Option(help: ArgumentHelp("der, pem or smime (default der).", valueName: "format"))
        var format: CMSFormat = .der
        @Option(help: ArgumentHelp("sha256, sha384 or sha512.", valueName: "digest"))
        var digest = "sha256"
        @Flag(help: "CAdES-BES: add the ESS signing-certificate-v2 attribute.")
        var cades = false
        @Flag(help: "Include no certificate (the verifier must have the signer's).")
        var noCerts = false

        func validate() throws {
            if output != nil, outDir != nil { throw ValidationError("give -o FILE or --out-dir DIR, not both") }
            if output != nil, files.count > 1 { throw ValidationError("-o takes one input file; use --out-dir DIR for several") }
            if files.filter({ $0 == "-" }).count > 0, files.count > 1 { throw ValidationError("'-' (stdin) is signed on its own") }
            if global.json, outDir == nil, output == "-" || (output == nil && files.contains("-")) {
                throw ValidationError("--json reports on stdout: write the signature with -o FILE or --out-dir DIR")
            }
            try keys.validate()
        }

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            var options = CMSSigningOptions()
            options.detached = packaging == .detached
            options.format = format
            options.digest = try signingDigest(digest)
            options.cades = cades
            options.includeCertificates = !noCerts
            let credentials = try keys.load(context, passwordFile: password.passwordFile)
            let signer = try CMSSigner(key: credentials.key, certificates: credentials.certificates, options: options)
            let console = context.console
            for warning in try SigningCertificateValidity.check(credentials.certificates.first, now: context.clock.now(),
                                                                allowExpired: keys.allowExpired) {
                console.warn(warning)
            }
            warnIfNotForSigning(credentials.certificates.first, allowed: \.allowsSMIMESigning, console)
            if let outDir { try FileSystem.makeOwnerOnlyDirectory(outDir, existing: .leave) }

            let output = output, outDir = outDir
            try signInParallel(files, into: outDir, context: context, objectType: "cms", signer: credentials.certificates.first) { file, batch in
                let input = try FileSystem.openForReading(file)
                defer { close(input) }
                let name = file == "-" ? "stdin" : (file as NSString).lastPathComponent
                let destination = outDir.map { FileSystem.join($0, name + signer.suffix) } ?? output ?? (file == "-" ? "-" : file + signer.suffix)
                if destination == "-" {
                    return SignedInput(destination: nil, sha256: Hex.encode(try signer.sign(input: input, output: STDOUT_FILENO)))
                }
                var sha256: [UInt8] = []
                try batch.write(to: destination, mode: FileSystem.mode(replacing: destination, asPrivateAs: file)) { sha256 = try signer.sign(input: input, output: $0) }
                return SignedInput(destination: destination, sha256: Hex.encode(sha256))
            }
        }
    }
}

extension CMSFormat: ExpressibleByArgument {}

/// Where a signing key comes from: the profile (default), --key/--cert, or --pkcs12.
struct SigningKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Private key file (instead of the profile's).", valueName: "file"), completion: .file())
    var key: String?
    @Option(help: ArgumentHelp("Certificate file, signer first, then the chain.", valueName: "file"), completion: .file())
    var cert: String?
    @Option(help: ArgumentHelp("PKCS#12 file with key and certificates.", valueName: "file"), completion: .file())
    var pkcs12: String?
    @Flag(help: "Sign even with an expired or not yet valid certificate.")
    var allowExpired = false

    func validate() throws {
        if pkcs12 != nil, key != nil || cert != nil { throw ValidationError("give --pkcs12 or --key/--cert, not both") }
        if cert != nil, key == nil { throw ValidationError("--cert goes with --key FILE") }
    }

    func load(_ context: Context, passwordFile: String?) throws -> ProfileCredentials {
        let passwords = PasswordSource(passwordFile: passwordFile)
        if pkcs12 != nil || key != nil {
            return try ProfileCredentials.load(key: key, certificate: cert, pkcs12: pkcs12, passwords: passwords)
        }
        return try ProfileCredentials.load(try context.profile(), passwords: passwords)
    }
}

/// The digest a signature may be made with: SHA-1 is refused.
/// Warns when the signing certificate's key usage does not let it sign what verifiers of this
/// format check it for (XMLDSig: documents; CMS: OpenSSL's S/MIME signing purpose).
private func warnIfNotForSigning(_ certificate: Certificate?, allowed: (Certificate) -> Bool, _ console: Console) {
    guard let certificate, !allowed(certificate) else { return }
    console.warn("\(certificate.subject) is not for signing documents (its key usage or extended key usage): verifiers will refuse these signatures")
}

private func signingDigest(_ name: String) throws -> DigestAlgorithm {
    guard let digest = DigestAlgorithm(rawValue: name), digest != .sha1 else {
        throw ValidationError("--digest takes sha256, sha384 or sha512")
    }
    return digest
}

/// Signs `files` in parallel with `sign`, a progress bar on a terminal, one error line per failed
/// file, an audit event per signed file, and a summary line for a batch. `sign` writes its file through the batch, which makes
/// them durable together at the end, and returns where it wrote (nil: stdout). Throws exit code 2
/// when a file failed, 1 when each that failed was refused (a signature it would break).
private func signInParallel(_ files: [String], into outDir: String?, context: Context, objectType: String, signer certificate: Certificate?,
                            _ sign: @escaping @Sendable (String, AtomicBatch) throws -> SignedInput) throws {
    let console = context.console
    let batch = AtomicBatch(expectedFiles: files.count)
    // Stopped while signing: nothing is put in place and no temporary file is left. Stopped while
    // the signatures are put in place: that finishes, and is logged, before the process stops.
    let trap = SignalTrap { signal, count in
        if batch.abandon() {
            console.error("interrupted: no signature was put in place")
        } else if count > 1 {
            console.error("interrupted again while the signatures were put in place: those renamed by now are in place, and their signing is not logged")
        } else {
            return
        }
        _exit(SignalTrap.exitStatus(signal))
    }
    defer { trap.release() }
    let problems = ConcurrentSlots<String?>(count: files.count)
    /// The files whose signing was a "no" (a signature it would break), not bad input.
    let refusals = ConcurrentSlots<Bool>(count: files.count)
    let signed = ConcurrentSlots<SignedInput>(count: files.count)
    let progress = Progress(total: files.count, console: console)
    DispatchQueue.concurrentPerform(iterations: files.count) { index in
        do {
            signed[index] = try sign(files[index], batch)
            problems[index] = .some(nil)
        } catch {
            problems[index] = describeError(error)
            refusals[index] = (error as? UserFacingError)?.exitStatus == .refused
        }
        progress.step()
    }
    progress.finish()
    let uncommitted = batch.commit()
    var failed = 0, refused = 0
    for (index, file) in files.enumerated() {
        var problem = problems[index] ?? "not processed"
        if problem == nil, let destination = signed[index]?.destination, let reason = uncommitted[destination] {
            problem = "cannot write \(destination): \(reason)"
        }
        if let problem {
            failed += 1
            if refusals[index] == true { refused += 1 }
            console.error(problem.said(of: file))
        } else if FileManager.default.fileExists(atPath: context.home.databasePath), let input = signed[index] {
            // What was signed (its hash: two signings of one name are told apart), by whom, and where it went.
            var fields = ["object": file, "object_type": objectType, "object_sha256": input.sha256,
                          "event_message": "signed \(file) (SHA-256 \(input.sha256.prefix(16))…) \(input.destination.map { "into \($0)" } ?? "to stdout")"]
            if let certificate {
                fields["signer"] = certificate.subject
                fields["signer_sha256"] = Hex.encode(Digest.sha256(certificate.der))
            }
            if let destination = input.destination { fields["output"] = destination }
            try context.record("MGov.Sign.Signed", fields)
        }
        if console.isJSON {
            try console.jsonLine(SignedFile(file: file, output: problem == nil ? signed[index]?.destination : nil, ok: problem == nil, error: problem))
        }
    }
    if files.count > 1 || outDir != nil {
        let place = outDir.map { " into \($0)" } ?? ""
        let count = files.count == 1 ? "1 file" : "\(files.count) files"
        console.info(failed == 0 ? "signed \(count)\(place)"
                                 : "signed \(files.count - failed) of \(count)\(place); \(failed) failed (named above)")
    }
    if let signal = trap.caught {
        console.error("interrupted: the signatures written are in place")
        throw ExitCode(SignalTrap.exitStatus(signal))
    }
    // Bad input (2), as `sign verify` says of a file it cannot read; 1 when every failure was a "no".
    if failed > 0 { throw ExitCode(refused == failed ? 1 : 2) }
}

/// A file signed: where its signature went (nil: stdout) and the SHA-256 of the file as read.
private struct SignedInput: Sendable {
    let destination: String?
    let sha256: String
}

/// One line of `sign xml|cms --json`: an input, where its signature went, or why it did not.
private struct SignedFile: Encodable {
    let file: String
    let output: String?
    let ok: Bool
    let error: String?
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
        shown = total > 1  // Console.progress shows it on a terminal only, and not with --quiet
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
func describeError(_ error: Error) -> String {
    if let error = error as? UserFacingError { return error.description }
    if let error = error as? XMLError { return error.description }
    return String(describing: error)
}
