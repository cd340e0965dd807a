import Foundation

/// Errors of XML parsing and canonicalization, as sentences.
public enum XMLError: Error, CustomStringConvertible, Sendable, Equatable {
    case malformed(name: String, line: Int, message: String)
    case entityDeclarations(name: String)
    case tooDeep(name: String, line: Int)
    case tooManyAttributes(name: String, line: Int)
    case tooManyAttributeDefaults(name: String, line: Int)
    case attributeTooLong(name: String, line: Int)
    case canonicalizationFailed(String)
    case notFound(String)
    case duplicateID(String, paths: [String])
    case invalidXPath(String)

    public var description: String {
        switch self {
        case let .malformed(name, line, message):
            return "\(name): not well-formed XML at line \(line): \(message)"
        case let .entityDeclarations(name):
            return "\(name): the document declares entities in its DOCTYPE; mgov refuses them (they enable XXE and entity-expansion attacks)"
        case let .tooDeep(name, line):
            return "\(name): the document nests elements more than 256 levels below its root (line \(line)); mgov refuses such documents"
        case let .tooManyAttributes(name, line):
            return "\(name): an element at line \(line) has more than \(XMLDocument.maximumAttributes) attributes; mgov refuses such documents (their parsing takes time that grows with the square of the count)"
        case let .tooManyAttributeDefaults(name, line):
            return "\(name): the DOCTYPE at line \(line) holds more than \(XMLDocument.maximumAttributes) quoted values (attribute defaults, applied to every element they name); mgov refuses such documents"
        case let .attributeTooLong(name, line):
            return "\(name): an attribute value at line \(line) is over 10 MB, more than libxml2 reads"
        case let .canonicalizationFailed(message):
            return "canonicalization failed: \(message)"
        case let .notFound(what):
            return what
        case let .invalidXPath(expression):
            return "'\(expression)' is not an XPath expression libxml2 can evaluate"
        case let .duplicateID(id, paths):
            return "the ID '\(id)' is given to more than one element (\(paths.joined(separator: ", "))): refused, as a signature-wrapping attack could hide behind it"
        }
    }
}
