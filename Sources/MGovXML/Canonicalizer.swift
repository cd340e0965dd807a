import CLibXML2
import Foundation

/// The canonicalization algorithms of XMLDSig, by what they are.
public enum CanonicalizationMethod: String, Sendable, CaseIterable, Codable {
    case c14n10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    case c14n10WithComments = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
    case c14n11 = "http://www.w3.org/2006/12/xml-c14n11"
    case c14n11WithComments = "http://www.w3.org/2006/12/xml-c14n11#WithComments"
    case exclusive = "http://www.w3.org/2001/10/xml-exc-c14n#"
    case exclusiveWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"

    public var uri: String { rawValue }

    public init?(uri: String) { self.init(rawValue: uri) }

    /// The short names used on the command line.
    public init?(shortName: String) {
        switch shortName {
        case "c14n": self = .c14n10
        case "c14n-with-comments": self = .c14n10WithComments
        case "c14n11": self = .c14n11
        case "c14n11-with-comments": self = .c14n11WithComments
        case "exc": self = .exclusive
        case "exc-with-comments": self = .exclusiveWithComments
        default: return nil
        }
    }

    public var shortName: String {
        switch self {
        case .c14n10: return "c14n"
        case .c14n10WithComments: return "c14n-with-comments"
        case .c14n11: return "c14n11"
        case .c14n11WithComments: return "c14n11-with-comments"
        case .exclusive: return "exc"
        case .exclusiveWithComments: return "exc-with-comments"
        }
    }

    public var keepsComments: Bool {
        switch self {
        case .c14n10WithComments, .c14n11WithComments, .exclusiveWithComments: return true
        default: return false
        }
    }

    public var isExclusive: Bool { self == .exclusive || self == .exclusiveWithComments }

    /// The same algorithm without comments (for node-sets that have none, such as URI="").
    public var withoutComments: CanonicalizationMethod {
        switch self {
        case .c14n10WithComments: return .c14n10
        case .c14n11WithComments: return .c14n11
        case .exclusiveWithComments: return .exclusive
        default: return self
        }
    }

    var libxmlMode: Int32 {
        switch self {
        case .c14n10, .c14n10WithComments: return Int32(XML_C14N_1_0.rawValue)
        case .c14n11, .c14n11WithComments: return Int32(XML_C14N_1_1.rawValue)
        case .exclusive, .exclusiveWithComments: return Int32(XML_C14N_EXCLUSIVE_1_0.rawValue)
        }
    }
}

/// Which nodes of a document a canonicalization covers.
public enum NodeSelection: Sendable {
    /// The whole document.
    case document
    /// The whole document minus the subtree of one node (URI="" with the enveloped-signature transform).
    case documentExcluding(XMLNode)
    /// An element and its descendants (with their attributes and namespaces),
    /// minus the subtree of `excluding` if given (the enveloped-signature transform).
    case subtree(XMLNode, excluding: XMLNode?)
}

public enum Canonicalizer {
    /// Canonicalizes `selection` of `document`.
    ///
    /// - Parameter inclusivePrefixes: for exclusive C14N, the InclusiveNamespaces
    ///   PrefixList (`#default` names the default namespace).
    public static func canonicalize(_ document: XMLDocument, selection: NodeSelection = .document,
                                    method: CanonicalizationMethod, inclusivePrefixes: [String] = []) throws -> Data {
        var data = Data()
        try canonicalize(document, selection: selection, method: method, inclusivePrefixes: inclusivePrefixes) { data.append(contentsOf: $0) }
        return data
    }

    /// Canonicalizes `selection`, handing the bytes to `consume` as libxml2 writes them
    /// (so a large document can be digested without holding its canonical form).
    public static func canonicalize(_ document: XMLDocument, selection: NodeSelection = .document,
                                    method: CanonicalizationMethod, inclusivePrefixes: [String] = [],
                                    consume: (UnsafeRawBufferPointer) -> Void) throws {
        XMLLibrary.silenceErrorsOnThisThread()
        if case .documentExcluding(let excluded) = selection {
            // Faster than a visibility callback on every node: take the excluded subtree out of
            // the tree, canonicalize the whole document, and put it back where it was.
            let node = excluded.pointer
            guard let parent = node.pointee.parent else { throw XMLError.canonicalizationFailed("the excluded node is not in the document") }
            let next = node.pointee.next
            xmlUnlinkNode(node)
            defer {
                if let next { xmlAddPrevSibling(next, node) } else { xmlAddChild(parent, node) }
            }
            try canonicalize(document, selection: .document, method: method, inclusivePrefixes: inclusivePrefixes, consume: consume)
            return
        }
        try withoutActuallyEscaping(consume) { consume in
            try run(document, selection: selection, method: method, inclusivePrefixes: inclusivePrefixes, sink: CanonicalSink(consume: consume))
        }
    }

