import Foundation

/// Errors of XML parsing and canonicalization, as sentences.
public enum XMLError: Error, CustomStringConvertible, Sendable, Equatable {
    case malformed(name: String, line: Int, message: String)
    case entityDeclarations(name: String)
    case tooDeep(name: String)
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
        case let .tooDeep(name):
            return "\(name): the document nests elements too deeply"
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
