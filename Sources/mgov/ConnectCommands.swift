import ArgumentParser
import Foundation
import MGovConnect
import MGovCore
import MGovCrypto
import MGovLog
import MGovNet

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Serve datasets as a provider, and request them as a consumer, over an X-Road-style mTLS exchange.",
        discussion: """
            The protocol (X-Road's REST shape, /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE, plus MConnect's \
            purpose and legal basis on every request) is written in mgov.connect.serve(1) and the README. \
            Services and grants live in the store; 'connect serve' serves them as the profile's identity.
            """,
        subcommands: [Serve.self, ServiceGroup.self, Services.self, GrantCommand.self, Revoke.self, Grants.self, Clients.self,
                      RequestCommand.self, Catalog.self]
    )

    static func registry(_ context: Context) throws -> ConnectRegistry {
        ConnectRegistry(store: try context.store(), clock: context.clock, audit: try context.audit())
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the store's services as the profile's identity, over mutual TLS.",
            discussion: """
                Requests: METHOD /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE[/path][?query] with X-Road-Client \
                (must equal the identity bound to the client certificate: its SAN URI urn:xroad:..., or one registered \
                with 'connect clients add'), X-Call-Reason (purpose, at most 512 bytes) and X-Call-Basis (legal \
                basis, at most 256 bytes), optional X-Road-Id (at most 128 bytes), X-Road-UserId, X-Road-Issue, \
                X-Road-Represented-Party (at most 256 bytes each); each of these headers at most once (400). \
                A live grant must cover the client, the service and the cited basis (exactly, or as its start followed by a character that is not a letter or digit: 'Legea 133/2011' covers 'Legea 133/2011 art.5', not 'Legea 133/20119').

                Datasets answer GET with key-field equality filters, limit (at most 1000) and offset: JSON \
                {"rows", "total", "limit", "offset"}, CSV (Accept: text/csv) or XML (Accept: application/xml), by \
                q-value and specificity (none of them acceptable: 406); only \
                granted fields, and a grant with fields allows filters on those fields only (403). Query values are \
                decoded as forms send them (+ is a space) and key values are at most 256 bytes; a part that does not \
                decode (a bad %, bytes that are not UTF-8, a control character) and limit or offset given twice are \
                400, and a path under a dataset (.../people/2001234567890) is 404, not a lookup. Citing the basis of \
                a grant that has expired is 403 Client.GrantExpired, whatever other grants are live. Proxies forward \
                method, path, query, headers and body to their upstream; its errors pass through; an unreachable \
                upstream is 500 Server.ServerProxy.NetworkError, naming the reason but not the upstream (at once \
                when it refuses the connection, after 10 s when it cannot be connected to, after 60 s when it does \
                not answer). Metaservices: \
                /r1/PROVIDER/listMethods and /allowedMethods.

                Every response carries X-Road-Id, X-Road-Request-Id, X-Road-Request-Hash = \
                base64(SHA-512(SHA-512(H) || SHA-512(body))) (H: the x-road-* and x-call-* headers, lower-cased and \
                sorted, "name:value\\n" each, then "METHOD target\\n") and X-Road-Signature, a compact JWS (x5c: the \
                provider's certificate and intermediates; a self-signed root is left out) over {"body_sha256", "id", "request_hash", "service", "status", "time"}. Errors: \
                X-Road-Error TYPE and {"type", "message", "detail"}: 400 Client.BadRequest, Client.MissingPurpose, \
                Client.MissingLegalBasis; 403 Client.IdentityMismatch, Client.AccessDenied, \
                Client.LegalBasisNotGranted, Client.GrantExpired; 404 Client.UnknownService; 500 \
                Server.ServerProxy.NetworkError, Server.ServerProxy.InternalError. Every request, allowed or denied, \
                is one audit event (MConnect.Request.Served or .Denied), whose subject is the IDNP of every person \
                the answer discloses, with the issue, represented party, a proxy's method and path, and a \
                refusal's reason (event_details).

                Services, grants, client registrations and datasets of up to 250,000 rows are held in memory and \
                read again whenever mgov changes them (each change replaces the file connect.generation in the \
                home): a grant, revoke or service add in another process applies to the next request. Each answer \
                leaves once its audit event is durable; the events of concurrent exchanges share one commit.

                Prints the URL it listens on (port 0 picks a free one), then serves until SIGTERM or SIGINT: \
                the listener closes, requests in flight are answered and logged (for up to 65 seconds, past a \
                proxy's 60 s wait for its upstream), idle \
                connections close at once (a peer's TLS close_notify is waited for 0.5 s at most), and the command \
                exits 0. A connection that sends no complete request head \
                within --idle-timeout (60 s) of opening, or of its last answer, is closed, and so is one whose body \
                stops coming for as long: a stalled TLS handshake, half a header or half a body holds nothing for \
                long. A body declared (Content-Length) over 16 MB is answered 413 at once, and the connection closed.
                Exit codes: 0 stopped; 2 cannot listen, no TLS credentials, or a --config that cannot be applied.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Option(help: ArgumentHelp("HOST:PORT to listen on (default: 127.0.0.1:8443).", valueName: "address"), transform: ListenAddress.init(parsing:))
        var listen = ListenAddress(host: "127.0.0.1", port: 8443)
        @Option(help: ArgumentHelp("Services and grants to put into the store first (YAML; see the README).", valueName: "provider.yaml"), completion: .file())
        var config: String?
        @Flag(help: "Plain HTTP, loopback only: the X-Road-Client header is then believed as it stands (tests only).")
        var insecureHttp = false
        @Option(parsing: .unconditional,
                help: ArgumentHelp("Close a connection that sends nothing for this long: after connecting (TLS handshake included), between requests, or in a body.",
                                   valueName: "seconds"))
        var idleTimeout: Double = 60

        func validate() throws {
            guard idleTimeout >= 1, idleTimeout <= 86_400 else { throw ValidationError("--idle-timeout is 1 to 86400 seconds") }
        }

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let address = listen
            let profile = try context.profile()
            if insecureHttp {
                guard isLoopback(address.host) else { throw ValidationError("--insecure-http serves on loopback only (127.0.0.1, ::1)") }
                context.console.warn("plain HTTP: no TLS, and client identities are not checked (--insecure-http, for tests only)")
            }
            let passwords = PasswordSource(passwordFile: password.passwordFile)
            let credentials = try ProfileCredentials.load(profile, passwords: passwords)
            let tls = insecureHttp ? nil : try TLSIdentity.load(profile, passwords: passwords)
            guard profile.identity.subsystem != nil else { throw ValidationError("a provider is a subsystem: the profile's identity needs a SUBSYSTEM part") }
            let registry = try ConnectCommand.registry(context)
            let console = context.console
            if let config {
                let folder = (FileSystem.parent(of: config) as NSString).standardizingPath
                for line in try ProviderConfig.load(path: config).apply(to: registry, relativeTo: folder.isEmpty ? "." : folder) { console.info(line) }
            }
            // Concurrent exchanges' audit events share transactions (group commit); each answer waits for its own.
            let log = GroupCommitLog(log: AuditLog(store: try context.store()), clock: context.clock)
            let provider = Provider(registry: registry, identity: profile.identity, key: credentials.key,
                                    chain: credentials.certificates, clock: context.clock,
                                    record: { event, done in do { try log.record(event, done: done) } catch { done(error) } })
            defer { Task { await provider.shutdown() } }
            let server = EventLoopHTTPServer(address: address, tls: tls, maximumBodySize: Protocol.maximumBodyBytes,
                                             idleTimeout: .milliseconds(Int64(idleTimeout * 1000)))
            try await server.run(provider.responder) { url in
                if console.isJSON { try? console.jsonLine(["url": url]) } else { console.out("listening on \(url)") }
            }
        }
    }

    struct ServiceGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "service", abstract: "Add or remove a service.",
                                                        subcommands: [ServiceAdd.self, ServiceRemove.self])
    }

    struct ServiceAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add (or replace) a dataset or proxy service.",
            discussion: """
                A dataset (.csv, .json array, .ndjson, or sqlite:PATH#TABLE) is loaded into the store with an index \
                per key field; add it again to refresh it. A service replaced keeps its grants; an unexpired one \
                limited to fields the new rows lack (or to any field, when the new service is a proxy) must be \
                revoked first. An empty dataset, which discloses nothing, may replace any.

                Exit codes: 0 added or replaced; 1 refused (a grant limited to fields the new service lacks); \
                2 bad input (a file that cannot be read, no row with a key field).
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The service code.") var code: String
        @Option(help: ArgumentHelp("Rows to serve.", valueName: "file"), completion: .file()) var dataset: String?
        @Option(help: ArgumentHelp("Key fields lookups may use, comma-separated.", valueName: "field[,field]")) var key: String?
        @Option(help: ArgumentHelp("Forward to this upstream base URL instead.", valueName: "url")) var proxy: String?

        func validate() throws {
            if (dataset == nil) == (proxy == nil) { throw ValidationError("give --dataset FILE --key FIELD, or --proxy URL") }
            if dataset != nil, key == nil { throw ValidationError("--dataset needs --key FIELD[,FIELD]") }
        }

        func run() async throws {
            let context = global.makeContext()
            let registry = try ConnectCommand.registry(context)
            let service = try dataset.map { try registry.addDataset(code: code, source: $0, keys: (key ?? "").split(separator: ",").map(String.init)) }
                ?? registry.addProxy(code: code, upstream: proxy!)  // safe: validate() requires one of them
            if context.console.isJSON { try context.console.json(service) } else {
                context.console.out(service.kind == "dataset" ? "\(service.code): \(service.rows ?? 0) rows, keys \(service.keys.joined(separator: ","))" : "\(service.code): proxy to \(service.upstream ?? "")")
            }
            switch service.grantsKept {
            case nil: break
            case 0?: context.console.info("replaced the service \(code)")
            case let n?: context.console.info("replaced the service \(code); its \(n) grant\(n == 1 ? "" : "s") still appl\(n == 1 ? "ies" : "y")")
            }
        }
    }

    struct ServiceRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a service (its rows too) and revoke its grants.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The service code.") var code: String

        func run() async throws {
            let context = global.makeContext()
            let revoked = try ConnectCommand.registry(context).removeService(code)
            struct Removed: Encodable { let service: String; let grantsRevoked: Int
                enum CodingKeys: String, CodingKey { case service, grantsRevoked = "grants_revoked" } }
            if context.console.isJSON { try context.console.json(Removed(service: code, grantsRevoked: revoked)); return }
            context.console.info(revoked == 0 ? "removed \(code)" : "removed \(code) and revoked its \(revoked) grant\(revoked == 1 ? "" : "s")")
        }
    }

    struct Services: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List services.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let context = global.makeContext()
            let services = try ConnectCommand.registry(context).services()
            if context.console.isJSON { try context.console.json(services); return }
            for s in services { context.console.out("\(s.code)\t\(s.kind)\t\(s.kind == "dataset" ? "\(s.rows ?? 0) rows, keys \(s.keys.joined(separator: ","))" : s.upstream ?? "")") }
        }
    }

    struct GrantCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "grant", abstract: "Grant a client subsystem access to a service.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The client: INSTANCE/CLASS/MEMBER/SUBSYSTEM.", transform: MemberIdentity.init(parsing:)) var client: MemberIdentity
        @Option(help: "The service code.") var service: String
        @Option(parsing: .upToNextOption, help: ArgumentHelp("Legal bases the client may cite (exactly, or followed by a part: a space, comma or other non-alphanumeric character, then anything).", valueName: "text"))
        var legalBasis: [String]
        @Option(help: ArgumentHelp("Only these fields are returned, and only they may be looked up by.", valueName: "a,b")) var fields: String?
        @Option(help: ArgumentHelp("The grant ends then.", valueName: "time"), transform: Timestamp.require) var expires: Date?

        func run() async throws {
            let context = global.makeContext()
            let grant = try ConnectCommand.registry(context).grant(client: client, service: service, legalBases: legalBasis,
                                                                  fields: fields.map { $0.split(separator: ",").map(String.init) },
                                                                  expires: expires)
            // As `connect grants --json` lists it (a new grant has not expired: its expiry must be ahead).
            if context.console.isJSON { try context.console.json(Grants.Listed(grant: grant, expired: false)) } else {
                context.console.info("granted \(service) to \(client)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a client's grants for a service, at once.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The client: INSTANCE/CLASS/MEMBER/SUBSYSTEM.", transform: MemberIdentity.init(parsing:)) var client: MemberIdentity
        @Option(help: "The service code.") var service: String

        func run() async throws {
            let context = global.makeContext()
            try ConnectCommand.registry(context).revoke(client: client, service: service)
            struct Revoked: Encodable { let client: String; let service: String; let revoked: Bool }
            if context.console.isJSON { try context.console.json(Revoked(client: client.description, service: service, revoked: true)); return }
            context.console.info("revoked \(service) for \(client)")
        }
    }

    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List grants that are not revoked; expired ones are marked (--json: \"expired\": true).")
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        /// A grant as listed: its fields, and whether it has expired.
        struct Listed: Encodable {
            let grant: Grant
            let expired: Bool
            func encode(to encoder: any Encoder) throws {
                try grant.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(expired, forKey: .expired)
            }
            enum Key: String, CodingKey { case expired }
        }

        func run() async throws {
            let context = global.makeContext()
            let now = Timestamp.format(context.clock.now())
            let grants = try ConnectCommand.registry(context).grants().map { Listed(grant: $0, expired: $0.hasExpired(at: now)) }
            if context.console.isJSON { try context.console.json(grants); return }
            for listed in grants {
                let g = listed.grant
                let expiry = g.expiresAt.map { listed.expired ? "EXPIRED \($0)" : "until \($0)" } ?? "no expiry"
                context.console.out("\(g.client)\t\(g.service)\t\(g.legalBases.joined(separator: "; "))\t\(g.fields?.joined(separator: ",") ?? "all fields")\t\(expiry)")
            }
        }
    }

    struct Clients: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bind client certificates to identities, list and remove the bindings.",
                                                        subcommands: [ClientAdd.self, ClientList.self, ClientRemove.self])
    }

    struct ClientAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Bind a certificate (without the SAN URI) to a client identity.",
            discussion: """
                The certificate must be a client's (not a CA's), chain to the profile's trust anchors, and name no \
                identity of its own (a urn:xroad: SAN URI): such a certificate needs no binding, and may not act \
                as another client. A certificate is bound to one identity; 'connect clients rm' frees it.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The client: INSTANCE/CLASS/MEMBER/SUBSYSTEM.", transform: MemberIdentity.init(parsing:)) var client: MemberIdentity
        @Option(help: ArgumentHelp("Its certificate (and intermediates).", valueName: "file"), completion: .file()) var cert: String

        func run() async throws {
            let context = global.makeContext()
            let certificates = try Certificate.loadAll(path: cert)
            let anchors = try (try context.profile()).trustPaths.flatMap { try Certificate.loadAll(path: $0) }
            try ConnectCommand.registry(context).addClient(client, certificate: certificates[0],
                                                           intermediates: Array(certificates.dropFirst()), anchors: anchors)
            if context.console.isJSON {
                try context.console.json(["identity": client.description, "fingerprint": certificates[0].sha256Fingerprint])
            } else {
                context.console.info("\(client): \(certificates[0].subject)")
            }
        }
    }

    struct ClientList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the certificates bound to client identities.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let context = global.makeContext()
            let bindings = try ConnectCommand.registry(context).clients()
            if context.console.isJSON { try context.console.json(bindings); return }
            for binding in bindings { context.console.out("\(binding.identity)\t\(binding.fingerprint)\t\(binding.createdAt)") }
        }
    }

    struct ClientRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove the certificates bound to a client identity.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The client: INSTANCE/CLASS/MEMBER/SUBSYSTEM.", transform: MemberIdentity.init(parsing:)) var client: MemberIdentity

        func run() async throws {
            let context = global.makeContext()
            let removed = try ConnectCommand.registry(context).removeClient(client)
            struct Removed: Encodable { let identity: String; let removed: Int }
            if context.console.isJSON { try context.console.json(Removed(identity: client.description, removed: removed)) } else {
                context.console.info("\(client): \(removed) binding\(removed == 1 ? "" : "s") removed")
            }
        }
    }

    struct RequestCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request",
            abstract: "Request a service as the profile's identity; the provider's signature is checked.",
            discussion: """
                The provider's address comes from --provider, else the profile's endpoint named after the provider \
                subsystem, else its endpoint 'connect'. The client certificate and trust anchors are the profile's. \
                The response's X-Road-Signature must verify, chain to the anchors, name the provider, and cover this \
                request's hash and the body received (else exit 1, unless --no-verify-response). The exchange is \
                logged (MConnect.Request.Sent) with the provider's signature, so each side can prove it. The body \
                goes to stdout byte for byte (on a terminal, a line end follows a body without one).

                Exit codes: 0 answered (2xx); 1 denied (a Client.* error other than BadRequest) or the signature \
                does not verify; 2 any other error (an unreachable provider among them: a refused connection fails at \
                once, a provider that does not answer within --timeout times out).

                Unless --no-verify-response, the request is sent only to a server whose TLS certificate names the \
                provider subsystem (as its signature must): a server the trust anchors trust but that is another \
                member's is refused after the handshake, before the query (a person's id, the purpose) leaves, exit 1.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: "INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE.") var serviceID: String
        @Argument(help: "A path under the service (proxies).") var path: String?
        @Option(help: "The purpose (X-Call-Reason).") var purpose: String
        @Option(help: "The legal basis (X-Call-Basis).") var legalBasis: String
        @Option(help: ArgumentHelp("The provider's base URL.", valueName: "url")) var provider: String?
        @Option(help: ArgumentHelp("A query parameter (repeatable).", valueName: "k=v")) var param: [String] = []
        @Option(name: .customShort("X"), help: "The method (default GET, or POST with --data, as curl).") var method: String?
        @Option(help: ArgumentHelp("A request body, or @FILE.", valueName: "data")) var data: String?
        @Option(help: ArgumentHelp("The body's Content-Type (with --data).", valueName: "type")) var contentType = "application/json"
        @Option(help: ArgumentHelp("The end user (X-Road-UserId), e.g. MD2001234567890.", valueName: "id")) var user: String?
        @Option(help: "A case or document reference (X-Road-Issue).") var issue: String?
        @Option(help: ArgumentHelp("The party acted for (X-Road-Represented-Party).", valueName: "id")) var onBehalfOf: String?
        @Option(name: [.short, .long], help: ArgumentHelp("Write the body here (readable by its owner only).", valueName: "file"), completion: .file()) var output: String?
        @Option(help: "json, csv or xml: how dataset rows are asked for.") var format: RowFormat?
        @Flag(help: "Accept a response whose signature is missing or does not verify.") var noVerifyResponse = false
        @Flag(help: "Plain HTTP to a loopback provider (tests only).") var insecureHttp = false
        @Option(parsing: .unconditional, help: ArgumentHelp("Give up on an answer after this long, connecting included.", valueName: "seconds"))
        var timeout: Double = 60

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let profile = try context.profile()
            let service = try ServiceID(parsing: serviceID)
            guard let base = provider ?? profile.endpoints[service.provider.description] ?? profile.endpoints["connect"] else {
                throw CoreError.invalidArgument("no provider address: give --provider URL, or set one with 'mgov profile set \(profile.name) endpoint.connect URL'")
            }
            if insecureHttp { try requireLoopback(base, flag: "--insecure-http") }
            var call = Consumer.Call(service: service, purpose: purpose, legalBasis: legalBasis)
            call.path = path ?? ""
            call.method = (method ?? (data == nil ? "GET" : "POST")).uppercased()
            call.user = user
            call.issue = issue
            call.onBehalfOf = onBehalfOf
            call.accept = format?.mediaType
            guard contentType.utf8.count <= 256, !contentType.isEmpty, !contentType.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw ValidationError("--content-type is one line of 1 to 256 bytes")
            }
            call.contentType = contentType
            for item in param {
                guard let eq = item.firstIndex(of: "=") else { throw ValidationError("--param takes k=v") }
                call.parameters.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
            }
            if let data {
                if data.hasPrefix("@") {
                    let file = String(data.dropFirst())
                    // Refused before it is read: a provider takes at most 16 MB.
                    let attributes = try? FileManager.default.attributesOfItem(atPath: file)
                    if attributes?[.type] as? FileAttributeType == .typeRegular, let size = attributes?[.size] as? Int, size > Protocol.maximumBodyBytes {
                        throw ConnectError.invalidArgument("\(file) is \(size) bytes; a provider takes at most 16 MB")
                    }
                    call.body = try FileSystem.read(file)
                } else {
                    call.body = Data(data.utf8)
                }
            }
            let passwords = PasswordSource(passwordFile: password.passwordFile)
            let anchors = try profile.trustPaths.flatMap { try Certificate.loadAll(path: $0) }
            let consumer = Consumer(client: profile.identity, tls: insecureHttp ? nil : try TLSIdentity.load(profile, passwords: passwords),
                                    anchors: anchors, clock: context.clock, audit: try context.audit())
            let answer = try await consumer.send(call, provider: base, verify: !noVerifyResponse, timeout: .milliseconds(Int64(timeout * 1000)))
            let console = context.console
            if let type = answer.headers.first(where: { $0.0.lowercased() == "x-road-error" })?.1 {
                let message = (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["message"] as? String ?? ""
                // --json: the refusal on stdout too, as the answer it is (the one-line error still goes to stderr).
                if console.isJSON { try printJSON(answer, console) }
                throw ConnectError.provider(type: type, message: message, status: answer.status)
            }
            if console.isJSON {
                try printJSON(answer, console)
            } else if let output, output != "-" {
                try FileSystem.writeAtomically(answer.body, to: output, mode: 0o600)  // a provider's data: personal, often
            } else {
                console.outData(answer.body)
                // Byte for byte into a pipe or file (its digest is what the provider signed); on a
                // terminal, a body without a final newline would run into the prompt.
                if Terminal.stdoutIsTerminal, let last = answer.body.last, last != UInt8(ascii: "\n") { console.out("") }
            }
            if !(200..<300).contains(answer.status) {
                // The body went out as it came; say what happened too, or a script sees only exit 2.
                throw NetError.httpStatus(url: base + service.path + (call.path.isEmpty ? "" : "/" + call.path), status: answer.status, body: "")
            }
        }

        /// `--json`: status, request id, whether the signature was verified, headers and body (parsed when JSON).
        func printJSON(_ answer: Consumer.Answer, _ console: Console) throws {
            let body = (try? JSONSerialization.jsonObject(with: answer.body)) ?? String(decoding: answer.body, as: UTF8.self)
            let wrapped: [String: Any] = ["status": answer.status, "id": answer.id, "verified": answer.verified,
                                          "headers": Dictionary(answer.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a }),
                                          "body": body]
            console.outData(try JSONSerialization.data(withJSONObject: wrapped, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) + Data("\n".utf8))
        }

        func validate() throws {
            if let method, method.isEmpty || !method.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == UInt8(ascii: "-") }) {
                throw ValidationError("-X takes an HTTP method (GET, POST, PUT, PATCH, DELETE, ...), not '\(method)'")
            }
            guard timeout >= 0.1, timeout <= 86_400 else { throw ValidationError("--timeout is 0.1 to 86400 seconds") }
        }
    }


    struct Catalog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a provider's services (listMethods, or --allowed: allowedMethods).")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: "The provider subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM.", transform: MemberIdentity.init(parsing:))
        var providerSubsystem: MemberIdentity
        @Flag(help: "Only the services this client is granted.") var allowed = false
        @Option(help: ArgumentHelp("The provider's base URL.", valueName: "url")) var provider: String?
        @Option(help: "The purpose sent (default: service discovery).") var purpose = "service discovery"
        @Option(help: "The legal basis sent (default: X-Road metaservice).") var legalBasis = "X-Road metaservice"
        @Flag(help: "Plain HTTP to a loopback provider (tests only).") var insecureHttp = false

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let profile = try context.profile()
            let subsystem = providerSubsystem
            guard subsystem.subsystem != nil else {
                throw ValidationError("a provider is a subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM, not \(providerSubsystem)")
            }
            guard let base = provider ?? profile.endpoints[subsystem.description] ?? profile.endpoints["connect"] else {
                throw CoreError.invalidArgument("no provider address: give --provider URL, or set one with 'mgov profile set \(profile.name) endpoint.connect URL'")
            }
            if insecureHttp { try requireLoopback(base, flag: "--insecure-http") }
            let passwords = PasswordSource(passwordFile: password.passwordFile)
            let consumer = Consumer(client: profile.identity, tls: insecureHttp ? nil : try TLSIdentity.load(profile, passwords: passwords),
                                    anchors: try profile.trustPaths.flatMap { try Certificate.loadAll(path: $0) }, clock: context.clock,
                                    audit: try context.audit())
            let call = Consumer.Call(service: try ServiceID(provider: subsystem, code: allowed ? "allowedMethods" : "listMethods"),
                                     purpose: purpose, legalBasis: legalBasis)
            let answer = try await consumer.send(call, provider: base, verify: true)
            let list = (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["service"] as? [[String: Any]] ?? []
            if context.console.isJSON {
                // The list as every other --json command prints it: pretty, sorted keys.
                context.console.outData(try JSONSerialization.data(withJSONObject: ["service": list], options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) + Data("\n".utf8))
                return
            }
            for s in list { context.console.out("\(s["service_code"] as? String ?? "")\t\(s["service_type"] as? String ?? "")") }
        }
    }
}

/// `connect request --format`: how dataset rows are asked for (`Accept`), as the provider names them.
extension RowFormat: ExpressibleByArgument {}