    private static func run(_ document: XMLDocument, selection: NodeSelection, method: CanonicalizationMethod,
                            inclusivePrefixes: [String], sink: CanonicalSink) throws {
        guard let output = xmlOutputBufferCreateIO(canonicalWrite, canonicalClose, Unmanaged.passUnretained(sink).toOpaque(), nil) else {
            throw XMLError.canonicalizationFailed("out of memory")
        }
        let filter: VisibilityFilter?
        switch selection {
        case .document:
            filter = nil
        case let .documentExcluding(excluded):
            filter = VisibilityFilter(root: UnsafeMutableRawPointer(document.pointer).assumingMemoryBound(to: xmlNode.self), excluded: excluded.pointer)
        case let .subtree(root, excluding):
            filter = VisibilityFilter(root: root.pointer, excluded: excluding?.pointer)
        }
        // The prefix list as a NULL-terminated array of C strings.
        var cPrefixes: [UnsafeMutablePointer<xmlChar>?] = inclusivePrefixes.map { xmlStrdup($0) }
        cPrefixes.append(nil)
        defer { for p in cPrefixes { if let p { mgov_xmlFree(p) } } }
        let result: Int32 = withExtendedLifetime(filter) {
            cPrefixes.withUnsafeMutableBufferPointer { prefixes in
                let prefixArg = method.isExclusive && !inclusivePrefixes.isEmpty ? prefixes.baseAddress : nil
                if let filter {
                    return xmlC14NExecute(document.pointer, isVisible, Unmanaged.passUnretained(filter).toOpaque(),
                                          method.libxmlMode, prefixArg, method.keepsComments ? 1 : 0, output)
                }
                return xmlC14NExecute(document.pointer, nil, nil, method.libxmlMode, prefixArg, method.keepsComments ? 1 : 0, output)
            }
        }
        let closed = xmlOutputBufferClose(output)
        guard result >= 0, closed >= 0 else {
            throw XMLError.canonicalizationFailed("libxml2 could not canonicalize \(document.name)")
        }
    }
}

/// Hands canonical bytes on as libxml2 writes them.
private final class CanonicalSink {
    let consume: (UnsafeRawBufferPointer) -> Void
    init(consume: @escaping (UnsafeRawBufferPointer) -> Void) { self.consume = consume }
}

private func canonicalWrite(_ context: UnsafeMutableRawPointer?, _ buffer: UnsafePointer<CChar>?, _ length: Int32) -> Int32 {
    guard let context, let buffer, length >= 0 else { return -1 }
    let sink = Unmanaged<CanonicalSink>.fromOpaque(context).takeUnretainedValue()
    sink.consume(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
    return length
}

private func canonicalClose(_ context: UnsafeMutableRawPointer?) -> Int32 { 0 }

/// Decides which nodes are in a subtree selection.
private final class VisibilityFilter {
    let root: xmlNodePtr
    let excluded: xmlNodePtr?
    init(root: xmlNodePtr, excluded: xmlNodePtr?) {
        self.root = root
        self.excluded = excluded
    }

    /// True when `node` is `root` or below it, and not `excluded` or below it.
    func contains(_ node: xmlNodePtr) -> Bool {
        var current: xmlNodePtr? = node
        var insideExcluded = false
        while let c = current {
            if let excluded, c == excluded { insideExcluded = true }
            if c == root { return !insideExcluded }
            current = c.pointee.parent
        }
        return false
    }
}

/// libxml2's visibility callback. For namespace nodes, `node` is really an
/// xmlNs and `parent` is the element that carries it.
private func isVisible(_ userData: UnsafeMutableRawPointer?, _ node: xmlNodePtr?, _ parent: xmlNodePtr?) -> Int32 {
    guard let userData, let node else { return 0 }
    let filter = Unmanaged<VisibilityFilter>.fromOpaque(userData).takeUnretainedValue()
    let nsType = XML_NAMESPACE_DECL
    let isNamespace = UnsafeRawPointer(node).assumingMemoryBound(to: xmlNs.self).pointee.type == nsType
    if isNamespace {
        guard let parent else { return 0 }
        return filter.contains(parent) ? 1 : 0
    }
    if node.pointee.type == XML_ATTRIBUTE_NODE, let owner = node.pointee.parent {
        return filter.contains(owner) ? 1 : 0
    }
    return filter.contains(node) ? 1 : 0
}
