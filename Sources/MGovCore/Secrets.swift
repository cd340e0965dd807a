import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a password comes from, in order: `--password-file`, `MGOV_PASSWORD`,
/// then a no-echo prompt, only when stdin is a terminal (never in scripts).
///
/// The password is fetched lazily, only when a key turns out to be encrypted,
/// and cached so one command asks at most once.
public final class PasswordSource: @unchecked Sendable {
    // @unchecked: `cached` is guarded by `lock`.
    public let passwordFile: String?
    private let environment: [String: String]
    private let interactive: Bool
    private let lock = NSLock()
    private var cached: String?

    public init(passwordFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                interactive: Bool = Terminal.stdinIsTerminal) {
        self.passwordFile = passwordFile
        self.environment = environment
        self.interactive = interactive
    }

    /// True when a password is available without prompting.
    public var isProvided: Bool { passwordFile != nil || environment["MGOV_PASSWORD"] != nil }
    /// True when one can be had at all: given, or asked for on the terminal.
    public var isObtainable: Bool { isProvided || interactive }

    /// The password; `purpose` names what it unlocks, for the prompt and errors.
    public func password(for purpose: String) throws -> String {
        lock.lock(); defer { lock.unlock() }
        if let cached { return cached }
        let value: String
        if let passwordFile {
            let data: Data
            do {
                data = try FileSystem.read(passwordFile)
            } catch let error as CoreError {
                throw CoreError.passwordFileUnreadable(passwordFile, reason: error.description)
            }
            var text = String(decoding: data, as: UTF8.self)
            // A password file ends with one newline, as `echo` writes it; keep inner spaces.
            // ("\r\n" is one Character in Swift: removeLast(2) took the password's last letter with it.)
            if text.unicodeScalars.last == "\n" { text.unicodeScalars.removeLast() }
            if text.unicodeScalars.last == "\r", data.last == UInt8(ascii: "\n") { text.unicodeScalars.removeLast() }
            value = text
        } else if let env = environment["MGOV_PASSWORD"] {
            value = env
        } else if interactive {
            value = try Self.prompt("Password for \(purpose): ")
        } else {
            throw CoreError.passwordUnavailable(purpose)
        }
        cached = value
        return value
    }

    /// Reads a line from the terminal with echo off.
    static func prompt(_ message: String) throws -> String {
        FileHandle.standardError.write(Data(message.utf8))
        var old = termios()
        let haveTerm = tcgetattr(STDIN_FILENO, &old) == 0
        if haveTerm {
            var silent = old
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if haveTerm { tcsetattr(STDIN_FILENO, TCSAFLUSH, &old) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else {
            throw CoreError.passwordUnavailable("the prompt (end of input)")
        }
        return line
    }
}
