import Foundation
import MGovTestSupport
import Testing

/// A fresh home and work folder for one end-to-end test.
struct CLIEnvironment {
    let dir: TemporaryDirectory
    let mgov: MGovRunner

    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("work"), withIntermediateDirectories: true)
        mgov = MGovRunner(home: dir.file("home"), workDirectory: dir.file("work"))
    }

    var homeExists: Bool { FileManager.default.fileExists(atPath: mgov.home) }
}

extension ProcessResult {
    /// Checks the error contract: the given exit code, nothing on stdout, one line on stderr starting `mgov: `.
    func expectOneLineError(_ status: Int32, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "exit \(self.status), stderr: \(stderr)", sourceLocation: sourceLocation)
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "stderr: \(stderr)", sourceLocation: sourceLocation)
        #expect(stderr.hasPrefix("mgov: "), "stderr: \(stderr)", sourceLocation: sourceLocation)
        #expect(stderr.contains(fragment), "stderr: \(stderr)", sourceLocation: sourceLocation)
    }
}
