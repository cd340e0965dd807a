/// What a provider configuration may not hold before it is given to Yams (libyaml), found by a
/// scan of its lines: nesting deeper than a configuration needs, and aliases.
///
/// Yams composes a document recursively, one stack frame per level: 10 KB of `[` crashed the
/// process (no message, exit 139). An alias (`*name`) repeats its anchor's node, so aliases of
/// aliases multiply: 80 of them took 15 s of CPU to expand. A configuration needs neither (its
/// services and grants nest a few levels), so both are refused with the line they are on.
///
/// The scan is lexical, not a YAML parser: it knows quotes, comments, block scalars and where a
/// node may start, which is all it takes to see flow brackets, indentation and alias indicators.
enum YAMLPrescan {
    /// Flow collections (`[`, `{`) open at once.
    static let maximumFlowDepth = 64
    /// The column a block node may start at (each block level is at least one column deeper).
    static let maximumColumn = 256
    static let maximumBytes = 4 << 20

    enum Problem: Error, Equatable {
        case tooLarge
        case tooDeep(line: Int)
        case alias(line: Int)

        var description: String {
            switch self {
            case .tooLarge: return "the file is over 4 MB, more than a provider configuration holds"
            case .tooDeep(let line): return "line \(line) nests deeper than a provider configuration may (\(YAMLPrescan.maximumFlowDepth) levels of [ ] or { }, or a node past column \(YAMLPrescan.maximumColumn))"
            case .alias(let line): return "line \(line) uses a YAML alias (*name), which mgov does not expand: write the value out"
            }
        }
    }

    private enum Quote { case none, single, double }
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    static func check(_ text: [UInt8]) throws {
        guard text.count <= maximumBytes else { throw Problem.tooLarge }
        var quote = Quote.none
        var flowDepth = 0
        /// The indentation of the line that opened a block scalar (`|`, `>`): deeper lines are its text.
        var blockScalarParent: Int?
        var lineNumber = 0
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = Array(line)
            let indent = bytes.prefix { $0 == space }.count
            if let parent = blockScalarParent {
                let blank = bytes.allSatisfy { $0 == space || $0 == tab || $0 == UInt8(ascii: "\r") }
                if blank || indent > parent { continue }
                blockScalarParent = nil
            }
            // A node may start here: at the line's start (outside a quoted scalar), after an
            // indicator (`- `, `? `, `: `) or a flow bracket or comma.
            var expectNode = quote == .none
            var i = 0
            scan: while i < bytes.count {
                let byte = bytes[i]
                let next: UInt8? = i + 1 < bytes.count ? bytes[i + 1] : nil
                let nextIsBreak = next == nil || next == space || next == tab || next == UInt8(ascii: "\r")
                switch quote {
                case .double:
                    if byte == UInt8(ascii: "\\") { i += 2; continue }
                    if byte == UInt8(ascii: "\"") { quote = .none }
                    i += 1
                    continue
                case .single:
                    if byte == UInt8(ascii: "'") {
                        if next == UInt8(ascii: "'") { i += 2; continue }
                        quote = .none
                    }
                    i += 1
                    continue
                case .none:
                    break
                }
                if byte == space || byte == tab { i += 1; continue }
                if byte == UInt8(ascii: "#"), i == 0 || bytes[i - 1] == space || bytes[i - 1] == tab { break scan }
                if flowDepth > 0 {
                    switch byte {
                    case UInt8(ascii: ","): expectNode = true; i += 1; continue
                    case UInt8(ascii: "]"), UInt8(ascii: "}"): flowDepth -= 1; expectNode = false; i += 1; continue
                    default: break
                    }
                }
                if expectNode {
                    if flowDepth == 0, i > maximumColumn { throw Problem.tooDeep(line: lineNumber) }
                    switch byte {
                    case UInt8(ascii: "-") where flowDepth == 0 && nextIsBreak, UInt8(ascii: "?") where nextIsBreak:
                        i += 1
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        flowDepth += 1
                        if flowDepth > maximumFlowDepth { throw Problem.tooDeep(line: lineNumber) }
                        i += 1
                    case UInt8(ascii: "*"):
                        throw Problem.alias(line: lineNumber)
                    case UInt8(ascii: "&"), UInt8(ascii: "!"):
                        // An anchor or a tag: its name, then the node it belongs to.
                        while i < bytes.count, bytes[i] != space, bytes[i] != tab { i += 1 }
                    case UInt8(ascii: "|") where flowDepth == 0, UInt8(ascii: ">") where flowDepth == 0:
                        blockScalarParent = indent
                        break scan
                    case UInt8(ascii: "\""):
                        quote = .double; expectNode = false; i += 1
                    case UInt8(ascii: "'"):
                        quote = .single; expectNode = false; i += 1
                    default:
                        expectNode = false  // a plain scalar
                        i += 1
                    }
                    continue
                }
                // Inside a plain scalar, or after a quoted one: `: ` makes what follows a value.
                if byte == UInt8(ascii: ":"), nextIsBreak || (flowDepth > 0 && next.map { [UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains($0) } == true) {
                    expectNode = true
                }
                i += 1
            }
        }
    }
}
