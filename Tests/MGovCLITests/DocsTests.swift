import Foundation
import MGovTestSupport
import Testing

/// The committed completions and man pages must be what the current binary generates.
@Suite struct DocsTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test(arguments: [("bash", "mgov.bash"), ("zsh", "_mgov"), ("fish", "mgov.fish")])
    func completionsAreCurrent(_ shell: String, _ file: String) throws {
        let generated = try TestProcess.run(MGovRunner.executable, ["--generate-completion-script", shell])
        let committed = try String(contentsOfFile: "\(Self.packageRoot)/Completions/\(file)", encoding: .utf8)
        #expect(generated.stdout == committed, "Completions/\(file) is stale: run scripts/generate-docs")
    }

    /// File options and arguments complete file names (bash, as a user's shell runs the committed script).
    @Test func bashCompletesFileNames() throws {
        let dir = try TemporaryDirectory()
        try "<a/>".write(toFile: dir.file("invoice.xml"), atomically: true, encoding: .utf8)
        let script = "source \"$0\"; cd \"$1\"; COMP_WORDS=(mgov sign xml inv); COMP_CWORD=3; _mgov; echo \"${COMPREPLY[*]}\"; "
            + "COMP_WORDS=(mgov sign xml --key inv); COMP_CWORD=4; _mgov; echo \"${COMPREPLY[*]}\""
        let result = try TestProcess.run("/bin/bash", ["-c", script, "\(Self.packageRoot)/Completions/mgov.bash", dir.path])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 2 && lines.allSatisfy { $0.split(separator: " ").allSatisfy { $0 == "invoice.xml" } && !$0.isEmpty },
                "stdout: \(result.stdout) stderr: \(result.stderr)")
    }

    @Test func manPagesAreCurrent() throws {
        let tool = MGovRunner.binDirectory + "/generate-manual"
        #expect(FileManager.default.isExecutableFile(atPath: tool), "build it first: swift build --product generate-manual (scripts/test does)")
        guard FileManager.default.isExecutableFile(atPath: tool) else { return }
        let out = try TemporaryDirectory()
        let date = try String(contentsOfFile: "\(Self.packageRoot)/scripts/docs-date", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try TestProcess.run(tool, [MGovRunner.executable, "--multi-page", "--date", date, "--output-directory", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let generated = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        let committed = try FileManager.default.contentsOfDirectory(atPath: "\(Self.packageRoot)/Man").sorted()
        #expect(generated == committed, "Man/ is stale: run scripts/generate-docs")
        for page in generated where committed.contains(page) {
            let fresh = try String(contentsOfFile: out.file(page), encoding: .utf8)
            let old = try String(contentsOfFile: "\(Self.packageRoot)/Man/\(page)", encoding: .utf8)
            #expect(fresh == old, "Man/\(page) is stale: run scripts/generate-docs")
        }
    }
}
