import Foundation

/// A temporary folder removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() throws {
        let base = NSTemporaryDirectory() + "mgov-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let p = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    @discardableResult
    public func write(_ name: String, data: Data) throws -> String {
        let p = file(name)
        try data.write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// What a finished process printed and how it exited.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let stdoutData: Data

    /// stdout parsed as JSON.
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: stdoutData, options: [.fragmentsAllowed])
    }
}

public enum TestProcess {
    /// Runs `executable` with `arguments`, stdin from `input`, and waits.
    /// Output goes through files so large outputs never block the child.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: Data? = nil, currentDirectory: String? = nil) throws -> ProcessResult {
        let scratch = try TemporaryDirectory()
        let outPath = scratch.file("stdout"), errPath = scratch.file("stderr"), inPath = scratch.file("stdin")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let inHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close(); try errHandle.close(); try inHandle.close()
        let out = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let err = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                             stderr: String(decoding: err, as: UTF8.self), stdoutData: out)
    }

    /// Runs a shell command line with `sh -c`.
    public static func shell(_ command: String, environment: [String: String]? = nil, currentDirectory: String? = nil) throws -> ProcessResult {
        try run("/bin/sh", ["-c", command], environment: environment, currentDirectory: currentDirectory)
    }

    /// Runs the system `openssl` and fails loudly when it does.
    @discardableResult
    public static func openssl(_ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
        let result = try run("/usr/bin/openssl", arguments, currentDirectory: directory)
        guard result.status == 0 else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Test keys and certificates made with the real `openssl` command.
public enum TestPKI {
    /// A self-signed EC P-256 CA: returns (keyPath, certPath).
    @discardableResult
    public static func makeCA(in dir: TemporaryDirectory, name: String = "ca", days: Int = 30) throws -> (key: String, cert: String) {
        let key = dir.file("\(name).key"), cert = dir.file("\(name).crt")
        try TestProcess.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                 "-keyout", key, "-out", cert, "-subj", "/CN=Test CA \(name)", "-days", "\(days)",
                                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        return (key, cert)
    }

    /// A leaf signed by `ca`; `keyType` is "ec" or "rsa:2048" etc.; `keyUsage` and `extendedKeyUsage`
    /// in openssl's extension syntax.
    @discardableResult
    public static func makeLeaf(in dir: TemporaryDirectory, name: String, ca: (key: String, cert: String),
                                keyType: String = "ec", days: Int = 30, san: String? = nil,
                                keyUsage: String = "digitalSignature", extendedKeyUsage: String? = nil) throws -> (key: String, cert: String) {
        let key = dir.file("\(name).key"), csr = dir.file("\(name).csr"), cert = dir.file("\(name).crt")
        var req = ["req", "-new", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=\(name)"]
        if keyType == "ec" { req += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] } else { req += ["-newkey", keyType] }
        try TestProcess.openssl(req)
        let ext = dir.file("\(name).ext")
        var extText = "basicConstraints=CA:FALSE\nkeyUsage=\(keyUsage)\n"
        if let san { extText += "subjectAltName=\(san)\n" }
        if let extendedKeyUsage { extText += "extendedKeyUsage=\(extendedKeyUsage)\n" }
        try dir.write("\(name).ext", extText)
        try TestProcess.openssl(["x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial",
                                 "-out", cert, "-days", "\(days)", "-extfile", ext])
        return (key, cert)
    }
}

/// A process left running while the test goes on (a follower, a server, a
/// writer to interrupt). Its output goes to files; it is killed when dropped.
public final class BackgroundProcess: @unchecked Sendable {
    public let process = Process()
    private let scratch: TemporaryDirectory
    private let outPath: String
    private let errPath: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                input: Data? = nil, currentDirectory: String? = nil) throws {
        scratch = try TemporaryDirectory()
        outPath = scratch.file("stdout")
        errPath = scratch.file("stderr")
        let inPath = scratch.file("stdin")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    public var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    /// Waits until stdout satisfies `condition`, or the timeout passes (then returns false).
    @discardableResult
    public func waitForOutput(timeout: TimeInterval = 20, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(stdout) { return true }
            if !process.isRunning { return condition(stdout) }
            usleep(20_000)
        }
        return false
    }

    /// Sends `signal` and waits for the process to end; one that is still running after `timeout`
    /// (it ignored the signal) is killed, so a test fails instead of hanging (a `docs add /dev/zero`
    /// that missed its SIGINT would fill the disk).
    public func stop(_ signal: Int32 = SIGTERM, timeout: TimeInterval = 90) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
