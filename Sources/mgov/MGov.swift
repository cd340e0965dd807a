import ArgumentParser
import Foundation
import MGovCore

@main
struct MGov: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mgov",
        abstract: "Government data exchange from the command line: profiles, signatures, audit log, exchange, notifications, documents, deliveries.",
        discussion: """
            Every command reads its store from --home (or MGOV_HOME, else $XDG_DATA_HOME/mgov, else ~/.local/share/mgov) \
            and acts as the profile chosen by --profile, MGOV_PROFILE or the store's default.

            Exit codes: 0 success; 1 the operation ran and said no (invalid signature, access denied, untrusted chain); \
            2 bad input or a runtime error; 64 a usage error. 'mgov --version' prints the version.
            """,
        subcommands: [ProfileCommand.self, SignCommand.self, ConnectCommand.self, LogCommand.self, DocsCommand.self, DeliverCommand.self, NotifyCommand.self, PKICommand.self]
    )

    /// Runs the command and maps every error to an exit code, in one place.
    static func main() async {
        // `mgov --version`, answered here: argument-parser's `version:` put a second "--version" in
        // every subcommand's help (beside `docs get --version N`), and a root flag would be taken
        // wherever it appears (its parser reads the whole line), `docs get ID --version 2` included.
        if CommandLine.arguments.dropFirst() == ["--version"] {
            print(MGovVersion.string)
            return
        }
        refuseHelpForUnknownCommands()
        refuseClustersWithHelp()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            reportUsage(error)
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch {
            guard let status = report(error) else {
                reportUsage(error)
                exit(withError: error)
            }
            Foundation.exit(status.rawValue)
        }
    }

    /// `-dash` (a long option typed with one dash): argument-parser reads it as -d -a -s -h, prints
    /// the help and exits 0, so a script went on as if the command had run. mgov has no one-letter
    /// flags that combine with -h, so such a cluster is a usage error.
    static func refuseClustersWithHelp() {
        for word in CommandLine.arguments.dropFirst() {
            if word == "--" { return }
            guard word.count > 2, word.hasPrefix("-"), !word.hasPrefix("--"),
                  word.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), word.contains("h") else { continue }
            Console(format: .human, quiet: false, noColor: false)
                .error("unknown option '\(word)' (one dash takes one letter, as -h or -o FILE; long options take two dashes)")
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }

    /// `mgov help WORD...` for a command that does not exist: a usage error (argument-parser printed
    /// the root's help and exited 0, so a script could not tell).
    static func refuseHelpForUnknownCommands() {
        let words = CommandLine.arguments.dropFirst()
        guard words.first == "help" else { return }
        var type: ParsableCommand.Type = MGov.self
        var path = ["mgov"]
        for word in words.dropFirst() where !word.hasPrefix("-") {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == word }) else {
                Console(format: .human, quiet: false, noColor: false).error("'\(path.joined(separator: " "))' has no command '\(word)' (see '\(path.joined(separator: " ")) --help')")
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            path.append(word)
            type = sub
        }
    }

    /// A usage error as one line, like every other error (`mgov: <message> (see 'mgov … --help')`),
    /// naming the subcommand the words before the first option give; argument-parser printed its
    /// message, then the usage of whichever command threw it (the root's, for a check in `run`).
    /// Returns for anything else (help, exit codes), which argument-parser prints itself.
    static func reportUsage(_ error: Error) {
        guard exitCode(for: error) == .validationFailure else { return }
        var type: ParsableCommand.Type = MGov.self
        var path = ["mgov"]
        for word in CommandLine.arguments.dropFirst() {
            guard !word.hasPrefix("-"), let sub = type.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            path.append(word)
            type = sub
        }
        // argument-parser runs a command's validate() before it reports an unknown option, so a
        // misspelt option whose value became a stray argument was reported as that check's failure
        // ("--content takes one signature file" for `--trust FILE`): the misspelling comes first.
        let message = unknownOption(in: Array(CommandLine.arguments.dropFirst(path.count)), of: type) ?? oneLine(self.message(for: error))
        Console(format: .human, quiet: false, noColor: false).error("\(message) (see '\(path.joined(separator: " ")) --help')")
        Foundation.exit(ExitStatus.usage.rawValue)
    }

    /// "Unknown option '--x'" for the first long option in `words` that `type`'s help does not name
    /// (with the nearest one it names: sharing a prefix, else within two edits); nil when every one
    /// is known.
    static func unknownOption(in words: [String], of type: ParsableCommand.Type) -> String? {
        let help = type.helpMessage(columns: 10_000)
        let known = Set(help.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }).filter { $0.hasPrefix("--") }.map(String.init))
        for word in words.prefix(while: { $0 != "--" }) where word.hasPrefix("--") && word.count > 2 {
            let name = String(word.prefix { $0 != "=" })
            guard !known.contains(name) else { continue }
            let near = known.sorted().first { $0.count > 3 && (name.hasPrefix($0) || $0.hasPrefix(name)) }
                ?? known.sorted().first { editDistance($0, name) <= 2 }
            return "Unknown option '\(name)'" + (near.map { ". Did you mean '\($0)'?" } ?? "")
        }
        return nil
    }

    /// Levenshtein distance: insertions, deletions and substitutions that turn `a` into `b`.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// argument-parser's message on one line: its lines joined with "; ", and a list of choices
    /// ("one of the following:" then "- A", "- B" lines) as "one of the following: A, B".
    static func oneLine(_ message: String) -> String {
        // "Value to be set with flag '--detached' had already been set with flag '--enveloping'":
        // two flags of one choice, said as such.
        if let match = message.firstMatch(of: #/Value to be set with flag '(--[\w-]+)' had already been set with flag '(--[\w-]+)'/#) {
            return "\(match.2) and \(match.1) exclude each other: give one"
        }
        var parts: [String] = []
        for line in message.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            if line.hasPrefix("- "), let last = parts.last {
                parts[parts.count - 1] = last + (last.hasSuffix(":") ? " " : ", ") + line.dropFirst(2)
            } else {
                parts.append(line)
            }
        }
        return parts.joined(separator: "; ")
    }

    /// Prints `mgov: <message>` for an error and says which exit code it means;
    /// nil for argument-parser's own errors (usage, help), which it prints itself.
    static func report(_ error: Error) -> ExitStatus? {
        let console = Console(format: .human, quiet: false, noColor: false)
        switch error {
        case let error as UserFacingError:
            console.error(error.description)
            return error.exitStatus
        case is ExitCode, is ValidationError, is CleanExit:
            return nil
        default:
            if let described = ErrorDescriptions.describe(error) {
                console.error(described.message)
                return described.status
            }
            // argument-parser's own errors map to their codes (64, 0); anything
            // else unknown is a runtime error.
            if exitCode(for: error) != .failure { return nil }
            console.error(String(describing: error))
            return .failure
        }
    }
}
