import Foundation
import MGovCore

/// The canonical bytes of a log entry: RFC 8785 (JSON Canonicalization Scheme)
/// for objects whose values are strings or arrays of strings.
///
/// - members sorted by their names compared as UTF-16 code units;
/// - no whitespace; UTF-8;
/// - strings escaped minimally: `"` and `\` with a backslash, U+0008, U+0009,
///   U+000A, U+000C, U+000D as `\b \t \n \f \r`, other characters below U+0020
///   as `\u00xx` (lower-case hex); everything else, `/` and non-ASCII included, as is.
public enum CanonicalJSON {
    public static func encode(_ fields: [String: AuditValue]) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        var first = true
        for key in fields.keys.sorted(by: keyOrder) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch fields[key] {
            case .string(let s)?:
                appendQuoted(s, to: &out)
            case .array(let items)?:
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    appendQuoted(item, to: &out)
                }
                out.append(UInt8(ascii: "]"))
            case nil:
                break
            }
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    /// The length of `encode(fields)`, without building it.
    public static func encodedLength(_ fields: [String: AuditValue]) -> Int {
        var length = 2 + max(0, fields.count - 1)
        for (key, value) in fields {
            length += quotedLength(key) + 1
            switch value {
            case .string(let s): length += quotedLength(s)
            case .array(let items): length += 2 + max(0, items.count - 1) + items.reduce(0) { $0 + quotedLength($1) }
            }
        }
        return length
    }

    static func quotedLength(_ s: String) -> Int {
        var length = 2
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: length += 2
            case 0..<0x20: length += 6
            default: length += 1
            }
        }
        return length
    }

    /// RFC 8785 member order: UTF-16 code units.
    ///
    /// Compared as UTF-8 bytes (code-point order, and fast), which agrees with
    /// UTF-16 order except between a supplementary-plane character and one in
    /// U+E000...U+FFFF; when the first differing bytes could be those, UTF-16 decides.
    public static func keyOrder(_ a: String, _ b: String) -> Bool {
        var i = a.utf8.makeIterator(), j = b.utf8.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?):
                if x == y { continue }
                if x >= 0xEE && y >= 0xEE { return a.utf16.lexicographicallyPrecedes(b.utf16) }
                return x < y
            }
        }
    }

    public static func quote(_ s: String) -> String {
        var out = [UInt8]()
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0xF)])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Reads canonical (or any) entry JSON back into fields.
    public static func decode(_ data: Data) throws -> [String: AuditValue] {
        try JSONDecoder().decode([String: AuditValue].self, from: data)
    }
}
