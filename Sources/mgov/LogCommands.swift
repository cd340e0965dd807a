import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto
import MGovLog
import MGovNet

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The tamper-evident audit log: append, query, verify, prove, export.",
        discussion: """
            Every state-changing mgov command appends an event here, naming the profile's identity as \
            event_source and the OS account that ran the command as os_user (under sudo, root's events also \
            name the account that ran sudo as os_sudo_user); a server's events name its client instead. \
            Events follow MLog's schema: \
            event_type (System.Object.Action) and event_time are required; event_id, event_correlation, \
            event_level, event_source, event_message, event_details, legal_entity, legal_basis, legal_reason, \
            user, user_session, user_address, subject, subject_type, subject_name, object, object_type and \
            object_name are optional; any other field is kept as a string; any field may hold an array of strings. \
            Names starting with _ or @ are reserved. A string holds at most 32,766 bytes; an event at most 256 KB.

            Entries are numbered from 0 and form an RFC 6962 Merkle tree: leaf = SHA-256(0x00 || entry bytes), \
            node = SHA-256(0x01 || left || right). The entry bytes are the event's fields plus "@logged" \
            (when it was logged) and "@seq" (its number, in decimal), all as strings, serialised by RFC 8785 \
            (JSON Canonicalization Scheme): members sorted by name in UTF-16 code units, no whitespace, UTF-8, \
            strings escaped minimally (\\" \\\\ \\b \\t \\n \\f \\r, other control characters as \\u00xx). \
            event_time is stored in UTC as YYYY-MM-DDTHH:MM:SS.sssZ; a time given without a zone is UTC.

            Checkpoints are C2SP signed notes: origin line, size, base64 root hash, blank line, and a \
            signature line: an em dash (U+2014), a space, NAME, a space, base64(key ID || signature). Ed25519 keys sign as C2SP type 0x01; ECDSA (SHA-256) and \
            RSA (PKCS#1 v1.5, SHA-256) keys as mgov's type 0xFF, key ID = SHA-256(NAME || 0x0A || 0xFF || \
            SubjectPublicKeyInfo)[:4].

            Exit codes: 0 success; 1 verification failed (a changed, deleted, inserted or reordered entry, \
            a bad checkpoint signature, an invalid proof); 2 bad input or a runtime error; 64 usage.
            """,
        subcommands: [Append.self, Query.self, Show.self, Tail.self, Verify.self, Checkpoint.self,
                      Prove.self, VerifyProof.self, Export.self, AccessHistory.self, Ship.self, Serve.self]
    )

    // MARK: append

    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append one event from flags, or NDJSON events from stdin (all or nothing).",
            discussion: """
                With --type, one event is made from the flags; event_time defaults to now and event_source to \
                the profile's identity. Without --type, each non-blank line of stdin (or --input FILE) is one \
                JSON event; the batch is checked whole before anything is written, and the first bad line is named. \
                Strings are kept as they are; booleans as true or false; numbers as the text of the value read \
                (an integer's digits, 42; any other number as a double prints, 1E2 as 100.0 and 1.5e300 as 1.5e+300, \
                so send a number whose spelling matters as a string); objects as compact JSON (keys sorted), \
                arrays of them as arrays; a member that is null is left out, as if absent.

                Exit codes: 0 logged; 2 an invalid event (nothing is logged).
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Option(help: ArgumentHelp("event_type, e.g. MConnect.Request.Served.", valueName: "type"))
        var type: String?
        @Option(help: ArgumentHelp("event_time (default: now).", valueName: "time"))
        var time: String?
        @Option(help: ArgumentHelp("user: who acted.", valueName: "user"))
        var user: String?
        @Option(help: ArgumentHelp("subject: whom the event is about (e.g. an IDNP).", valueName: "subject"))
        var subject: String?
        @Option(help: ArgumentHelp("legal_basis: the law or act that allows it.", valueName: "text"))
        var legalBasis: String?
        @Option(help: ArgumentHelp("legal_reason: the purpose.", valueName: "text"))
        var legalReason: String?
        @Option(help: ArgumentHelp("event_message.", valueName: "text"))
        var message: String?
        @Option(help: ArgumentHelp("event_level (Trace, Debug, Info, Warning, Error, Critical).", valueName: "level"))
        var level: String?
        @Option(help: ArgumentHelp("Any other field, NAME=VALUE (repeatable; a repeated name makes an array).", valueName: "name=value"))
        var field: [String] = []
        @Option(help: ArgumentHelp("Read NDJSON events from this file instead of stdin.", valueName: "file"), completion: .file())
        var input: String?

        func validate() throws {
            // An event made from flags is checked before the store is opened (source and time aside, filled in then).
            if let type { _ = try makeEvent(type: type, source: nil, now: Date()) }
        }

        func run() async throws {
            let context = global.makeContext()
            let events: [LogEvent]
            if let type {
                if input != nil { throw ValidationError("--input reads NDJSON events; it cannot be combined with --type") }
                events = [try makeEvent(type: type, source: try context.profileIfAny()?.identity.description, now: context.clock.now())]
            } else {
                if !field.isEmpty || user != nil || subject != nil || legalBasis != nil || message != nil {
                    throw ValidationError("event flags need --type; without it, events are read as NDJSON from stdin")
                }
                if input == nil, Terminal.stdinIsTerminal {
                    throw ValidationError("give --type, or pipe NDJSON events to stdin (or --input FILE)")
                }
                events = try LogEvent.batch(ndjson: try FileSystem.read(input ?? "-"))
            }
            let entries = try AuditLog(store: try context.store()).append(events, loggedAt: context.clock.now())
            let console = context.console
            // safe: append returns one entry per event and refuses an empty batch
            let first = entries[0].seq, last = entries[entries.count - 1].seq
            if console.isJSON {
                try console.json(AppendResult(count: entries.count, firstSeq: first, lastSeq: last,
                                              leafHashes: entries.count <= 100 ? entries.map { Hex.encode($0.leafHash) } : nil))
            } else {
                console.out(entries.count == 1 ? "logged entry \(first)" : "logged \(entries.count) entries: \(first) to \(last)")
            }
        }

        func makeEvent(type: String, source: String?, now: Date) throws -> LogEvent {
            var fields: [String: AuditValue] = [
                "event_type": .string(type),
                "event_time": .string(time ?? Timestamp.format(now)),
            ]
            // One of MLog's levels, named as MLog names them (a typo would not be found by a query on the level).
            let levels = ["Trace", "Debug", "Info", "Warning", "Error", "Critical"]
            let level = try self.level.map { given in
                guard let known = levels.first(where: { $0.lowercased() == given.lowercased() }) else {
                    throw ValidationError("--level is one of \(levels.joined(separator: ", ")), not '\(given)'")
                }
                return known
            }
            let named: [(String, String?)] = [("user", user), ("subject", subject), ("legal_basis", legalBasis),
                                              ("legal_reason", legalReason), ("event_message", message),
                                              ("event_level", level), ("event_source", source)]
            for (name, value) in named { if let value { fields[name] = .string(value) } }
            var extra: [(String, [String])] = []
            for text in field {
                guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                    throw ValidationError("--field takes NAME=VALUE, not '\(text)'")
                }
                let name = String(text[..<eq]), value = String(text[text.index(after: eq)...])
                if fields[name] != nil { throw ValidationError("the field \(name) is set twice (by its own flag and by --field)") }
                if let k = extra.firstIndex(where: { $0.0 == name }) { extra[k].1.append(value) } else { extra.append((name, [value])) }
            }
            for (name, values) in extra { fields[name] = values.count == 1 ? .string(values[0]) : .array(values) }
            do {
                return try LogEvent(fields: fields)
            } catch let error as LogError {
                throw ValidationError(error.description)  // a flag's value, as a mistyped number is: usage, 64
            }
        }
    }

    struct AppendResult: Encodable {
        let count: Int
        let firstSeq: UInt64
        let lastSeq: UInt64
        let leafHashes: [String]?
        enum CodingKeys: String, CodingKey { case count, firstSeq = "first_seq", lastSeq = "last_seq", leafHashes = "leaf_hashes" }
    }

    // MARK: query

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find entries by time range, type and field values, a page at a time.",
            discussion: """
                A query by time range (--from, --to, compared with event_time) needs --legal-basis and is itself \
                logged (MGov.Log.Searched), as in MLog. --type takes an exact type or a prefix ending in '*'.

                Exit codes: 0 success (also when nothing matches); 2 bad input; 64 usage (a time range without \
                --legal-basis, a bad time or page).
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Option(help: ArgumentHelp("Events at or after this time.", valueName: "time"), transform: Timestamp.require)
        var from: Date?
        @Option(help: ArgumentHelp("Events at or before this time (a date alone: the end of that day, UTC).", valueName: "time"), transform: Timestamp.requireEnd)
        var to: Date?
        @Option(help: ArgumentHelp("Why you search (required with --from/--to).", valueName: "text"))
        var legalBasis: String?
        @Option(help: ArgumentHelp("event_type, or a prefix ending in '*' (repeatable: any of them).", valueName: "type"))
        var type: [String] = []
        @Option(help: ArgumentHelp("FIELD=VALUE that must hold (repeatable: all of them).", valueName: "field=value"), transform: Self.fieldFilter)
        var filter: [(field: String, value: String)] = []
        @Option(parsing: .unconditional, help: "The page, from 1.")
        var page = 1
        @Option(parsing: .unconditional, help: "Entries per page (at most 10000).")
        var pageSize = 100
        @Flag(help: "One JSON entry per line instead of one document.")
        var ndjson = false

        func validate() throws {
            guard (1...1_000_000_000).contains(page) else { throw ValidationError("--page is from 1 to 1000000000") }
            guard (1...10_000).contains(pageSize) else { throw ValidationError("--page-size is from 1 to 10000") }
            // A usage rule, checked before the store is opened.
            if from != nil || to != nil, legalBasis?.isEmpty ?? true {
                throw ValidationError(LogError.legalBasisRequired(parameter: "--legal-basis").description)
            }
        }

        /// `FIELD=VALUE`, split at the first '=' (a value may hold more); a field is not empty.
        static func fieldFilter(_ text: String) throws -> (field: String, value: String) {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw ValidationError(LogError.invalidFilter(text).description) }
            return (String(text[..<eq]), String(text[text.index(after: eq)...]))
        }

        func run() async throws {
            let context = global.makeContext()
            var query = LogQuery()
            query.from = from
            query.to = to
            query.types = type
            query.page = page
            query.pageSize = pageSize
            query.filters = filter
            let result = try AuditLog(store: try context.existingStore()).query(query)
            if query.isTimeRange {
                let from = self.from.map(Timestamp.format), to = self.to.map(Timestamp.format)
                var details: [(String, String)] = []
                if let from { details.append(("from", from)) }
                if let to { details.append(("to", to)) }
                details += type.map { ("type", $0) } + filter.map { ("filter", "\($0.field)=\($0.value)") }
                try context.record("MGov.Log.Searched", [
                    "legal_basis": legalBasis,
                    "event_message": "searched the audit log from \(from ?? "the start") to \(to ?? "now")",
                    "event_details": details.map { "\($0)=\($1)" }.joined(separator: "; "),
                ])
            }
            let console = context.console
            if ndjson {
                for entry in result.entries { try console.jsonLine(EntryView(entry)) }
            } else if console.isJSON {
                try console.json(QueryView(total: result.total, page: result.page, pageSize: result.pageSize, entries: result.entries.map(EntryView.init)))
            } else {
                for entry in result.entries { console.out(EntryView.line(entry)) }
                let shown = result.entries.isEmpty ? 0 : (result.page - 1) * result.pageSize + result.entries.count
                console.info("\(result.total) matching; showing \(result.entries.isEmpty ? "none" : "\((result.page - 1) * result.pageSize + 1) to \(shown)") (page \(result.page))")
            }
        }
    }

    struct QueryView: Encodable {
        let total: Int
        let page: Int
        let pageSize: Int
        let entries: [EntryView]
        enum CodingKeys: String, CodingKey { case total, page, pageSize = "page_size", entries }
    }

    // MARK: show, tail

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one entry.",
            discussion: "Exit codes: 0 shown; 2 no such entry."
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The entry's sequence number (from 0).")
        var seq: UInt64

        func run() async throws {
            let context = global.makeContext()
            let entry = try AuditLog(store: try context.existingStore()).entry(seq)
            let console = context.console
            if console.isJSON { try console.json(EntryView(entry)); return }
            console.out("seq:        \(entry.seq)")
            console.out("logged_at:  \(entry.loggedAt)")
            console.out("leaf_hash:  \(Hex.encode(entry.leafHash))")
            let width = max(11, (entry.event.keys.map(\.count).max() ?? 0) + 2)
            for (name, value) in entry.event.sorted(by: { $0.key < $1.key }) {
                console.out("\((name + ":").padding(toLength: width, withPad: " ", startingAt: 0))\(EntryView.human(value, quoting: false))")
            }
        }
    }

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the last entries; with -f, keep printing new ones as they are logged.",
            discussion: "With --json, one JSON entry per line. -f runs until interrupted."
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Option(name: [.customShort("n"), .customLong("lines")], parsing: .unconditional, help: "How many of the last entries to print first.")
        var lines = 10
        @Flag(name: [.short, .customLong("follow")], help: "Keep printing entries as they are appended.")
        var follow = false

        func validate() throws {
            if lines < 0 { throw ValidationError("--lines is 0 or more") }
        }

        func run() async throws {
            let context = global.makeContext()
            let log = AuditLog(store: try context.existingStore())
            let console = context.console
            func print(_ entry: LogEntry) throws {
                if console.isJSON { try console.jsonLine(EntryView(entry)) } else { console.out(EntryView.line(entry)) }
            }
            var last: UInt64?
            for entry in try log.last(lines) { try print(entry); last = entry.seq }
            if last == nil { last = try log.treeHead().size.checkedPredecessor }
            guard follow else { return }
            while true {
                let fresh = try log.entries(after: last, limit: 1_000)
                for entry in fresh { try print(entry); last = entry.seq }
                if fresh.count < 1_000 { try await Task.sleep(nanoseconds: 250_000_000) }
            }
        }
    }

    // MARK: verify, checkpoint

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every entry and the whole tree; compare with the stored nodes and checkpoints.",
            discussion: """
                Any changed, deleted, inserted or reordered entry fails the check, naming the first bad \
                sequence number; so does a changed copy of what queries read (an entry's stored type and times, \
                the subject index of access-history). --from-checkpoint checks, with a consistency proof, that the log only grew since \
                a checkpoint saved elsewhere (its signature is checked with --key, else the profile's certificate \
                or key); a good one is kept, so later checks cover it too.

                The newest entries, after the largest checkpoint, are bound by no signature yet: anyone with \
                the store file could rewrite or cut them together with the tree (an entry at an odd tree size \
                completes no tree node). verify warns how many there are (entries_after_checkpoint in --json); \
                mgov log checkpoint signs the current tree.

                Exit codes: 0 the log is intact; 1 it is not, or the checkpoint does not verify; 2 bad input.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Option(help: ArgumentHelp("A checkpoint saved earlier (signed note).", valueName: "file"), completion: .file())
        var fromCheckpoint: String?
        @Option(help: ArgumentHelp("The checkpoint signer's public key or certificate (PEM or DER).", valueName: "file"), completion: .file())
        var key: String?

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let log = AuditLog(store: try context.existingStore())
            let console = context.console
            let showProgress = !console.isJSON  // Console.progress shows it on a terminal only, and not with --quiet
            var progress: (@Sendable (UInt64) -> Void)?
            if showProgress {
                progress = { count in console.progress("verifying: \(count) entries") }
            }
            var report = try log.verify(progress: progress)
            if showProgress { console.progress(nil) }
            var checkpointNote: String?
            if report.ok, let fromCheckpoint {
                let checkpoint = try MGovLog.Checkpoint.parse(String(decoding: try FileSystem.read(fromCheckpoint), as: UTF8.self))
                let publicKey = try key.map(PublicKey.load) ?? profilePublicKey(context)
                try checkpoint.verify(key: publicKey)
                guard checkpoint.size <= report.size else {
                    throw LogError.verificationFailed(seq: report.size, "the checkpoint covers \(checkpoint.size) entries but the log holds \(report.size): entries were deleted")
                }
                let proof = try log.consistencyProof(oldSize: checkpoint.size, newSize: report.size)
                guard proof.oldRoot == checkpoint.root,
                      Merkle.verifyConsistency(oldSize: checkpoint.size, oldRoot: checkpoint.root, newSize: report.size,
                                               newRoot: Hex.decode(report.root) ?? [], proof: proof.path) else {
                    throw LogError.verificationFailed(seq: 0, "the log is not an extension of the checkpoint of size \(checkpoint.size): entries before \(checkpoint.size) were rewritten")
                }
                try log.saveCheckpoint(checkpoint, publicKey: try publicKey.der, source: "seen", at: context.clock.now())
                checkpointNote = "consistent with the checkpoint of size \(checkpoint.size) (\(checkpoint.origin))"
                report.checkpointedSize = max(report.checkpointedSize, checkpoint.size)
            }
            if console.isJSON { try console.json(report) }
            guard report.ok else {
                throw LogError.verificationFailed(seq: report.firstBadSeq ?? 0, report.problem ?? "unknown")
            }
            if report.entriesAfterCheckpoint > 0 {
                let count = report.entriesAfterCheckpoint == 1 ? "entry (\(report.checkpointedSize))" : "\(report.entriesAfterCheckpoint) entries (from \(report.checkpointedSize) on)"
                console.warn("the newest \(count) \(report.entriesAfterCheckpoint == 1 ? "is" : "are") in no signed checkpoint yet: "
                    + "someone with the store file could rewrite or cut them unnoticed (mgov log checkpoint -o FILE signs one; keep it outside the store)")
            }
            if !console.isJSON {
                console.out("log intact: \(report.size) entries, root \(report.root)")
                func counted(_ n: some BinaryInteger, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
                console.out("checked \(counted(report.entriesChecked, "entry", "entries")), \(counted(report.nodesChecked, "tree node", "tree nodes")), "
                    + counted(report.checkpointsChecked, "checkpoint", "checkpoints"))
                if let checkpointNote { console.out(checkpointNote) }
            }
        }

        func profilePublicKey(_ context: Context) throws -> PublicKey {
            let profile = try context.profile()
            if let path = profile.certificatePath { return try PublicKey.load(path: path) }
            return try ProfileCredentials.load(profile, passwords: PasswordSource(passwordFile: password.passwordFile)).key.publicKey()
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the current tree head with the profile's key and keep the checkpoint.",
            discussion: """
                Prints the checkpoint (a C2SP signed note) or writes it to --output. Publish it, or keep it \
                elsewhere: mgov log verify --from-checkpoint FILE later proves the log only grew.

                Exit codes: 0 signed; 2 no profile key, or the key cannot be opened.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Option(help: ArgumentHelp("The checkpoint's origin line and key name (default: the profile's identity + /log).", valueName: "name"))
        var origin: String?
        @Option(name: [.short, .long], help: ArgumentHelp("Write the checkpoint to this file ('-': stdout).", valueName: "file"), completion: .file())
        var output: String?

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let log = AuditLog(store: try context.existingStore())  // first: finding the profile would make a store
            let profile = try context.profile()
            let credentials = try ProfileCredentials.load(profile, passwords: PasswordSource(passwordFile: password.passwordFile))
            let head = try log.treeHead()
            let checkpoint = try MGovLog.Checkpoint.sign(origin: origin ?? "\(profile.identity)/log", head: head, key: credentials.key)
            let console = context.console
            let toFile = output.map { $0 != "-" } ?? false
            // The file first: a checkpoint that could not be kept outside is not stored either.
            if let output, toFile { try FileSystem.writeAtomically(Data(checkpoint.text.utf8), to: output) }
            try log.saveCheckpoint(checkpoint, publicKey: try credentials.key.publicKey().der, source: "local", at: context.clock.now())
            if console.isJSON {
                // With -o too: a script learns the size and root it signed.
                struct Signed: Encodable { let origin: String; let size: UInt64; let root: String; let note: String }
                try console.json(Signed(origin: checkpoint.origin, size: checkpoint.size, root: Hex.encode(checkpoint.root), note: checkpoint.text))
            } else if let output, toFile {
                console.info("checkpoint of \(head.size) entries written to \(output)")
            } else {
                console.outData(Data(checkpoint.text.utf8))
            }
        }
    }

    // MARK: prove, verify-proof

    struct Prove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an inclusion proof for an entry, or a consistency proof between two tree sizes (JSON).",
            discussion: """
                The tree size defaults to the latest checkpoint's (so the proof can be checked against a \
                published checkpoint, which is included), else the current size. Hashes are hex.

                Exit codes: 0 printed; 2 no such entry or size.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The entry's sequence number.")
        var seq: UInt64?
        @Option(parsing: .unconditional, help: ArgumentHelp("Prove that the tree of this size is a prefix of the current one.", valueName: "old-size"))
        var consistency: UInt64?
        @Option(parsing: .unconditional, help: ArgumentHelp("The tree size to prove against.", valueName: "n"))
        var size: UInt64?
        @Option(name: [.short, .long], help: ArgumentHelp("Write the proof to this file.", valueName: "file"), completion: .file())
        var output: String?

        func validate() throws {
            if (seq == nil) == (consistency == nil) { throw ValidationError("give either SEQ or --consistency OLD-SIZE") }
        }

        func run() async throws {
            let context = global.makeContext()
            let log = AuditLog(store: try context.existingStore())
            let checkpoints = try log.checkpoints()
            let data: Data
            if let seq {
                let treeSize = size ?? checkpoints.last(where: { $0.size > seq }).map(\.size)
                var proof = try log.inclusionProof(seq: seq, size: treeSize)
                proof.checkpoint = checkpoints.last(where: { $0.size == proof.treeSize })?.note
                data = try JSONEncoder.pretty.encode(proof)
            } else if let consistency {
                let newSize = size ?? checkpoints.last(where: { $0.size >= consistency }).map(\.size)
                data = try JSONEncoder.pretty.encode(try log.consistencyProof(oldSize: consistency, newSize: newSize))
            } else {
                throw ValidationError("give either SEQ or --consistency OLD-SIZE")
            }
            if let output, output != "-" {
                try FileSystem.writeAtomically(data + Data("\n".utf8), to: output, mode: 0o600)  // the entry, subjects and all
                if context.console.isJSON { try context.console.json(["output": output]) }
            } else {
                context.console.outData(data + Data("\n".utf8))
            }
        }
    }

    struct VerifyProof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-proof",
            abstract: "Check a proof against a signed checkpoint and a public key, offline, without the store.",
            discussion: """
                The checkpoint comes from --checkpoint, else from the proof file. Its signature is checked with \
                --key; then the proof's tree head must be the checkpoint's, and the proof's hashes must lead to it.

                Exit codes: 0 the proof holds; 1 it does not (or the checkpoint's signature is wrong); 2 bad input.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The proof file (JSON from mgov log prove; '-' for stdin).", completion: .file())
        var proof: String
        @Option(help: ArgumentHelp("The signed checkpoint (default: the one in the proof).", valueName: "file"), completion: .file())
        var checkpoint: String?
        @Option(help: ArgumentHelp("The log's public key or certificate (PEM or DER).", valueName: "file"), completion: .file())
        var key: String

        func run() async throws {
            let console = global.storelessConsole()
            struct Valid: Encodable { let valid: Bool; let summary: String }
            let summary: String
            do {
                summary = try check()
            } catch let error as UserFacingError where error.exitStatus == .refused && console.isJSON {
                // A "no" is an answer too: on stdout as one, as log verify gives {"ok": false}.
                try console.json(Valid(valid: false, summary: error.description))
                throw error
            }
            if console.isJSON { try console.json(Valid(valid: true, summary: summary)) } else { console.out("proof valid: \(summary)") }
        }

        /// What the proof proves, or the error that says it does not.
        func check() throws -> String {
            let parsed = try LogProof.decode(try FileSystem.read(proof))
            let publicKey = try PublicKey.load(path: key)
            let noteText: String
            if let checkpoint {
                noteText = String(decoding: try FileSystem.read(checkpoint), as: UTF8.self)
            } else if case .inclusion(let inclusion) = parsed, let embedded = inclusion.checkpoint {
                noteText = embedded
            } else if case .consistency = parsed {
                throw CoreError.invalidArgument("a consistency proof carries no checkpoint: pass --checkpoint FILE (one signed for either of its sizes)")
            } else {
                // An inclusion proof made for a size no checkpoint was signed at carries none.
                throw CoreError.invalidArgument("this inclusion proof carries no checkpoint (it was made for a tree no checkpoint signs): pass --checkpoint FILE")
            }
            let note = try MGovLog.Checkpoint.parse(noteText)
            try note.verify(key: publicKey)
            switch parsed {
            case .inclusion(let p):
                guard p.treeSize == note.size else {
                    let remedy = p.seq < note.size ? " (make the proof with --size \(note.size))" : " (entry \(p.seq) is beyond it: use a later checkpoint)"
                    throw LogError.proofRejected("the proof is for a tree of \(p.treeSize) entries, the checkpoint signs \(note.size)\(remedy)")
                }
                guard p.root == note.root else {
                    throw LogError.proofRejected("the proof's root hash is not the one the checkpoint signs for \(note.size) entries: the proof or the log was changed")
                }
                if case .failed(let why) = p.verify() { throw LogError.proofRejected(why) }
                return "entry \(p.seq) is in the log \(note.origin) of \(note.size) entries"
            case .consistency(let p):
                let matchesNew = p.newSize == note.size && p.newRoot == note.root
                let matchesOld = p.oldSize == note.size && p.oldRoot == note.root
                guard matchesNew || matchesOld else {
                    throw LogError.proofRejected("neither tree head of the proof (\(p.oldSize), \(p.newSize)) is the checkpoint's (\(note.size))")
                }
                if case .failed(let why) = p.verify() { throw LogError.proofRejected(why) }
                return "the log \(note.origin) of \(p.newSize) entries extends its tree of \(p.oldSize) entries"
            }
        }
    }

    // MARK: export, access-history

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export entries as NDJSON, RFC 5424 syslog, ArcSight CEF or OpenTelemetry log records.",
            discussion: """
                ndjson: {"event", "leaf_hash", "logged_at", "seq"} per line. syslog: RFC 5424, facility 13, \
                structured data mlog@32473 with every field. cef: CEF:0|mgov|mgov|VERSION|TYPE|MESSAGE|SEVERITY|... (suser: the user, else the OS account; cs6: the OS account and its sudo user). \
                otel: one OTLP/JSON ExportLogsServiceRequest per line, up to 1,000 records each. A file written \
                with -o is readable by its owner only (the log holds personal data).

                Exit codes: 0 exported; 2 bad input; 64 usage (an unknown --format).
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Option(help: ArgumentHelp("ndjson, syslog, cef or otel.", valueName: "format"))
        var format = "ndjson"
        @Option(parsing: .unconditional, help: ArgumentHelp("The first entry to export.", valueName: "seq"))
        var fromSeq: UInt64 = 0
        @Option(parsing: .unconditional, help: ArgumentHelp("The last entry to export.", valueName: "seq"))
        var toSeq: UInt64?
        @Option(name: [.short, .long], help: ArgumentHelp("Write to this file, atomically ('-': stdout).", valueName: "file"), completion: .file())
        var output: String?

        func validate() throws {
            do { _ = try ExportFormat(name: format) } catch let error as LogError { throw ValidationError(error.description) }
        }

        func run() async throws {
            let context = global.makeContext()
            var exporter = LogExporter(format: try ExportFormat(name: format))
            let log = AuditLog(store: try context.existingStore())
            // The log holds personal data (subjects, legal bases): the export is for its owner only.
            let trap = SignalTrap.removingPartialFiles(context.console)
            defer { trap.release() }
            let file = try output.flatMap { $0 == "-" ? nil : try AtomicFile(path: $0, mode: 0o600) }
            let write: (String) throws -> Void = { text in
                if let file { try file.write(text) } else { context.console.outData(Data(text.utf8)) }
            }
            var after: UInt64? = fromSeq.checkedPredecessor
            var count = 0
            exportLoop: while true {
                let batch = try log.entries(after: after, limit: 5_000)
                var chunk = ""
                for entry in batch {
                    if let toSeq, entry.seq > toSeq { try write(chunk); break exportLoop }
                    for line in exporter.lines(for: entry) { chunk += line + "\n" }
                    after = entry.seq
                    count += 1
                }
                try write(chunk)
                if batch.count < 5_000 { break }
            }
            try write(exporter.flush().map { $0 + "\n" }.joined())
            try file?.commit()
            if let output, output != "-" {
                struct Exported: Encodable { let entries: Int; let output: String }
                if context.console.isJSON { try context.console.json(Exported(entries: count, output: output)) } else {
                    context.console.info("exported \(count) entries to \(output)")
                }
            }
        }
    }

    struct AccessHistory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "access-history",
            abstract: "List who accessed one person's data: the personal-data events about a data subject.",
            discussion: """
                Personal-data events have PersonalData in their type (X.PersonalData.Access, Export, Validate, \
                Search, Transfer), or a person as their subject (subject_type idnp: a connect lookup of the \
                person, a document of theirs read or shared, a delivery or notification to them); their subject \
                field names the person (e.g. an IDNP).

                Exit codes: 0 success (also when there is none); 2 bad input.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The data subject's identifier (e.g. an IDNP).")
        var subject: String

        func run() async throws {
            let context = global.makeContext()
            let entries = try AuditLog(store: try context.existingStore()).accessHistory(subject: subject)
            let console = context.console
            if console.isJSON { try console.json(entries.map(EntryView.init)); return }
            if entries.isEmpty { console.info("no personal-data events about \(subject)"); return }
            let rows = entries.map { e in
                [e.value("event_time") ?? "", e.value("user") ?? e.value("os_user") ?? e.value("legal_entity") ?? e.value("event_source") ?? "-",
                 e.value("event_type").map { String($0.split(separator: ".").last ?? "") } ?? "",
                 e.value("legal_basis") ?? "-", e.value("legal_reason") ?? "-", String(e.seq)]
            }
            console.out(formatTable(["WHEN", "WHO", "ACTION", "LEGAL BASIS", "PURPOSE", "ENTRY"], rows))
        }
    }
}

