/// JSON strings written by hand where JSONEncoder is too slow (a server's hot path) or its
/// escaping too loose (the log's RFC 8785 canonical form, which this escaping is).
///
/// `"` and `\` take a backslash; U+0008, U+0009, U+000A, U+000C, U+000D are `\b \t \n \f \r`;
/// other characters below U+0020 are `\u00xx` (lower-case hex); everything else, `/` and
/// non-ASCII included, is written as it is.
public enum JSONText {
    /// `s` as a JSON string, quotes included.
    public static func quote(_ s: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Most strings need no escape: checked first, then copied whole (three times faster
            // than appending byte by byte).
            guard bytes.contains(where: needsEscape) else {
                out.append(contentsOf: bytes)
                return
            }
            for c in bytes { appendEscaped(c, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `"`, `\` and the control characters: the bytes written other than as they are.
    @inline(__always) private static func needsEscape(_ c: UInt8) -> Bool {
        c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\")
    }

    private static func appendEscaped(_ c: UInt8, to out: inout [UInt8]) {
        switch c {
        case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
        case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0..<0x20:
            out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            out.append(hex[Int(c >> 4)])
            out.append(hex[Int(c & 0xF)])
        default: out.append(c)
        }
    }

    /// The length of `quote(s)` in UTF-8 bytes, without building it.
    public static func quotedLength(_ s: String) -> Int {
        var s = s
        return s.withUTF8 { bytes in
            var length = 2 + bytes.count
            for c in bytes where needsEscape(c) {
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: length += 1
                default: length += 5
                }
            }
            return length
        }
    }
}
