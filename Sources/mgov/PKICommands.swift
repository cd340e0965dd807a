import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto

struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Inspect certificates and PKCS#12 files (a test PKI is planned).",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarize a certificate file (PEM or DER, every certificate in it) or a PKCS#12 file.",
            discussion: """
                Prints subject, issuer, serial, validity, SHA-256 fingerprint, key algorithm, subject alternative \
                names and whether each certificate is a CA. A PKCS#12 file needs its password (--password-file, \
                MGOV_PASSWORD, or a prompt on a terminal). Opens no store.

                Exit codes: 0 shown; 2 unreadable, not a certificate or PKCS#12 file, or a wrong password.
                """
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: ArgumentHelp("The certificate or PKCS#12 file.", valueName: "file"))
        var file: String

        struct Summary: Encodable {
            let file: String
            let kind: String
            let key: String?
            let certificates: [CertificateSummary]
        }

        func run() async throws {
            let console = global.storelessConsole()
            let data = try FileSystem.read(file)
            let summary: Summary
            do {
                summary = Summary(file: file, kind: "certificates", key: nil, certificates: try Certificate.loadAll(data, path: file).map(\.summary))
            } catch CryptoError.notACertificate {
                try PKCS12Bundle.validateStructure(data, path: file)
                let passwords = PasswordSource(passwordFile: password.passwordFile)
                let bundle = try PKCS12Bundle.load(data, path: file) { try passwords.password(for: file) }
                summary = Summary(file: file, kind: "pkcs12", key: bundle.key.algorithm.description,
                                  certificates: ([bundle.certificate] + bundle.chain).map(\.summary))
            }
            if console.isJSON { try console.json(summary); return }
            if let key = summary.key { console.out("private key: \(key)") }
            for (index, c) in summary.certificates.enumerated() {
                if index > 0 { console.out("") }
                console.out("subject:     \(c.subject)")
                console.out("issuer:      \(c.issuer)")
                console.out("serial:      \(c.serial)")
                console.out("valid:       \(Timestamp.formatSeconds(c.notBefore)) to \(Timestamp.formatSeconds(c.notAfter))")
                console.out("sha256:      \(c.sha256Fingerprint)")
                console.out("key:         \(c.keyAlgorithm)\(c.isCA ? " (CA)" : "")")
                if !c.uris.isEmpty { console.out("uris:        \(c.uris.joined(separator: ", "))") }
                if !c.dnsNames.isEmpty { console.out("dns:         \(c.dnsNames.joined(separator: ", "))") }
            }
        }
    }
}