extension LogCommand {
    // MARK: ship, serve

    struct Ship: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the log's entries to an MLog-compatible collector over mutual TLS, from a durable outbox.",
            discussion: """
                Entries go to URL/register as NDJSON in batches under 256 KB, each event JWS-signed (RS256, ES256 \
                or EdDSA; kid = the profile certificate's serial in hex) unless --unsigned. A cursor per URL in the \
                store moves only when the collector has answered: nothing is dropped while it is down, and the \
                next run resumes where this one stopped. With --follow, new entries are shipped as they come and \
                an unreachable collector is retried with back-off.

                Exit codes: 0 everything waiting was shipped; 2 the collector could not be reached or refused \
                a batch (what waits is kept); 64 usage.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Option(help: ArgumentHelp("The collector's base URL, e.g. https://mlog.example.md.", valueName: "url"))
        var to: String
        @Flag(help: "Send events without JWS signatures.")
        var unsigned = false
        @Flag(help: "Keep shipping new entries until interrupted.")
        var follow = false
        @Option(parsing: .unconditional, help: ArgumentHelp("Seconds between checks for new entries with --follow.", valueName: "seconds"))
        var interval: Double = 1
        @Flag(help: "Plain HTTP without TLS, for tests on loopback only.")
        var insecure = false

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let passwords = PasswordSource(passwordFile: password.passwordFile)
            let log = AuditLog(store: try context.existingStore())  // first: finding the profile would make a store
            let profile = try context.profileIfAny()
            if insecure { try requireLoopback(to) }
            var tls: TLSIdentity?
            if !insecure {
                guard let profile else { throw CoreError.noProfileSelected }
                tls = try TLSIdentity.load(profile, passwords: passwords)
            }
            var signer: (key: PrivateKey, certificate: Certificate)?
            if !unsigned {
                guard let profile else { throw CoreError.noProfileSelected }
                let credentials = try ProfileCredentials.load(profile, passwords: passwords)
                guard let certificate = credentials.certificate else { throw NetError.noCertificate(profile: profile.name) }
                signer = (credentials.key, certificate)
            }
            let client = MutualTLSClient(tls: tls)
            let shipper = LogShipper(log: log, destination: to, client: client, signer: signer)
            let console = context.console
            do {
                if follow {
                    var delay = interval
                    while true {
                        do {
                            let progress = try await shipper.shipPending()
                            if progress.shipped > 0 { console.info("shipped \(progress.shipped) entries; next is \(progress.nextSeq)") }
                            delay = interval
                        } catch let error as LogShipError {
                            console.warn(error.description)
                            delay = min(max(delay * 2, 1), 30)
                        }
                        try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                    }
                }
                let progress = try await shipper.shipPending()
                await client.shutdown()
                if console.isJSON { try console.json(progress) } else {
                    console.out(progress.shipped == 0 ? "nothing to ship: \(to) has every entry up to \(progress.nextSeq)"
                                                      : "shipped \(progress.shipped) entries in \(progress.batches) batches to \(to); next is entry \(progress.nextSeq)")
                }
            } catch {
                await client.shutdown()
                throw error
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an MLog-compatible collector over mutual TLS, storing into this home's log.",
            discussion: """
                POST /register takes NDJSON events, plain or JWS-signed (checked against the client's certificate), \
                all or nothing, and answers {"uid", "count", "first_seq", "last_seq"}; GET /query and \
                GET /query/{uid} return the client's own events (a time range needs legal_basis and is logged). \
                Errors: 400 invalid JSON or event, 401 a signature that does not verify, 404 unknown uid, 413 a \
                body over --max-body. Clients must present a certificate that chains to the profile's trust anchors.

                Prints the URL it listens on (port 0 picks a free one), then serves until SIGTERM or SIGINT.
                Exit codes: 0 stopped; 2 cannot listen or no TLS credentials.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Option(help: ArgumentHelp("HOST:PORT to listen on (default: 127.0.0.1:8443).", valueName: "address"), transform: ListenAddress.init(parsing:))
        var listen = ListenAddress(host: "127.0.0.1", port: 8443)
        @Option(help: ArgumentHelp("The largest request body accepted, in bytes.", valueName: "bytes"))
        var maxBody = LogEvent.maximumEventBytes
        @Flag(help: "Plain HTTP without TLS, on loopback only, for tests.")
        var insecure = false

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let address = listen
            if insecure, !isLoopback(address.host) {
                throw ValidationError("--insecure serves plain HTTP on loopback only (127.0.0.1, ::1)")
            }
            let tls = insecure ? nil : try TLSIdentity.load(try context.profile(), passwords: PasswordSource(passwordFile: password.passwordFile))
            let collector = LogCollector(log: AuditLog(store: try context.store()), clock: context.clock, maximumBodyBytes: maxBody)
            let console = context.console
            try await HTTPServerRunner(address: address, tls: tls).run(collector.router()) { url in
                if console.isJSON { try? console.jsonLine(["url": url]) } else { console.out("listening on \(url)") }
            }
        }
    }
}

