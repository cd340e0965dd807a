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
        out.reserveCapacity(1024)
        out.append(UInt8(ascii: "{"))
        for (i, key) in sortedKeys(fields).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch fields[key] {
            case .string(let s)?:
                appendQuoted(s, to: &out)
            case .array(let items)?:
                out.append(UInt8(ascii: "["))
                for (j, item) in items.enumerated() {
                    if j > 0 { out.append(UInt8(ascii: ",")) }
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

    /// The names in RFC 8785 order. Event field names are ASCII, and for ASCII the standard
    /// comparison is code-unit order and twice as fast as `keyOrder`.
    static func sortedKeys(_ fields: [String: AuditValue]) -> [String] {
        let keys = Array(fields.keys)
        return keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } ? keys.sorted() : keys.sorted(by: keyOrder)
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

    public static func quote(_ s: String) -> String { JSONText.quote(s) }

    static func appendQuoted(_ s: String, to out: inout [UInt8]) { JSONText.appendQuoted(s, to: &out) }

    static func quotedLength(_ s: String) -> Int { JSONText.quotedLength(s) }

    /// Reads canonical (or any) entry JSON back into fields.
    public static func decode(_ data: Data) throws -> [String: AuditValue] {
        try JSONDecoder().decode([String: AuditValue].self, from: data)
    }
}
