import Foundation
import MGovCrypto
import MGovXML

/// A Reference's transforms, as far as mgov accepts them.
public enum XMLTransform: Sendable, Equatable {
    case enveloped
    case canonicalize(CanonicalizationMethod, prefixes: [String])
    case base64

    /// Reads a `ds:Transform`; XSLT, XPath filters and anything else are refused.
    static func parse(_ node: XMLNode) throws -> XMLTransform {
        guard let uri = node.attribute("Algorithm") else { throw SignError.malformedSignature("a Transform has no Algorithm") }
        if uri == DSig.envelopedTransform { return .enveloped }
        if uri == DSig.base64Transform { return .base64 }
        if let method = CanonicalizationMethod(uri: uri) {
            return .canonicalize(method, prefixes: method.isExclusive ? inclusivePrefixes(node) : [])
        }
        throw SignError.unsupported("the transform \(uri) is refused (mgov accepts enveloped-signature, the C14N family and base64; no XSLT or XPath)")
    }
}

/// The InclusiveNamespaces PrefixList of an exclusive C14N Transform or CanonicalizationMethod.
func inclusivePrefixes(_ node: XMLNode) -> [String] {
    guard let list = node.child("InclusiveNamespaces", namespace: DSig.exclusiveNamespace)?.attribute("PrefixList") else { return [] }
    return list.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
}

/// What a reference points at, after its transforms: the octets to digest, and
/// the node actually signed (reported, so a caller can see what the signature covers).
public struct ResolvedReference {
    enum Content {
        case octets(Data)
        /// Not produced yet: canonicalized when digested, straight into the digest.
        case canonical(NodeSelection, CanonicalizationMethod, prefixes: [String])
    }

    let content: Content
    let document: XMLDocument
    public let node: XMLNode?
    /// The whole document was referenced (URI="" or #xpointer(/)).
    public let wholeDocument: Bool

    /// The referenced octets.
    public func octets() throws -> Data {
        switch content {
        case .octets(let data): return data
        case let .canonical(selection, method, prefixes):
            return try Canonicalizer.canonicalize(document, selection: selection, method: method, inclusivePrefixes: prefixes)
        }
    }

    /// The digest of the referenced octets, streamed when they come from canonicalization.
    public func digest(_ algorithm: DigestAlgorithm) throws -> Data {
        switch content {
        case .octets(let data): return Data(Digest.hash(algorithm, data))
        case let .canonical(selection, method, prefixes):
            let digest = StreamingDigest(algorithm)
            try Canonicalizer.canonicalize(document, selection: selection, method: method, inclusivePrefixes: prefixes) { digest.update($0) }
            return Data(digest.finish())
        }
    }
}

enum ReferenceResolver {
    /// Resolves a same-document URI and applies `transforms`, as XMLDSig §4.4.3 says.
    static func resolve(uri: String, transforms: [XMLTransform], document: XMLDocument, ids: IDIndex,
                        signature: XMLNode) throws -> ResolvedReference {
        var target: XMLNode?
        var withComments = false
        switch uri {
        case "":
            target = nil
        case "#xpointer(/)":
            target = nil
            withComments = true
        default:
            guard uri.hasPrefix("#") else {
                throw SignError.unsupported("the reference URI '\(uri)' is not in this document (only \"\", #id, #xpointer(/) and #xpointer(id('id')) are followed)")
            }
            var id = String(uri.dropFirst())
            if id.hasPrefix("xpointer(id("), id.hasSuffix("))") {
                id = String(id.dropFirst("xpointer(id(".count).dropLast(2))
                guard id.count >= 2, let quote = id.first, quote == "'" || quote == "\"", id.last == quote else {
                    throw SignError.unsupported("the reference URI '\(uri)' is an XPointer mgov does not follow")
                }
                id = String(id.dropFirst().dropLast())
                withComments = true
            } else if id.hasPrefix("xpointer(") {
                throw SignError.unsupported("the reference URI '\(uri)' is an XPointer mgov does not follow")
            }
            guard let node = ids[id] else {
                throw SignError.referenceUnresolved("'\(uri)' points to no element with an ID attribute")
            }
            target = node
        }
        var excluded: XMLNode?
        var octets: Data?
        // A final canonicalization is left for the digest to stream.
        var pending: (NodeSelection, CanonicalizationMethod, [String])?
        for (position, transform) in transforms.enumerated() {
            switch transform {
            case .enveloped:
                guard octets == nil else { throw SignError.unsupported("an enveloped-signature transform after octets") }
                excluded = signature
            case let .canonicalize(method, prefixes):
                guard octets == nil else { throw SignError.unsupported("canonicalization of octets (after a base64 transform)") }
                let effective = withComments ? method : method.withoutComments
                let selection = Self.selection(document, target: target, excluded: excluded)
                if position == transforms.count - 1 {
                    pending = (selection, effective, prefixes)
                } else {
                    octets = try Canonicalizer.canonicalize(document, selection: selection, method: effective, inclusivePrefixes: prefixes)
                }
            case .base64:
                let text: String
                if let octets { text = String(decoding: octets, as: UTF8.self) } else { text = (target ?? document.root)?.textContent ?? "" }
                guard let decoded = Data(base64Encoded: text.filter { !$0.isWhitespace }) else {
                    throw SignError.malformedSignature("the base64 transform's input is not base64")
                }
                octets = decoded
            }
        }
        let content: ResolvedReference.Content
        if let octets {
            content = .octets(octets)
        } else if let (selection, method, prefixes) = pending {
            content = .canonical(selection, method, prefixes: prefixes)
        } else {
            content = .canonical(Self.selection(document, target: target, excluded: excluded),
                                 withComments ? .c14n10WithComments : .c14n10, prefixes: [])
        }
        return ResolvedReference(content: content, document: document, node: target ?? document.root, wholeDocument: target == nil)
    }

    static func selection(_ document: XMLDocument, target: XMLNode?, excluded: XMLNode?) -> NodeSelection {
        if let target { return .subtree(target, excluding: excluded.flatMap { $0.isInside(target) ? $0 : nil }) }
        if let excluded { return .documentExcluding(excluded) }
        return .document
    }
}
