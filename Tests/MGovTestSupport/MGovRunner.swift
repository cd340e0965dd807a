import Foundation

/// Runs the built `mgov` binary in a throwaway home, as a user's script would.
public struct MGovRunner: Sendable {
    public let home: String
    public let workDirectory: String
    public var extraEnvironment: [String: String] = [:]

    public init(home: String, workDirectory: String) {
        self.home = home
        self.workDirectory = workDirectory
    }

    /// The folder holding the products of this build (`mgov`, `generate-manual`).
    public static var binDirectory: String {
        if let explicit = ProcessInfo.processInfo.environment["MGOV_BIN_DIR"] { return explicit }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may be inside the .xctest bundle on some platforms.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("mgov").path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.path
    }

    public static var executable: String { binDirectory + "/mgov" }

    /// A clean environment: no MGOV_* from the developer's shell leaks in.
    public var environment: [String: String] {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                   "HOME": workDirectory, "MGOV_HOME": home, "LANG": "C.UTF-8"]
        env.merge(extraEnvironment) { $1 }
        return env
    }

    @discardableResult
    public func callAsFunction(_ arguments: String..., input: Data? = nil) throws -> ProcessResult {
        try run(arguments, input: input)
    }

    public func run(_ arguments: [String], input: Data? = nil) throws -> ProcessResult {
        try TestProcess.run(Self.executable, arguments, environment: environment, input: input, currentDirectory: workDirectory)
    }

    /// A shell line with `mgov` on PATH and this home.
    public func shell(_ command: String) throws -> ProcessResult {
        var env = environment
        env["PATH"] = Self.binDirectory + ":" + (env["PATH"] ?? "")
        return try TestProcess.shell(command, environment: env, currentDirectory: workDirectory)
    }
}
