import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto

/// Options every command takes, shared through one `@OptionGroup`.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The mgov home folder (also MGOV_HOME).", valueName: "dir"), completion: .directory)
    var home: String?

    @Option(name: .long, help: ArgumentHelp("The profile to act as (also MGOV_PROFILE; else the store's default).", valueName: "name"))
    var profile: String?

    @Flag(name: .long, help: "Print one JSON document (or JSON lines for streams) on stdout.")
    var json = false

    @Flag(name: .long, help: "Print no progress or status messages on stderr (warnings still print).")
    var quiet = false

    @Flag(name: .long, help: "No colours in messages (also NO_COLOR).")
    var noColor = false

    func validate() throws {
        // `--home "$DIR"` with DIR unset would otherwise act on the user's own store.
        if let home, home.isEmpty { throw ValidationError("--home is empty (leave it out for MGOV_HOME or the default home)") }
    }

    /// A console for commands that must not open the store (offline checks).
    func storelessConsole() -> Console {
        Console(format: json ? .json : .human, quiet: quiet, noColor: noColor)
    }

    /// Builds the context handed to a command. `passwordFile` feeds key decryption.
    func makeContext(passwordFile: String? = nil) -> Context {
        let passwords = PasswordSource(passwordFile: passwordFile)
        return Context(
            home: MGovHome.resolve(explicit: home),
            profile: profile,
            json: json, quiet: quiet, noColor: noColor,
            migrations: Modules.migrations,
            credentialValidator: OpenSSLCredentialValidator(passwords: passwords) { [console = storelessConsole()] in console.warn($0) },
            auditSink: Modules.auditSink
        )
    }
}

/// Options for commands that may need a password (encrypted keys, PKCS#12).
struct PasswordOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the key password from this file (also MGOV_PASSWORD; a prompt only on a terminal).", valueName: "file"), completion: .file())
    var passwordFile: String?
}
