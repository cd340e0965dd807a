import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto

struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Manage named profiles: identity, keys, trust anchors and endpoints.",
        discussion: """
            A profile names the institution identity mgov acts as (INSTANCE/CLASS/MEMBER[/SUBSYSTEM]) \
            and the files that hold its key, certificate, PKCS#12 bundle and trust anchors. \
            Profiles store file paths, never key material. The first profile created becomes the default.

            Selection order: --profile, then MGOV_PROFILE, then the store's default.
            """,
        subcommands: [Create.self, List.self, Show.self, Use.self, Set.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a profile after checking every file it names.",
            discussion: "Exit codes: 0 created; 2 invalid identity, unreadable or wrong-type file, or the name is taken."
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions

        @Argument(help: "The profile name (letters, digits, '.', '_', '-').")
        var name: String

        @Option(help: ArgumentHelp("Institution identity, e.g. MD/GOV/1003600123456/SUBSYS.", valueName: "id"), transform: MemberIdentity.init(parsing:))
        var identity: MemberIdentity

        @Option(help: ArgumentHelp("Private key file (PEM or DER; PKCS#8 may be encrypted).", valueName: "file"), completion: .file())
        var key: String?

        @Option(help: ArgumentHelp("Certificate file; may hold the chain after the signer.", valueName: "file"), completion: .file())
        var cert: String?

        @Option(help: ArgumentHelp("PKCS#12 file with key and certificate.", valueName: "file"), completion: .file())
        var pkcs12: String?

        @Option(help: ArgumentHelp("Trust anchor certificates (repeatable).", valueName: "file"), completion: .file())
        var trust: [String] = []

        @Option(help: ArgumentHelp("A named endpoint, NAME=URL (repeatable).", valueName: "name=url"))
        var endpoint: [String] = []

        @Flag(help: "Make this the default profile.")
        var `default` = false

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            // A key or certificate beside a PKCS#12 would be stored and then ignored (the bundle's are used).
            if pkcs12 != nil, key != nil || cert != nil {
                throw ValidationError("--pkcs12 holds the key and the certificate: give it alone, or --key and --cert")
            }
            var endpoints: [String: String] = [:]
            for text in endpoint {
                let (n, url) = try ProfileManager.parseEndpoint(text)
                guard endpoints[n] == nil else { throw ValidationError("the endpoint \(n) is given twice") }
                endpoints[n] = url
            }
            let draft = Profile(name: name, identity: identity, keyPath: key,
                                certificatePath: cert, pkcs12Path: pkcs12, trustPaths: trust, endpoints: endpoints)
            let created = try context.profiles().create(draft, makeDefault: `default`)
            let console = context.console
            for warning in ProfileCommand.warnings(created, now: context.clock.now()) { console.warn(warning) }
            if console.isJSON { try console.json(created) } else {
                console.out("created profile \(created.name) (\(created.identity))\(created.isDefault ? ", the default" : "")")
            }
        }
    }

    /// What is odd about a profile's certificate without making it unusable: another identity in
    /// its urn:xroad: SAN URI (a provider refuses the profile's X-Road-Client), or a validity period
    /// that does not hold now.
    /// What is odd about a profile as created or changed: its certificate (see below) and trust
    /// anchors that have expired (nothing chaining to them verifies).
    static func warnings(_ profile: Profile, now: Date) -> [String] {
        var warnings: [String] = []
        if let path = profile.certificatePath, let certificate = try? Certificate.loadAll(path: path).first {
            warnings += certificateWarnings(certificate, identity: profile.identity.description, now: now)
        }
        for path in profile.trustPaths {
            for anchor in (try? Certificate.loadAll(path: path)) ?? [] where anchor.notAfter < now {
                warnings.append("the trust anchor \(anchor.subject) in \(path) expired on \(Timestamp.formatSeconds(anchor.notAfter)): nothing that chains to it verifies")
            }
        }
        return warnings
    }

    static func certificateWarnings(_ certificate: Certificate, identity: String, now: Date) -> [String] {
        var warnings: [String] = []
        let named = certificate.xroadIdentities
        if !named.isEmpty, !named.contains(identity) {
            warnings.append("the certificate names \(named.joined(separator: ", ")), not \(identity): a provider refuses that X-Road-Client")
        }
        if certificate.notAfter < now { warnings.append("the certificate expired on \(Timestamp.formatSeconds(certificate.notAfter))") }
        if certificate.notBefore > now { warnings.append("the certificate is not valid before \(Timestamp.formatSeconds(certificate.notBefore))") }
        return warnings
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List profiles.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let context = global.makeContext()
            let profiles = try context.profiles().list()
            let console = context.console
            if console.isJSON { try console.json(profiles); return }
            if profiles.isEmpty {
                console.info("no profiles yet: create one with 'mgov profile create NAME --identity INSTANCE/CLASS/MEMBER/SUBSYSTEM'")
                return
            }
            console.out(formatTable(["", "NAME", "IDENTITY", "CREDENTIALS"], profiles.map { p in
                var credentials: [String] = []
                if p.keyPath != nil { credentials.append("key") }
                if p.certificatePath != nil { credentials.append("cert") }
                if p.pkcs12Path != nil { credentials.append("pkcs12") }
                if !p.trustPaths.isEmpty { credentials.append("trust(\(p.trustPaths.count))") }
                return [p.isDefault ? "*" : "", p.name, p.identity.description, credentials.isEmpty ? "-" : credentials.joined(separator: ",")]
            }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one profile (the selected one when no name is given).")
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The profile name.")
        var name: String?

        func run() async throws {
            let context = global.makeContext()
            let profile = try name.map { try context.profiles().get($0) } ?? context.profile()
            let console = context.console
            if console.isJSON { try console.json(profile); return }
            var lines = [
                "name:      \(profile.name)\(profile.isDefault ? " (default)" : "")",
                "identity:  \(profile.identity)",
                "key:       \(profile.keyPath ?? "-")",
                "cert:      \(profile.certificatePath ?? "-")",
                "pkcs12:    \(profile.pkcs12Path ?? "-")",
                "trust:     \(profile.trustPaths.isEmpty ? "-" : profile.trustPaths.joined(separator: ", "))",
                "output:    \(profile.output?.rawValue ?? "human")",
            ]
            if profile.endpoints.isEmpty {
                lines.append("endpoints: -")
            } else {
                lines.append("endpoints:")
                for (n, url) in profile.endpoints.sorted(by: { $0.key < $1.key }) { lines.append("  \(n) = \(url)") }
            }
            console.out(lines.joined(separator: "\n"))
        }
    }

    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a profile the store's default.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The profile name.")
        var name: String

        func run() async throws {
            let context = global.makeContext()
            try context.profiles().use(name)
            let console = context.console
            if console.isJSON { try console.json(["default": name]) } else { console.out("default profile is now \(name)") }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change one setting of a profile.",
            discussion: """
                Keys: identity, key, cert, pkcs12 (replaces key and cert), trust (comma-separated files; replaces \
                the list), endpoint.NAME (a URL), output (human or json). An empty VALUE clears an optional setting.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions

        @Argument(help: "The profile name.")
        var name: String

        @Argument(help: "The setting: identity, key, cert, pkcs12, trust, endpoint.NAME, output.")
        var key: String

        @Argument(help: "The new value ('' clears it).")
        var value: String

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let before = try context.profiles().get(name)
            let profile = try context.profiles().set(name, key: key, value: value)
            let console = context.console
            if key == "pkcs12", !value.isEmpty, before.keyPath != nil || before.certificatePath != nil {
                console.info("\(name): key and cert cleared (the PKCS#12 file holds both)")
            }
            if ["identity", "cert", "trust"].contains(key) {
                for warning in ProfileCommand.warnings(profile, now: context.clock.now()) { console.warn(warning) }
            }
            if console.isJSON { try console.json(profile) } else { console.out("\(name): \(key) = \(value.isEmpty ? "(cleared)" : value)") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a profile (the default one only with --force).",
            discussion: "Key and certificate files are left where they are. Exit codes: 0 deleted; 1 refused (the default profile without --force); 2 no such profile."
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The profile name.")
        var name: String

        @Flag(help: "Delete even the default profile.")
        var force = false

        func run() async throws {
            let context = global.makeContext()
            try context.profiles().delete(name, force: force)
            let console = context.console
            if console.isJSON { try console.json(["deleted": name]) } else { console.out("deleted profile \(name)") }
        }
    }
}
