import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto
import MGovDocs
import MGovLog
import MGovNet
import MGovSign
import MGovXML

struct DocsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "A content-addressed document store with versions, shares, legal holds and retention.",
        discussion: """
            Content is stored once by SHA-256 under the home's blobs/ folder and re-hashed on every read. \
            Principals are URNs as MDocs writes them: urn:md:idnp:<13 digits>, urn:md:idno:<13 digits>, \
            urn:md:system:<uuid>, urn:public. Commands act as --as PRINCIPAL, by default the document's owner \
            (the operator acting for the owner); another principal needs a live share. Every add, read, share, \
            revoke, purge and refused access is an audit event.
            """,
        subcommands: [TypeGroup.self, Add.self, Get.self, Show.self, List.self, VersionGroup.self, Remove.self, Restore.self,
                      Purge.self, Hold.self, Release.self, Share.self, Shares.self, Revoke.self, Serve.self, Verify.self]
    )

    /// The document store; `existing`: for a command that only checks it (no store is an error);
    /// `byOperator`: false for the server, whose events are its clients' doing (see `Context.audit`).
    static func documents(_ context: Context, existing: Bool = false, byOperator: Bool = true) throws -> DocumentStore {
        DocumentStore(store: try existing ? context.existingStore() : context.store(), clock: context.clock,
                      audit: try context.audit(byOperator: byOperator))
    }

    struct TypeGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "type", abstract: "Document types and their retention rules.",
                                                        subcommands: [TypeAdd.self, TypeList.self])
    }

    struct TypeAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a document type.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The type's code.", transform: { try DocumentStore.checkTypeCode($0); return $0 }) var code: String
        @Option(help: ArgumentHelp("How long its documents are kept after creation: 5y, 18m, 90d or 0.", valueName: "period"),
                transform: { _ = try Retention($0); return $0 })
        var retention: String
        @Flag(help: "Purge documents once expired (and past retention).") var deleteOnExpiry = false
        @Flag(help: "Its documents are official (flag Official).") var official = false
        @Flag(help: "Anyone may verify its documents' authenticity.") var anonymousVerify = false

        func run() async throws {
            let context = global.makeContext()
            let type = try DocsCommand.documents(context).addType(code: code, retention: retention, deleteOnExpiry: deleteOnExpiry,
                                                                  official: official, anonymousVerify: anonymousVerify)
            if context.console.isJSON { try context.console.json(type) } else { context.console.out("added type \(type.code) (retention \(type.retention))") }
        }
    }

    struct TypeList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List document types.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let context = global.makeContext()
            let types = try DocsCommand.documents(context, existing: true).types()
            if context.console.isJSON { try context.console.json(types); return }
            for t in types {
                let flags = [t.deleteOnExpiry ? "delete-on-expiry" : nil, t.official ? "official" : nil, t.anonymousVerify ? "anonymous-verify" : nil]
                context.console.out("\(t.code)\tretention \(t.retention)\t\(flags.compactMap { $0 }.joined(separator: ","))")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a file as a new document ('-': stdin); prints its id.",
            discussion: "Identical content is stored once. The file is streamed: memory does not grow with its size.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The file.", completion: .file()) var file: String
        @Option(help: "The document's name (at most 250 characters; default: the file's name).", transform: { try DocumentStore.checkName($0); return $0 })
        var name: String?
        @Option(help: ArgumentHelp("The owner.", valueName: "urn"), transform: Principal.init) var owner: Principal
        @Option(help: ArgumentHelp("A document type code.", valueName: "code")) var type: String?
        @Option(help: "The document's number (at most 50 characters).", transform: { try DocumentStore.checkNumber($0); return $0 }) var number: String?
        @Option(help: ArgumentHelp("Expiry date.", valueName: "YYYY-MM-DD"), transform: { try DocumentStore.checkDate($0); return $0 })
        var expires: String?
        @Option(help: "A tag, 1 to 100 characters (repeatable, at most 50).") var tag: [String] = []
        @Option(help: ArgumentHelp("A link reserved with 'docs share --link' without a document: bind it to this one.", valueName: "code"))
        var linkCode: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("Who adds it (default: the owner).", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func validate() throws {
            do { try DocumentStore.checkTags(tag) } catch { throw ValidationError("\(error)") }
        }

        func run() async throws {
            let context = global.makeContext()
            var new = DocumentStore.NewDocument(name: name ?? (file == "-" ? "stdin" : (file as NSString).lastPathComponent), owner: owner)
            new.type = type
            new.number = number
            new.expiresOn = expires
            new.tags = tag
            new.linkCode = linkCode
            let trap = SignalTrap.removingPartialFiles(context.console)
            defer { trap.release() }
            let input = try FileSystem.openForReading(file)
            defer { close(input) }
            let document = try DocsCommand.documents(context).add(new, from: input, actor: actor ?? owner)
            if context.console.isJSON { try context.console.json(document) } else { context.console.out(document.id) }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a document's content to a file or stdout, checking its hash.",
            discussion: "Exit codes: 0 written; 1 refused (no right) or the content is damaged (-o FILE is then not written, and nothing reaches stdout, a FIFO or a device); 2 bad input.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The document's id.") var id: String
        @Option(name: [.short, .long], help: ArgumentHelp("Write here ('-': stdout, the default).", valueName: "file"), completion: .file()) var output: String?
        @Option(parsing: .unconditional, help: "A version (default: the latest).") var version: Int?
        @Option(name: .customLong("as"), help: ArgumentHelp("Who reads it (default: the owner).", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context, existing: true)
            let reader = try actingPrincipal(actor, documentID: id, documents)
            let trap = SignalTrap.removingPartialFiles(context.console)
            defer { trap.release() }
            if let output, output != "-" {
                let file = try AtomicFile(path: output, mode: 0o600)
                // A device or FIFO keeps what it reads: the content is checked before its first byte, as for stdout.
                try file.withDescriptor { try documents.read(id, version: version, actor: reader, to: $0, discardedOnError: !file.writesThrough) }
                try file.commit()
                if context.console.isJSON { try context.console.json(["id": id, "output": output]) }
            } else {
                try documents.read(id, version: version, actor: reader, to: STDOUT_FILENO)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a document's record, versions and flags.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The document's id.") var id: String

        func run() async throws {
            let context = global.makeContext()
            let document = try DocsCommand.documents(context, existing: true).document(id)
            if context.console.isJSON { try context.console.json(document); return }
            var lines = ["id:       \(document.id)", "name:     \(document.name)", "owner:    \(document.owner)",
                         "created:  \(document.createdAt) by \(document.createdBy)"]
            if let number = document.number { lines.append("number:   \(number)") }
            if let type = document.type { lines.append("type:     \(type)") }
            if let expires = document.expiresOn { lines.append("expires:  \(expires)") }
            if !document.tags.isEmpty { lines.append("tags:     \(document.tags.joined(separator: ", "))") }
            if !document.flags.isEmpty { lines.append("flags:    \(document.flags.joined(separator: ", "))") }
            if let hold = document.holdReason { lines.append("hold:     \(hold) (placed by \(document.holdBy ?? document.owner))") }
            for v in document.versions { lines.append("version \(v.version): \(v.size) bytes, sha256 \(v.sha256), \(v.addedAt) by \(v.addedBy)") }
            context.console.out(lines.joined(separator: "\n"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List documents.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Option(help: ArgumentHelp("Only this owner's.", valueName: "urn"), transform: Principal.init) var owner: Principal?
        @Option(help: ArgumentHelp("Only this type.", valueName: "code")) var type: String?
        @Flag(help: "Only documents expiring within 30 days.") var expiring = false
        @Flag(help: "The recycle bin instead.") var deleted = false

        func run() async throws {
            let context = global.makeContext()
            var filter = DocumentStore.Filter()
            filter.owner = owner
            filter.type = type
            filter.expiring = expiring
            filter.deleted = deleted
            let documents = try DocsCommand.documents(context, existing: true).list(filter)
            if context.console.isJSON { try context.console.json(documents); return }
            for d in documents {
                context.console.out("\(d.id)\t\(Console.oneLine(d.name))\t\(d.owner)\t\(d.latest?.size ?? 0) bytes\t\(d.flags.joined(separator: ","))")
            }
        }
    }

    struct VersionGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "version", abstract: "Document versions.", subcommands: [VersionAdd.self])
    }

    struct VersionAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a new version of a document; the old ones are kept.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The document's id.") var id: String
        @Argument(help: "The file ('-': stdin).", completion: .file()) var file: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who adds it (default: the owner; others need a write share).", valueName: "urn"), transform: Principal.init)
        var actor: Principal?

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context)
            let writer = try actingPrincipal(actor, documentID: id, documents)
            let trap = SignalTrap.removingPartialFiles(context.console)
            defer { trap.release() }
            let input = try FileSystem.openForReading(file)
            defer { close(input) }
            let document = try documents.addVersion(id, from: input, actor: writer)
            if context.console.isJSON { try context.console.json(document) } else { context.console.out("version \(document.versions.count)") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Move a document to the recycle bin.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The document's id.") var id: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who removes it (the owner).", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context)
            try documents.remove(id, actor: try actingPrincipal(actor, documentID: id, documents))
            if context.console.isJSON { try context.console.json(DocumentChange(id: id, change: "removed")); return }
            context.console.info("moved \(id) to the recycle bin")
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a document out of the recycle bin.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The document's id.") var id: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who restores it (the owner).", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context)
            try documents.restore(id, actor: try actingPrincipal(actor, documentID: id, documents))
            if context.console.isJSON { try context.console.json(DocumentChange(id: id, change: "restored")); return }
            context.console.info("restored \(id)")
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove for good what the recycle bin and expiry allow, past retention.",
            discussion: """
                Purged: documents in the recycle bin, and expired documents of types with --delete-on-expiry, whose \
                retention (counted from creation) has ended. Documents under legal hold are never purged: they are \
                listed as held. Content no remaining version uses is deleted.

                Exit codes: 0 done (held documents are reported, not an error); 2 bad input.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Flag(help: "Say what would be purged, and change nothing.") var dryRun = false
        @Option(name: .customLong("as"), help: ArgumentHelp("Who purges (recorded in the audit log; default: urn:public).", valueName: "urn"), transform: Principal.init)
        var actor = Principal.everyone

        func run() async throws {
            let context = global.makeContext()
            let report = try DocsCommand.documents(context).purge(actor: actor, dryRun: dryRun)
            if context.console.isJSON { try context.console.json(report); return }
            let verb = dryRun ? "would purge" : "purged"
            for id in report.purged { context.console.out("\(verb) \(id)") }
            for (id, reason) in report.held.sorted(by: { $0.key < $1.key }) { context.console.out("kept \(id): under legal hold (\(reason))") }
            for (id, end) in report.retained.sorted(by: { $0.key < $1.key }) { context.console.out("kept \(id): retained until \(end)") }
            context.console.info("\(verb) \(report.purged.count) documents, \(report.blobsRemoved) blobs removed"
                + (report.abandonedUploadsRemoved > 0 ? ", \(report.abandonedUploadsRemoved) unfinished uploads \(dryRun ? "to remove" : "removed")" : ""))
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a document under legal hold: it is never purged until released.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The document's id.") var id: String
        @Option(help: "Why (a case, an order).") var reason: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who places the hold, and alone may release it (default: the owner).", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context)
            try documents.hold(id, reason: reason, actor: try actingPrincipal(actor, documentID: id, documents))
            if context.console.isJSON { try context.console.json(DocumentChange(id: id, change: "held", reason: reason)); return }
            context.console.info("\(id) is under legal hold")
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a document's legal hold.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The document's id.") var id: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who releases it: the one who placed the hold (default: the owner).", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context)
            try documents.hold(id, reason: nil, actor: try actingPrincipal(actor, documentID: id, documents))
            if context.console.isJSON { try context.console.json(DocumentChange(id: id, change: "released")); return }
            context.console.info("released the hold on \(id)")
        }
    }

    struct Share: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Share a document with a principal, or make an access link.",
            discussion: """
                --for URN shares with a principal; --link makes an access code, printed once (only its hash is kept). \
                A link without a document id is reserved (--as its future owner), and bound by 'docs add --link-code CODE' to a document that owner adds. The window runs \
                from --from (default now) to --to (required, in the future); nobody shares more permission than they hold, \
                nor for longer, and a share made by a grantee ends when the grantee's own share ends or is revoked.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The document's id (optional with --link: a reserved link).") var id: String?
        @Option(name: .customLong("for"), help: ArgumentHelp("The principal it is for.", valueName: "urn"), transform: Principal.init) var grantee: Principal?
        @Flag(help: "Make an access link instead.") var link = false
        @Option(help: "read or write (default read).") var permission: Permission = .read
        @Option(help: ArgumentHelp("Start of the window (default: now).", valueName: "time"), transform: Timestamp.require) var from: Date?
        @Option(help: ArgumentHelp("End of the window (a date alone: the end of that day, UTC).", valueName: "time"), transform: Timestamp.requireEnd) var to: Date
        @Option(name: .customLong("as"), help: ArgumentHelp("Who shares (default: the owner).", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func validate() throws {
            if link == (grantee != nil) { throw ValidationError("give --for URN or --link") }
            if id == nil, !link { throw ValidationError("a document id is needed (only a --link can be reserved without one)") }
        }

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context)
            var request = DocumentStore.ShareRequest(from: from ?? context.clock.now(), to: to)
            request.permission = permission
            let sharer: Principal
            if let id { sharer = try actingPrincipal(actor, documentID: id, documents) } else {
                guard let actor else { throw ValidationError("a reserved link needs --as URN (who reserves it)") }
                sharer = actor
            }
            if link {
                let (share, code) = try documents.shareLink(id, request, actor: sharer)
                if context.console.isJSON { try context.console.json(["share": share.id, "code": code]) } else {
                    context.console.out(code)
                    context.console.info("share \(share.id); the code is shown once")
                }
            } else {
                let share = try documents.share(id!, with: grantee!, request, actor: sharer)  // safe: validate() checked both
                if context.console.isJSON { try context.console.json(share) } else { context.console.out(share.id) }
            }
        }
    }

    struct Shares: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List shares: made by, or for, a principal, or of a document.",
            discussion: """
                Each share's status: active, pending (before its start), expired, revoked, unbound (a reserved link \
                with no document yet), or lapsed (made by a grantee whose own access has ended, so it gives nothing).
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Flag(help: "Shares the --as principal made.") var byMe = false
        @Flag(help: "Shares for the --as principal.") var forMe = false
        @Option(help: ArgumentHelp("Only this document's.", valueName: "id")) var document: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("The principal for --by-me / --for-me.", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func validate() throws {
            if (byMe || forMe) && actor == nil { throw ValidationError("--by-me and --for-me need --as URN") }
        }

        func run() async throws {
            let context = global.makeContext()
            let principal = actor
            let shares = try DocsCommand.documents(context, existing: true).shares(sharedBy: byMe ? principal : nil, grantee: forMe ? principal : nil, document: document)
            if context.console.isJSON { try context.console.json(shares); return }
            for s in shares {
                context.console.out("\(s.id)\t\(s.document ?? "(reserved)")\t\(s.grantee ?? "link")\t\(s.permission.rawValue)\t\(s.validFrom) → \(s.validTo)\t\(s.status)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a share at once (the sharer or the owner).")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The share's id.") var shareID: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who revokes (default: the sharer).", valueName: "urn"), transform: Principal.init) var actor: Principal?

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context)
            let revoker = try actor ?? Principal(try documents.share(shareID).sharedBy)
            try documents.revoke(shareID, actor: revoker)
            if context.console.isJSON { try context.console.json(DocumentChange(id: shareID, change: "revoked")); return }
            context.console.info("revoked \(shareID)")
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve shared documents over HTTPS: to access-code holders and to mTLS principals with a live share.",
            discussion: """
                GET /s/CODE serves the document a live access link opens; GET /verify/SHA256 tells anyone whether a \
                live document of an --anonymous-verify type has exactly that content (its name, number, type, issue \
                date; never the content); GET /d/ID serves a document to a client \
                whose certificate (chaining to the profile's trust anchors) carries a urn:md: principal in its subject \
                alternative names, when that principal owns it or holds a live share. Client certificates are \
                optional (code holders need none). Unknown, expired, revoked or not-yet-valid access answers 404, \
                and is logged with the reason. Content is checked against its hash before it is sent. Both \
                document paths answer HEAD (the headers alone) and one byte range (Range: bytes=..., 206 Partial \
                Content, 416 outside the document; If-Range with another ETag gets the whole), so downloads can be \
                resumed (curl -C -). Each HEAD and range is logged as a read saying which.

                Prints the URL it listens on (port 0 picks a free one), then serves until SIGTERM or SIGINT.
                Exit codes: 0 stopped; 2 cannot listen or no TLS credentials.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Option(help: ArgumentHelp("HOST:PORT to listen on (default: 127.0.0.1:8444).", valueName: "address"), transform: ListenAddress.init(parsing:))
        var listen = ListenAddress(host: "127.0.0.1", port: 8444)
        @Flag(help: "Plain HTTP without TLS, on loopback only, for tests.") var insecure = false

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let address = listen
            if insecure, !isLoopback(address.host) { throw ValidationError("--insecure serves plain HTTP on loopback only (127.0.0.1, ::1)") }
            let tls = insecure ? nil : try TLSIdentity.load(try context.profile(), passwords: PasswordSource(passwordFile: password.passwordFile))
            let server = DocsServer(documents: try DocsCommand.documents(context, byOperator: false))
            let console = context.console
            try await HTTPServerRunner(address: address, tls: tls, clientCertificates: .optional).run(server.router()) { url in
                if console.isJSON { try? console.jsonLine(["url": url]) } else { console.out("listening on \(url)") }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-hash stored content (all, or one document's) and report what is missing or corrupted.",
            discussion: """
                Content that is itself signed (an XML document with ds:Signature, or a CMS signature that carries \
                its content), up to 64 MB, is also checked as 'mgov sign verify' checks it, against the profile's \
                trust anchors (or --trusted); the result is shown beside the blob. What fails the check is an \
                invalid signature (content changed since it was signed); a valid one by a signer the anchors do not \
                trust is shown as such and does not (the store keeps what its owners gave it; 'sign verify' is the \
                check of whom to trust), nor does one that cannot be checked at all (its error is shown).

                Each version is also checked against the audit log: the content hash its MDocs.Document.Added or \
                VersionAdded event recorded must be the one the store names now, so a record changed in the store \
                (with content to match) is caught. Versions whose hash the log does not hold (versions after the first \
                added by an earlier mgov, which logged no hash for them) are listed as not in the log; a version added after the log's first add \
                with a hash, and not in the log, is a problem (its event was taken out). The log's own integrity is what \
                'mgov log verify' checks.

                Exit codes: 0 every blob intact (and every signature found valid); 1 a blob is missing or \
                corrupted, a version's record disagrees with the log, or a signature in one is invalid; 2 bad input.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "A document's id (default: every blob).") var id: String?
        @Option(help: ArgumentHelp("A trust anchor for signed content (repeatable; default: the profile's).", valueName: "file"), completion: .file())
        var trusted: [String] = []

        func run() async throws {
            let context = global.makeContext()
            let documents = try DocsCommand.documents(context, existing: true)
            let checks = try documents.verify(id, logged: try Self.loggedContent(context, document: id),
                                              hashesLoggedSince: try Self.hashesLoggedSince(context))
            var options = VerificationOptions()
            let anchorPaths = trusted.isEmpty ? ((try? context.profileIfAny())??.trustPaths ?? []) : trusted
            options.trustAnchors = try anchorPaths.flatMap { try Certificate.loadAll(path: $0) }
            let console = context.console
            var bad = 0, badSignatures = 0, uncheckedSignatures = 0
            for check in checks {
                let signature = check.problem == nil ? signatureReport(documents.blobs.path(of: check.sha256), options: options) : nil
                if check.problem != nil { bad += 1 }
                if let signature {
                    // One that cannot be checked (its document refused by the XML limits, say) is said, and fails nothing:
                    // the blob is intact, which is what this checks.
                    if signature.error != nil { uncheckedSignatures += 1 } else if !signature.signatures.allSatisfy(\.valid) { badSignatures += 1 }
                }
                if console.isJSON {
                    try console.jsonLine(VerifiedBlob(check: check, signature: signature))
                } else {
                    var line = "\(check.sha256): \(check.problem ?? "ok") (\(check.usedBy.joined(separator: ", ")))"
                    if let notInLog = check.notInLog, !notInLog.isEmpty { line += "; not in the log: \(notInLog.joined(separator: ", "))" }
                    if let signature { line += "\n  signature: " + SignCommand.Verify.describe(signature).replacingOccurrences(of: "\n", with: "\n  ") }
                    console.out(line)
                }
            }
            let unlogged = checks.reduce(0) { $0 + ($1.notInLog?.count ?? 0) }
            console.info("\(checks.count) blobs checked, \(bad) damaged or not as logged\(badSignatures > 0 ? ", \(badSignatures) with an invalid signature" : "")"
                + (uncheckedSignatures > 0 ? ", \(uncheckedSignatures) whose signature could not be checked" : "")
                + (unlogged > 0 ? "; \(unlogged) version\(unlogged == 1 ? "" : "s") not in the log" : ""))
            if bad > 0 || badSignatures > 0 { throw ExitCode(1) }
        }

        /// What the audit log recorded of each version's content (of one document, or all) as it was added.
        static func loggedContent(_ context: Context, document id: String?) throws -> [DocumentStore.VersionRef: Set<String>] {
            var logged: [DocumentStore.VersionRef: Set<String>] = [:]
            try forEachContentEvent(context, document: id) { entry in
                let fields = entry.event.compactMapValues { value -> String? in if case .string(let text) = value { text } else { nil } }
                if let (version, hash) = DocumentStore.loggedContent(type: fields["event_type"] ?? "", fields: fields) {
                    logged[version, default: []].insert(hash)
                }
                return true
            }
            return logged
        }

        /// When the log first recorded an add with its content hash (to the second), or nil when it never has.
        static func hashesLoggedSince(_ context: Context) throws -> Date? {
            var since: Date?
            try forEachContentEvent(context, document: nil) { entry in
                guard case .string = entry.event["object_sha256"], case .string(let time) = entry.event["event_time"],
                      let date = Timestamp.parse(time) else { return true }
                since = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
                return false
            }
            return since
        }

        /// The log's MDocs add events (of one document, or all), oldest first, page by page, until `body` says stop.
        private static func forEachContentEvent(_ context: Context, document id: String?, _ body: (LogEntry) -> Bool) throws {
            let log = AuditLog(store: try context.store())
            var query = LogQuery()
            query.types = DocumentStore.contentEventTypes
            query.pageSize = 10_000
            if let id { query.filters = [("object", id)] }
            while true {
                let page = try log.query(query)
                for entry in page.entries where !body(entry) { return }
                if page.entries.count < page.pageSize { return }
                query.page += 1
            }
        }

        /// The signature check of a blob that is signed content, or nil when it is not.
        private func signatureReport(_ path: String, options: VerificationOptions) -> FileReport? {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil, size <= 64 << 20,
                  let contents = try? CMSSignedData.load(path, name: path) else { return nil }
            let name = "content"
            do {
                let data: Data
                switch contents {
                case .cms(let message):
                    guard !message.isDetached else { return nil }  // a detached signature: its content is elsewhere
                    return FileReport(file: name, signatures: try CMSVerifier(options: options).verify(message, name: name, content: nil))
                case .other(let bytes): data = bytes
                }
                guard data.first == UInt8(ascii: "<") || data.starts(with: [0xEF, 0xBB, 0xBF]),
                      data.range(of: Data("http://www.w3.org/2000/09/xmldsig#".utf8)) != nil else { return nil }
                let document = try XMLDocument(data: data, name: name)
                return FileReport(file: name, signatures: try XMLVerifier(options: options).verify(document))
            } catch {
                return FileReport(file: name, signatures: [], error: describeError(error))
            }
        }
    }
}

/// `docs verify --json`: one blob and, for signed content, its signature check.
private struct VerifiedBlob: Encodable {
    let check: DocumentStore.BlobCheck
    let signature: FileReport?

    func encode(to encoder: Encoder) throws {
        try check.encode(to: encoder)
        enum Keys: String, CodingKey { case signature }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(signature, forKey: .signature)
    }
}

extension Permission: ExpressibleByArgument {}

/// `--as URN`, or the document's owner when not given.
private func actingPrincipal(_ given: Principal?, documentID: String, _ documents: DocumentStore) throws -> Principal {
    if let given { return given }
    return try Principal(try documents.document(documentID).owner)
}

/// `--json` of the commands that change one document's state: which, and how.
struct DocumentChange: Encodable {
    let id: String
    /// removed (to the recycle bin), restored, held (legal hold), released, or revoked (a share: `id` is the share's).
    let change: String
    var reason: String?

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(change, forKey: .change)
        try container.encode(reason, forKey: .reason)  // null when none: every key, always
    }

    enum CodingKeys: String, CodingKey { case id, change, reason }
}
