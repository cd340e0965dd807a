import Foundation
import MGovTestSupport
import Testing

@Suite struct ProfileCommandTests {
    @Test func lifecycleWithJSON() throws {
        let env = try CLIEnvironment()
        let ca = try TestPKI.makeCA(in: env.dir)
        let leaf = try TestPKI.makeLeaf(in: env.dir, name: "agency", ca: ca)
        let created = try env.mgov("profile", "create", "agency", "--identity", "MD/GOV/1003600123456/PORTAL",
                                   "--key", leaf.key, "--cert", leaf.cert, "--trust", ca.cert,
                                   "--endpoint", "provider=https://127.0.0.1:8443", "--json")
        #expect(created.status == 0, "\(created.stderr)")
        let object = try #require(try created.json() as? [String: Any])
        #expect(object["name"] as? String == "agency")
        #expect(object["identity"] as? String == "MD/GOV/1003600123456/PORTAL")
        #expect(object["default"] as? Bool == true)
        #expect(object["key"] as? String == leaf.key)
        #expect((object["endpoints"] as? [String: String])?["provider"] == "https://127.0.0.1:8443")

        #expect(try env.mgov("profile", "create", "backup", "--identity", "MD/GOV/1003600123456/BACKUP").status == 0)
        let list = try #require(try env.mgov("profile", "list", "--json").json() as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["agency", "backup"])
        #expect(list.map { $0["default"] as? Bool } == [true, false])

        #expect(try env.mgov("profile", "use", "backup").status == 0)
        let shown = try #require(try env.mgov("profile", "show", "--json").json() as? [String: Any])
        #expect(shown["name"] as? String == "backup")

        // --profile beats MGOV_PROFILE beats the default
        var withEnv = env.mgov
        withEnv.extraEnvironment["MGOV_PROFILE"] = "agency"
        #expect((try withEnv("profile", "show", "--json").json() as? [String: Any])?["name"] as? String == "agency")
        #expect((try withEnv("profile", "show", "--profile", "backup", "--json").json() as? [String: Any])?["name"] as? String == "backup")

        let set = try env.mgov("profile", "set", "agency", "endpoint.registry", "https://10.0.0.5:9443", "--json")
        #expect(set.status == 0)
        #expect(((try set.json() as? [String: Any])?["endpoints"] as? [String: String])?.count == 2)

        try env.mgov("profile", "delete", "backup").expectOneLineError(1, containing: "default profile")
        #expect(try env.mgov("profile", "delete", "backup", "--force").status == 0)
        #expect(try env.mgov("profile", "delete", "agency").status == 0)
        #expect((try env.mgov("profile", "list", "--json").json() as? [Any])?.isEmpty == true)
    }

    @Test func humanOutputIsATable() throws {
        let env = try CLIEnvironment()
        try env.mgov("profile", "create", "a", "--identity", "MD/GOV/1/A")
        let list = try env.mgov("profile", "list")
        #expect(list.stdout.contains("NAME"))
        #expect(list.stdout.contains("*  a  "))
    }

    @Test func outputSettingMakesJSONTheDefault() throws {
        let env = try CLIEnvironment()
        try env.mgov("profile", "create", "a", "--identity", "MD/GOV/1/A")
        try env.mgov("profile", "set", "a", "output", "json")
        #expect(try env.mgov("profile", "list").json() is [Any])
    }

    @Test func unknownProfile() throws {
        let env = try CLIEnvironment()
        try env.mgov("profile", "show", "ghost").expectOneLineError(2, containing: "no profile named 'ghost'")
        try env.mgov("profile", "show").expectOneLineError(2, containing: "no profile selected")
    }

    @Test func malformedIdentity() throws {
        let env = try CLIEnvironment()
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV").expectOneLineError(64, containing: "not a valid member identity")
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/12 3/S").expectOneLineError(64, containing: "contains ' '")
    }

