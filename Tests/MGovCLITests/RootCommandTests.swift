import Foundation
import MGovTestSupport
import Testing

@Suite struct RootCommandTests {
    @Test func versionPrintsTheVersionAndTouchesNoStore() throws {
        let env = try CLIEnvironment()
        let result = try env.mgov("--version")
        #expect(result.status == 0)
        #expect(result.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        #expect(!env.homeExists)
        // Only the root has --version: docs get's own --version N was listed beside a second one.
        let help = try env.mgov("docs", "get", "--help").stdout
        #expect(help.components(separatedBy: "--version").count == 3 && !help.contains("Show the version"), "\(help)")
    }

    @Test(arguments: [["--help"], ["profile", "--help"], ["--experimental-dump-help"], ["help", "profile"]])
    func helpTouchesNoStore(_ arguments: [String]) throws {
        let env = try CLIEnvironment()
        let result = try env.mgov.run(arguments)
        #expect(result.status == 0)
        #expect(!result.stdout.isEmpty)
        #expect(!env.homeExists)
    }

    @Test func aStdoutThatCannotBeWrittenIsOneLineAndExit2() throws {
        let env = try CLIEnvironment()
        #expect(try env.mgov("log", "append", "--type", "Test.Output.Written").status == 0)
        // A full disk, and a closed pipe with SIGPIPE ignored (as systemd and some launchers run commands).
        var scripts = [#"trap '' PIPE; "$0" log export | true; exit ${PIPESTATUS[0]}"#]
        if FileManager.default.fileExists(atPath: "/dev/full") { scripts.append(#"exec "$0" log export > /dev/full"#) }
        for script in scripts {
            let result = try TestProcess.run("/bin/bash", ["-c", script, MGovRunner.executable], environment: env.mgov.environment)
            #expect(result.status == 2, "\(script): exit \(result.status), stderr: \(result.stderr)")
            #expect(result.stderr.hasPrefix("mgov: cannot write to stdout: ") && !result.stderr.contains("Fatal error"), "\(result.stderr)")
        }
    }

    @Test func hugeNumbersAreRefusedInWordsNotCrashedOn() throws {
        let env = try CLIEnvironment()
        try env.mgov("log", "query", "--page", "922337203685477581").expectOneLineError(64, containing: "--page is from 1 to 1000000000")
        for stale in ["9999999999999999h", "1e300h", "99999999999999999999s", "infh"] {
            try env.mgov("deliver", "list", "--stale", stale).expectOneLineError(64, containing: "is not a duration")
        }
        try env.mgov("notify", "list", "--limit", "-5").expectOneLineError(64, containing: "--limit is from 1 to 100000")
        for bits in ["4294967297", "9223372036854775807", "100000"] {
            try env.mgov("pki", "init-ca", env.dir.file("work/ca"), "--name", "X", "--rsa", bits).expectOneLineError(64, containing: "--rsa takes 2048 to 16384 bits")
            #expect(!FileManager.default.fileExists(atPath: env.dir.file("work/ca")), "nothing is left behind")
        }
    }

    @Test func helpListsTheGroups() throws {
        let env = try CLIEnvironment()
        let result = try env.mgov("--help")
        #expect(result.stdout.contains("profile"))
    }

    @Test func usageErrorsExit64() throws {
        let env = try CLIEnvironment()
        #expect(try env.mgov("no-such-command").status == 64)
        try env.mgov("help", "no-such-command").expectOneLineError(64, containing: "'mgov' has no command 'no-such-command'")
        try env.mgov("help", "log", "nosuch").expectOneLineError(64, containing: "'mgov log' has no command 'nosuch'")
        // A long option typed with one dash reads as a cluster with -h: help and exit 0, unless refused.
        try env.mgov("profile", "create", "x", "-dash", "--identity", "MD/GOV/1/X").expectOneLineError(64, containing: "unknown option '-dash'")
        try env.mgov("log", "show", "-h5").expectOneLineError(64, containing: "unknown option '-h5'")
        try env.mgov("sign", "xml", "a.xml", "--enveloping", "--detached").expectOneLineError(64, containing: "--enveloping and --detached exclude each other")
        #expect(!env.homeExists)
        // --identity missing: one line, like every error, naming the command's help.
        try env.mgov("profile", "create", "x").expectOneLineError(64, containing: "(see 'mgov profile create --help')")
        // A check made while running says which command it was, not the root's usage.
        try env.mgov("log", "query", "--page-size", "0").expectOneLineError(64, containing: "--page-size is from 1 to 10000 (see 'mgov log query --help')")
        // A misspelt option whose value became a stray argument is named, not the check the stray broke.
        try env.mgov("sign", "verify", "doc.p7s", "--content", "doc.txt", "--trust", "ca.crt")
            .expectOneLineError(64, containing: "Unknown option '--trust'. Did you mean '--trusted'? (see 'mgov sign verify --help')")
        try env.mgov("log", "query", "--bogus", "x", "--page", "0").expectOneLineError(64, containing: "Unknown option '--bogus' (see")
        try env.mgov("pki", "issue", "ca", "n", "--identty", "MD/GOV/1/X").expectOneLineError(64, containing: "Unknown option '--identty'. Did you mean '--identity'?")
        // A list of choices reads as a list on its one line.
        try env.mgov("notify", "list", "--status", "Bogus")
            .expectOneLineError(64, containing: "Please provide one of the following: Pending, Sending, Retrying, Sent, Delivered, Failed, Cancelled (see")
        // An empty --home (a script's unset variable) never falls back to another store.
        let empty = try env.mgov("profile", "list", "--home", "")
        #expect(empty.status == 64 && empty.stderr.contains("--home is empty"), "\(empty.stderr)")
        #expect(!env.homeExists)
    }

    /// A value that does not parse (a time, an address, an identity, a principal) is the command line's
    /// fault, as a mistyped number is: 64, and nothing is opened, made or written first.
    @Test(arguments: [
        (["log", "query", "--from", "yesterday"], "'yesterday' is not a time"),
        (["log", "query", "--to", "2026-02-30"], "'2026-02-30' is not a time"),
        (["log", "query", "--filter", "nonsense"], "the filter 'nonsense' is not of the form FIELD=VALUE"),
        (["sign", "verify", "x.xml", "--at", "noon"], "'noon' is not a time"),
        (["connect", "grant", "MD/GOV/1/S", "--service", "s", "--legal-basis", "b", "--expires", "never"], "'never' is not a time"),
        (["connect", "grant", "MD/GOV", "--service", "s", "--legal-basis", "b"], "not a valid member identity"),
        (["connect", "revoke", "MD GOV 1 S", "--service", "s"], "not a valid member identity"),
        (["connect", "catalog", "MD/GOV"], "not a valid member identity"),
        (["connect", "serve", "--listen", "nohost"], "'nohost' is not an address to listen on"),
        (["docs", "serve", "--listen", "127.0.0.1:99999"], "is not an address to listen on"),
        (["deliver", "serve", "--listen", ":8445"], "is not an address to listen on"),
        (["deliver", "create", "--recipient", "idnp:2000000000001", "--name", "N", "--accepted-until", "soon"], "'soon' is not a time"),
        (["docs", "share", "D1", "--for", "urn:public", "--to", "tomorrow"], "'tomorrow' is not a time"),
        (["docs", "list", "--owner", "alice"], "not a principal"),
        (["docs", "hold", "D1", "--reason", "r", "--as", "bob"], "not a principal"),
        (["notify", "send", "t", "--channel", "c", "--to", "email:a@b.md", "--deadline", "soon"], "--deadline soon"),
        (["pki", "issue", "ca", "x", "--identity", "MD/GOV/1/X", "--dns", "bad dns!"], "not a DNS name"),
    ])
    func aValueThatDoesNotParseIsAUsageError(_ arguments: [String], _ message: String) throws {
        let env = try CLIEnvironment()
        try env.mgov.run(arguments).expectOneLineError(64, containing: message)
        #expect(!env.homeExists, "a usage error opens no store")
    }
}
