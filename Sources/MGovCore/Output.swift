import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How results are printed on stdout.
public enum OutputFormat: String, Sendable, Codable, CaseIterable {
    case human
    case json
}

extension JSONEncoder {
    /// Stable JSON for machines: sorted keys, no escaped slashes, compact.
    public static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// Stable JSON for people reading `--json`: sorted and indented.
    public static var pretty: JSONEncoder {
        let encoder = JSONEncoder.sorted
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return encoder
    }
}

/// Writes results to stdout and messages to stderr, honouring --json, --quiet
/// and --no-color / NO_COLOR. The one place the CLI prints from.
public final class Console: @unchecked Sendable {
    // @unchecked: the only mutable state is behind `lock`.
    public let format: OutputFormat
    public let quiet: Bool
    public let color: Bool
    private let lock = NSLock()

    public init(format: OutputFormat, quiet: Bool, noColor: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.format = format
        self.quiet = quiet
        let noColorEnv = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        self.color = !noColor && !noColorEnv && Terminal.isTerminal(STDERR_FILENO) && environment["TERM"] != "dumb"
    }

    public var isJSON: Bool { format == .json }

    /// A result line on stdout.
    public func out(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    /// Raw bytes on stdout (documents, signatures).
    public func outData(_ data: Data) {
        lock.lock(); defer { lock.unlock() }
        Self.write(data, to: STDOUT_FILENO)
    }

    /// One JSON document on stdout, indented and with sorted keys.
    public func json<T: Encodable>(_ value: T) throws {
        let data = try JSONEncoder.pretty.encode(value)
        write(String(decoding: data, as: UTF8.self) + "\n", to: STDOUT_FILENO)
    }

    /// One JSON line on stdout (for streams).
    public func jsonLine<T: Encodable>(_ value: T) throws {
        let data = try JSONEncoder.sorted.encode(value)
        write(String(decoding: data, as: UTF8.self) + "\n", to: STDOUT_FILENO)
    }

    /// A progress or status message on stderr; silent with --quiet.
    public func info(_ text: String) {
        guard !quiet else { return }
        write(text + "\n", to: STDERR_FILENO)
    }

    /// A progress line on stderr, rewritten in place (nil clears it); only on a terminal (a log
    /// file or pipe would get the carriage returns and escape codes).
    public func progress(_ text: String?) {
        guard !quiet, Terminal.stderrIsTerminal else { return }
        write("\r\u{1B}[K" + (text ?? ""), to: STDERR_FILENO)
    }

    /// A warning on stderr; shown even with --quiet, because it says something is unsafe.
    public func warn(_ text: String) {
        let prefix = color ? "\u{1B}[33mmgov: warning:\u{1B}[0m " : "mgov: warning: "
        write(prefix + Self.oneLine(text) + "\n", to: STDERR_FILENO)
    }

    /// An error line on stderr: `mgov: <message>`.
    public func error(_ text: String) {
        let prefix = color ? "\u{1B}[31mmgov:\u{1B}[0m " : "mgov: "
        write(prefix + Self.oneLine(text) + "\n", to: STDERR_FILENO)
    }

    /// A message kept to one line whatever it quotes: CR, LF and other control characters (from a
    /// file name, an address, a peer's answer) are written escaped, so no quoted text can end the
    /// line early or move the cursor.
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar): out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and bidirectional
    /// overrides (which can make a line read as something else).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private func write(_ text: String, to fd: Int32) {
        lock.lock(); defer { lock.unlock() }
        Self.write(Data(text.utf8), to: fd)
    }

    /// write(2) to the end. A result that cannot reach stdout (a full disk, a closed pipe when
    /// SIGPIPE is ignored, as under systemd) ends the command: one line on stderr, exit 2, rather
    /// than FileHandle's trap or a script reading half an answer as a whole one. A message that
    /// cannot reach stderr has nowhere else to go and is dropped.
    static func write(_ data: Data, to fd: Int32) {
        let failure = FileSystem.writeAll(data, to: fd)
        guard let failure, fd == STDOUT_FILENO else { return }
        let line = "mgov: cannot write to stdout: \(String(cString: strerror(failure)).lowercased())\n"
        _ = line.withCString { Foundation.write(STDERR_FILENO, $0, strlen($0)) }
        exit(ExitStatus.failure.rawValue)
    }
}

public enum Terminal {
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
    public static var stdinIsTerminal: Bool { isTerminal(STDIN_FILENO) }
    public static var stdoutIsTerminal: Bool { isTerminal(STDOUT_FILENO) }
    public static var stderrIsTerminal: Bool { isTerminal(STDERR_FILENO) }
}

/// Renders rows as aligned columns for people.
public func formatTable(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}
