import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto

struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "A local test PKI: make a CA, issue certificates for member identities, inspect files.",
        subcommands: [InitCA.self, Issue.self, Show.self]
    )

    struct InitCA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init-ca",
            abstract: "Create a root CA in DIR: ca.key (0600) and ca.crt.",
            discussion: "EC P-256 by default. Refuses a DIR that already holds a CA.\n\nExit codes: 0 created; 2 bad input or DIR holds a CA."
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: ArgumentHelp("The CA's folder (created 0700).", valueName: "dir"), completion: .directory)
        var dir: String
        @Option(help: ArgumentHelp("The CA's name (its certificate's CN).", valueName: "name"))
        var name: String
        @Option(parsing: .unconditional, help: ArgumentHelp("An RSA key of this many bits instead of EC P-256.", valueName: "bits"))
        var rsa: Int?
        @Option(parsing: .unconditional, help: "Days the CA certificate is valid.")
        var days = 3650

        func run() async throws {
            let console = global.storelessConsole()
            try checkValidity(days: days)
            try checkRSA(rsa)
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.utf8.count <= 64, !name.contains(where: { $0.isNewline }) else {
                throw ValidationError("--name is the CA's common name: 1 to 64 bytes on one line")
            }
            try FileSystem.makeOwnerOnlyDirectory(dir, existing: .leave)
            let keyPath = dir + "/ca.key", certPath = dir + "/ca.crt"
            if FileManager.default.fileExists(atPath: keyPath) { throw CoreError.invalidArgument("\(dir) already holds a CA (ca.key); pick another folder") }
            let key = try KeyGeneration.generate(rsa.map { .rsa(bits: $0) } ?? .ecP256)
            var request = CertificateRequest(commonName: name)
            request.isCA = true
            request.days = days
            let certificate = try CertificateIssuer.issue(request, subjectKey: key, issuerKey: key, issuer: nil)
            try FileSystem.writeAtomically(try key.pkcs8PEM(), to: keyPath, mode: 0o600)
            try FileSystem.writeAtomically(Data(certificate.pem.utf8), to: certPath)
            if console.isJSON { try console.json(["key": keyPath, "certificate": certPath]) } else {
                console.out("created CA \(certificate.subject) in \(dir) (ca.key, ca.crt)")
            }
        }
    }

    enum Usage: String, ExpressibleByArgument, CaseIterable {
        case sign, tls, both
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a certificate for a member identity from the CA in DIR.",
            discussion: """
                Writes NAME.key (0600), NAME.crt, NAME.chain.pem (certificate then CA) and, with --pkcs12, \
                NAME.p12 (0600; password from --password-file, MGOV_PASSWORD or a prompt). The subject carries \
                the identity (O and serialNumber), and a SAN URI urn:xroad:IDENTITY binds it to the certificate.

                NAME is at most 64 characters (the CN's bound), and not 'ca' (the CA's own files); the identity \
                too is at most 64.

                Exit codes: 0 issued; 2 bad input, no CA in DIR, or NAME already issued; 64 a NAME, identity, \
                --dns, --ip, --days or --rsa that is not allowed.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: ArgumentHelp("The CA's folder.", valueName: "dir"), completion: .directory)
        var dir: String
        @Argument(help: ArgumentHelp("The certificate's name (its CN and file names).", valueName: "name"))
        var name: String
        @Option(help: ArgumentHelp("The member identity INSTANCE/CLASS/MEMBER[/SUBSYSTEM].", valueName: "id"), transform: MemberIdentity.init(parsing:))
        var identity: MemberIdentity
        @Option(help: ArgumentHelp("A DNS name (repeatable).", valueName: "name"))
        var dns: [String] = []
        @Option(help: ArgumentHelp("An IP address (repeatable).", valueName: "address"))
        var ip: [String] = []
        @Option(help: "sign, tls or both.")
        var usage: Usage = .both
        @Option(parsing: .unconditional, help: ArgumentHelp("An RSA key of this many bits instead of EC P-256.", valueName: "bits"))
        var rsa: Int?
        @Option(parsing: .unconditional, help: "Days the certificate is valid.")
        var days = 365
        @Flag(help: "Also write NAME.p12 with the key, certificate and CA.")
        var pkcs12 = false

        static func isIPAddress(_ text: String) -> Bool {
            var v4 = in_addr(), v6 = in6_addr()
            return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
        }

        func run() async throws {
            let console = global.storelessConsole()
            try checkValidity(days: days)
            try checkRSA(rsa)
            let member = identity
            guard name.range(of: #"^[A-Za-z0-9._-]+\z"#, options: .regularExpression) != nil else {
                throw ValidationError("the name '\(name)' must be letters, digits, '.', '_' or '-' (it names the files)")
            }
            // X.509 bounds a common name at 64 characters (OpenSSL leaves a longer one out, silently).
            guard name.utf8.count <= 64 else { throw ValidationError("the name is the certificate's common name: at most 64 characters, not \(name.utf8.count)") }
            guard name != "ca" else { throw ValidationError("'ca' names the CA's own files in \(dir): choose another name") }
            // The subject carries the identity too (O and serialNumber), each bounded at 64 characters.
            guard member.description.utf8.count <= 64 else {
                throw ValidationError("the identity \(member) is \(member.description.utf8.count) characters: a certificate's subject holds at most 64 (its serialNumber)")
            }
            for address in ip where !Self.isIPAddress(address) {
                throw ValidationError("'\(address)' is not an IP address (IPv4 like 127.0.0.1, or IPv6 like ::1)")
            }
            for host in dns where host.range(of: #"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z"#, options: .regularExpression) == nil || host.count > 253 {
                throw ValidationError("'\(host)' is not a DNS name (letters, digits and '-' between dots; '*.' first for a wildcard)")
            }
            let caKeyPath = dir + "/ca.key", caCertPath = dir + "/ca.crt"
            guard FileManager.default.fileExists(atPath: caKeyPath) else { throw CoreError.invalidArgument("\(dir) holds no CA (run mgov pki init-ca \(dir) --name ...)") }
            let base = FileSystem.join(dir, name)
            if FileManager.default.fileExists(atPath: base + ".key") { throw CoreError.invalidArgument("\(name) was already issued in \(dir)") }
            let passwords = PasswordSource(passwordFile: password.passwordFile)
            let caKey = try PrivateKey.load(path: caKeyPath) { try passwords.password(for: caKeyPath) }
            guard let caCertificate = try Certificate.loadAll(path: caCertPath).first else { throw CoreError.invalidArgument("\(caCertPath) holds no certificate") }
            // A certificate from a CA past its time would never verify; one that outlives its CA stops verifying with it.
            let now = Date()
            guard caCertificate.notAfter > now else {
                throw CoreError.invalidArgument("the CA in \(dir) expired at \(Timestamp.format(caCertificate.notAfter)): what it issues would not verify (make a new one with mgov pki init-ca)")
            }
            if now.addingTimeInterval(Double(days) * 86_400) > caCertificate.notAfter {
                console.warn("\(name) is valid for \(days) days, past its CA's expiry (\(Timestamp.format(caCertificate.notAfter))): it stops verifying then")
            }
            // Asked before anything is written: without it, a retry found the half-issued files.
            let pkcs12Password = pkcs12 ? try passwords.password(for: base + ".p12") : nil
            let key = try KeyGeneration.generate(rsa.map { .rsa(bits: $0) } ?? .ecP256)
            var request = CertificateRequest(commonName: name)
            request.organization = "\(member.instance)/\(member.memberClass)/\(member.memberCode)"
            request.serialNumberAttribute = member.description
            request.days = days
            request.uris = ["urn:xroad:\(member.description)"]
            request.dnsNames = dns
            request.ipAddresses = ip
            // keyEncipherment is for RSA keys (TLS key transport); an EC key only signs.
            let encipherment = rsa == nil ? "" : ",keyEncipherment"
            switch usage {
            case .sign: request.keyUsage = "critical,digitalSignature,nonRepudiation"
            case .tls:
                request.keyUsage = "critical,digitalSignature" + encipherment
                request.extendedKeyUsage = "serverAuth,clientAuth"
            case .both:
                request.keyUsage = "critical,digitalSignature,nonRepudiation" + encipherment
                // emailProtection: `openssl cms -verify` checks the S/MIME signing purpose when an EKU is present.
                request.extendedKeyUsage = "serverAuth,clientAuth,emailProtection"
            }
            let certificate = try CertificateIssuer.issue(request, subjectKey: key, issuerKey: caKey, issuer: caCertificate)
            try FileSystem.writeAtomically(try key.pkcs8PEM(), to: base + ".key", mode: 0o600)
            try FileSystem.writeAtomically(Data(certificate.pem.utf8), to: base + ".crt")
            try FileSystem.writeAtomically(Data((certificate.pem + caCertificate.pem).utf8), to: base + ".chain.pem")
            var files = [base + ".key", base + ".crt", base + ".chain.pem"]
            if let secret = pkcs12Password {
                let bundle = try CertificateIssuer.pkcs12(key: key, certificate: certificate, chain: [caCertificate], password: secret, name: name)
                try FileSystem.writeAtomically(bundle, to: base + ".p12", mode: 0o600)
                files.append(base + ".p12")
            }
            struct Issued: Encodable { let subject: String; let serial: String; let files: [String] }
            if console.isJSON { try console.json(Issued(subject: certificate.subject, serial: certificate.serialHex, files: files)) } else {
                console.out("issued \(certificate.subject) (serial \(certificate.serialHex)): \(files.joined(separator: ", "))")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarize a certificate file (PEM or DER, every certificate in it) or a PKCS#12 file.",
            discussion: """
                Prints subject, issuer, serial, validity (marked expired or not yet valid), SHA-256 fingerprint, key algorithm, subject alternative \
                names and whether each certificate is a CA. A PKCS#12 file needs its password (--password-file, \
                MGOV_PASSWORD, or a prompt on a terminal). Opens no store.

                Exit codes: 0 shown; 2 unreadable, not a certificate or PKCS#12 file, or a wrong password.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: ArgumentHelp("The certificate or PKCS#12 file.", valueName: "file"), completion: .file())
        var file: String

        struct Summary: Encodable {
            let file: String
            let kind: String
            let key: String?
            let certificates: [Shown]
        }

        /// A certificate's summary and whether it is valid now: `validity` is `valid`, `expired` or
        /// `not_yet_valid` (an expired certificate looked like any other).
        struct Shown: Encodable {
            let certificate: CertificateSummary
            let validity: String

            init(_ certificate: CertificateSummary, at now: Date) {
                self.certificate = certificate
                validity = now > certificate.notAfter ? "expired" : now < certificate.notBefore ? "not_yet_valid" : "valid"
            }

            enum CodingKeys: String, CodingKey { case validity }

            func encode(to encoder: any Encoder) throws {
                try certificate.encode(to: encoder)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(validity, forKey: .validity)
            }
        }

        func run() async throws {
            let console = global.storelessConsole()
            let data = try FileSystem.read(file)
            guard !data.isEmpty else { throw CoreError.invalidArgument("\(file) is empty (pki show reads certificates and PKCS#12 files)") }
            let now = Date()
            func shown(_ certificates: [Certificate]) -> [Shown] { certificates.map { Shown($0.summary, at: now) } }
            let summary: Summary
            do {
                summary = Summary(file: file, kind: "certificates", key: nil, certificates: shown(try Certificate.loadAll(data, path: file)))
            } catch CryptoError.notACertificate {
                // A PEM key is the usual mistake: say what it is rather than "not a PKCS#12 file".
                if String(decoding: data.prefix(4096), as: UTF8.self).contains("PRIVATE KEY-----") {
                    throw CoreError.invalidArgument("\(file) holds a private key, not a certificate or PKCS#12 file (pki show reads those)")
                }
                try PKCS12Bundle.validateStructure(data, path: file)
                let passwords = PasswordSource(passwordFile: password.passwordFile)
                let bundle = try PKCS12Bundle.load(data, path: file) { try passwords.password(for: file) }
                summary = Summary(file: file, kind: "pkcs12", key: bundle.key.algorithm.description,
                                  certificates: shown([bundle.certificate] + bundle.chain))
            }
            if console.isJSON { try console.json(summary); return }
            if let key = summary.key { console.out("private key: \(key)") }
            for (index, shown) in summary.certificates.enumerated() {
                let c = shown.certificate
                if index > 0 { console.out("") }
                console.out("subject:     \(c.subject)")
                console.out("issuer:      \(c.issuer)")
                console.out("serial:      \(c.serial)")
                let status = ["expired": " (expired)", "not_yet_valid": " (not yet valid)"][shown.validity] ?? ""
                console.out("valid:       \(Timestamp.formatSeconds(c.notBefore)) to \(Timestamp.formatSeconds(c.notAfter))\(status)")
                console.out("sha256:      \(c.sha256Fingerprint)")
                console.out("key:         \(c.keyAlgorithm)\(c.isCA ? " (CA)" : "")")
                if !c.uris.isEmpty { console.out("uris:        \(c.uris.joined(separator: ", "))") }
                if !c.dnsNames.isEmpty { console.out("dns:         \(c.dnsNames.joined(separator: ", "))") }
                if !c.ipAddresses.isEmpty { console.out("ip:          \(c.ipAddresses.joined(separator: ", "))") }
            }
        }
    }
}

/// A certificate's validity: at least a day, at most a hundred years (beyond the year 9999 its
/// notAfter could not be encoded, and the certificate written was unreadable).
func checkValidity(days: Int) throws {
    guard (1...36_500).contains(days) else { throw ValidationError("--days must be from 1 to 36500 (100 years); \(days) is not") }
}

/// --rsa's bits, checked before anything is written (OpenSSL would take hours over a huge key).
func checkRSA(_ bits: Int?) throws {
    guard let bits else { return }
    guard (2048...16_384).contains(bits) else { throw ValidationError("--rsa takes 2048 to 16384 bits; \(bits) is not") }
}