    @Test func contradictoryOptionsAreRefused() throws {
        let env = try CLIEnvironment()
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--pkcs12", "a.p12", "--key", "k.pem")
            .expectOneLineError(64, containing: "--pkcs12 holds the key and the certificate")
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--endpoint", "a=https://a", "--endpoint", "a=https://b")
            .expectOneLineError(64, containing: "the endpoint a is given twice")
        #expect(!env.homeExists)
    }

    @Test func unreadableOrWrongTypeKeyFile() throws {
        let env = try CLIEnvironment()
        let ca = try TestPKI.makeCA(in: env.dir)
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--key", ca.cert)
            .expectOneLineError(2, containing: "is not a private key")
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--key", env.dir.file("missing.pem"))
            .expectOneLineError(2, containing: "no such file")
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--cert", ca.key)
            .expectOneLineError(2, containing: "holds no X.509 certificate")
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--pkcs12", ca.cert)
            .expectOneLineError(2, containing: "is not a PKCS#12 file")
        try FileManager.default.createDirectory(atPath: env.dir.file("adir"), withIntermediateDirectories: true)
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--key", env.dir.file("adir"))
            .expectOneLineError(2, containing: "it is a folder")
    }

    /// A home, a leaf's key and certificate, the two in `s.p12` under the password "right", and a file holding it.
    static func pkcs12Environment() throws -> (env: CLIEnvironment, leaf: (key: String, cert: String), passwordFile: String) {
        let env = try CLIEnvironment()
        let ca = try TestPKI.makeCA(in: env.dir)
        let leaf = try TestPKI.makeLeaf(in: env.dir, name: "s", ca: ca)
        try TestProcess.openssl(["pkcs12", "-export", "-inkey", leaf.key, "-in", leaf.cert, "-passout", "pass:right", "-out", env.dir.file("s.p12")])
        return (env, leaf, try env.dir.write("right.txt", "right\n"))
    }

    @Test func wrongPasswordForPKCS12() throws {
        let (env, _, right) = try Self.pkcs12Environment()
        let wrong = try env.dir.write("wrong.txt", "wrong\n")
        try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--pkcs12", env.dir.file("s.p12"), "--password-file", wrong)
            .expectOneLineError(2, containing: "wrong password")
        #expect(try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--pkcs12", env.dir.file("s.p12"), "--password-file", right).status == 0)
        // Without a password and without a terminal: checked structurally, no prompt, no hang.
        #expect(try env.mgov("profile", "create", "y", "--identity", "MD/GOV/1/S", "--pkcs12", env.dir.file("s.p12")).status == 0)
    }

    @Test func settingAPKCS12FileReplacesTheKeyAndCertificate() throws {
        let (env, leaf, right) = try Self.pkcs12Environment()
        #expect(try env.mgov("profile", "create", "x", "--identity", "MD/GOV/1/S", "--key", leaf.key, "--cert", leaf.cert).status == 0)
        let set = try env.mgov("profile", "set", "x", "pkcs12", env.dir.file("s.p12"), "--password-file", right)
        #expect(set.status == 0 && set.stderr.contains("key and cert cleared"), "\(set.stderr)")
        let shown = try env.mgov("profile", "show", "x", "--json").json() as? [String: Any]
        #expect(shown?["key"] == nil && shown?["cert"] == nil && (shown?["pkcs12"] as? String)?.hasSuffix("s.p12") == true, "\(String(describing: shown))")
        try env.mgov("profile", "set", "x", "key", leaf.key).expectOneLineError(2, containing: "from its PKCS#12 file")
        #expect(try env.mgov("profile", "set", "x", "pkcs12", "").status == 0)
        #expect(try env.mgov("profile", "set", "x", "key", leaf.key).status == 0)
    }

