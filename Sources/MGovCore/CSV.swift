import Foundation

/// RFC 4180 CSV with a header row, as datasets and bulk recipient lists come.
public enum CSV {
    /// The rows as dictionaries keyed by the header; quoted fields, doubled quotes, CRLF or LF;
    /// blank lines skipped; a leading byte-order mark (as Excel writes UTF-8 CSV) ignored. `name`
    /// names the source in errors.
    public static func records(_ text: String, name: String) throws -> [[String: String]] {
        var records: [[String]] = []
        var field = "", record: [String] = [], quoted = false, afterQuote = false
        var iterator = (text.unicodeScalars.first == "\u{FEFF}" ? text.unicodeScalars.dropFirst() : text.unicodeScalars[...]).makeIterator()
        var pending: Unicode.Scalar? = nil
        func endField() { record.append(field); field = ""; afterQuote = false }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; afterQuote = true; pending = next }
                    } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": endField()
            case "\r": continue
            case "\n": endField(); records.append(record); record = []
            default: field.unicodeScalars.append(c)
            }
        }
        if quoted { throw CoreError.invalidArgument("\(name): a quoted field is not closed") }
        if !field.isEmpty || !record.isEmpty { endField(); records.append(record) }
        guard let header = records.first else { return [] }
        if Set(header).count != header.count { throw CoreError.invalidArgument("\(name): the header names a column twice") }
        return try records.dropFirst().enumerated().compactMap { index, values in
            if values.count == 1 && values[0].isEmpty { return nil }
            guard values.count == header.count else {
                throw CoreError.invalidArgument("\(name) row \(index + 2) has \(values.count) fields, the header \(header.count)")
            }
            return Dictionary(uniqueKeysWithValues: zip(header, values))
        }
    }
}