/// True for the loopback host names --insecure accepts.
func isLoopback(_ host: String) -> Bool {
    ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host)
}

/// A plain-HTTP flag (`flag`) talks to loopback only.
func requireLoopback(_ url: String, flag: String = "--insecure") throws {
    guard isLoopback(URL(string: url)?.host ?? "") else {
        throw ValidationError("\(flag) sends plain HTTP to loopback only (127.0.0.1, ::1)")
    }
}

/// An entry as `--json` prints it.
struct EntryView: Encodable {
    let seq: UInt64
    let loggedAt: String
    let leafHash: String
    let event: [String: AuditValue]

    init(_ entry: LogEntry) {
        seq = entry.seq
        loggedAt = entry.loggedAt
        leafHash = Hex.encode(entry.leafHash)
        event = entry.event
    }

    enum CodingKeys: String, CodingKey { case seq, loggedAt = "logged_at", leafHash = "leaf_hash", event }

    /// One line for people: seq, time, type, then the other fields.
    static func line(_ entry: LogEntry) -> String {
        let event = entry.event
        var parts = ["#\(entry.seq)", entry.value("event_time") ?? "", entry.value("event_type") ?? ""]
        for name in event.keys.sorted() where name != "event_time" && name != "event_type" {
            if let value = event[name] { parts.append("\(name)=\(human(value, quoting: true))") }
        }
        return parts.joined(separator: " ")
    }

    /// A value for a terminal: control characters escaped (a logged "\n#99 …" must not print as
    /// an entry of its own), an array in brackets (so it is not taken for a string with commas);
    /// with `quoting`, a string with spaces, quotes or nothing in it is quoted.
    static func human(_ value: AuditValue, quoting: Bool) -> String {
        switch value {
        case .string(let text):
            let escaped = Console.oneLine(text)
            let quote = quoting && (escaped.isEmpty || escaped.contains(" ") || escaped.contains("\"") || escaped.hasPrefix("["))
            return quote ? "\"\(escaped.replacingOccurrences(of: "\"", with: "\\\""))\"" : escaped
        case .array(let items):
            return "[" + items.map { "\"\(Console.oneLine($0).replacingOccurrences(of: "\"", with: "\\\""))\"" }.joined(separator: ", ") + "]"
        }
    }

}