    @Test func encryptedKeyWithWrongPasswordFromEnvironment() throws {
        let env = try CLIEnvironment()
        try TestProcess.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                                 "-pass", "pass:right", "-out", env.dir.file("enc.pem")])
        var runner = env.mgov
        runner.extraEnvironment["MGOV_PASSWORD"] = "wrong"
        try runner("profile", "create", "x", "--identity", "MD/GOV/1/S", "--key", env.dir.file("enc.pem"))
            .expectOneLineError(2, containing: "wrong password")
        runner.extraEnvironment["MGOV_PASSWORD"] = "right"
        #expect(try runner("profile", "create", "x", "--identity", "MD/GOV/1/S", "--key", env.dir.file("enc.pem")).status == 0)
        // Another key's certificate: with the password, the mismatch is found now.
        let other = try TestPKI.makeCA(in: env.dir)
        try runner("profile", "create", "y", "--identity", "MD/GOV/1/S", "--key", env.dir.file("enc.pem"), "--cert", other.cert)
            .expectOneLineError(2, containing: "does not belong")
        // Without a password (a script: no terminal), it cannot be checked, and mgov says so.
        let unchecked = try env.mgov("profile", "create", "z", "--identity", "MD/GOV/1/S", "--key", env.dir.file("enc.pem"), "--cert", other.cert)
        #expect(unchecked.status == 0 && unchecked.stderr.contains("was not checked against"), "\(unchecked.stderr)")
    }

    @Test func corruptDatabaseFile() throws {
        let env = try CLIEnvironment()
        try FileManager.default.createDirectory(atPath: env.mgov.home, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: env.mgov.home + "/mgov.sqlite"))
        try env.mgov("profile", "list").expectOneLineError(2, containing: "not a valid SQLite database")
    }

    @Test func storeFromANewerMGov() throws {
        let env = try CLIEnvironment()
        try env.mgov("profile", "list")
        let insert = try TestProcess.run("/usr/bin/sqlite3", [env.mgov.home + "/mgov.sqlite", "INSERT INTO grdb_migrations VALUES ('zz.99-future')"])
        #expect(insert.status == 0, "\(insert.stderr)")
        try env.mgov("profile", "list").expectOneLineError(2, containing: "written by a newer mgov")
    }

    @Test func filesAreOwnerOnlyWhateverTheUmask() throws {
        let env = try CLIEnvironment()
        let result = try env.mgov.shell("umask 000; mgov profile create a --identity MD/GOV/1/A")
        #expect(result.status == 0, "\(result.stderr)")
        let modes = try env.mgov.shell("stat -c '%a %n' \"$MGOV_HOME\" \"$MGOV_HOME\"/mgov.sqlite*").stdout
        for line in modes.split(separator: "\n") {
            let mode = line.split(separator: " ")[0]
            #expect(mode == "700" || mode == "600", "\(line)")
        }
    }

    @Test func eightProcessesCreatingAHundredProfilesEachLoseNothing() async throws {
        let env = try CLIEnvironment()
        // Eight shells run at once, each creating 100 profiles with one mgov process per profile.
        // (Launched from Swift rather than with `&` and `wait`: a shell spawned by the test
        // runner inherits a blocked SIGCHLD, and its `wait` would never return.)
        let runner = env.mgov
        let failures = try await withThrowingTaskGroup(of: String.self) { group in
            for p in 1...8 {
                group.addTask {
                    let loop = "for i in $(seq 1 100); do mgov profile create \"p\(p)-$i\" --identity \"MD/GOV/\(p)/S$i\" --quiet >/dev/null || echo \"failed p\(p)-$i\" >&2; done"
                    return try runner.shell(loop).stderr
                }
            }
            return try await group.reduce(into: "") { $0 += $1 }
        }
        #expect(failures.isEmpty, "\(failures)")
        let list = try #require(try env.mgov("profile", "list", "--json").json() as? [[String: Any]])
        #expect(list.count == 800)
        #expect(Set(list.compactMap { $0["name"] as? String }).count == 800)
        let check = try TestProcess.run("/usr/bin/sqlite3", [env.mgov.home + "/mgov.sqlite", "PRAGMA integrity_check"])
        #expect(check.stdout == "ok\n")
    }
}
