import CLibXML2
import Foundation

/// A parsed XML document owned by libxml2, freed with this object.
///
/// Parsing is hardened: no DTD loading, no entity substitution, no network,
/// no external entity loader, and any entity declaration is refused outright.
/// Attribute defaults and ID types declared by ATTLIST in an internal subset
/// are applied (XMLDSig documents use them), since they read nothing outside.
public final class XMLDocument: @unchecked Sendable {
    // @unchecked: a document is used by one task at a time; the type only
    // crosses tasks to be handed over, never shared while in use.
    let pointer: xmlDocPtr
    public let name: String

    init(taking pointer: xmlDocPtr, name: String) {
        self.pointer = pointer
        self.name = name
    }
    deinit { xmlFreeDoc(pointer) }

    /// Parses `data`; `name` labels errors (usually the file name).
    public convenience init(data: Data, name: String = "document") throws {
        XMLLibrary.initialize()
        if Self.declaresEntities(data) { throw XMLError.entityDeclarations(name: name) }
        guard let context = xmlNewParserCtxt() else { throw XMLError.malformed(name: name, line: 0, message: "out of memory") }
        defer { xmlFreeParserCtxt(context) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_DTDATTR.rawValue | XML_PARSE_NOERROR.rawValue
                            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        let document = data.withUnsafeBytes { raw -> xmlDocPtr? in
            let base = raw.bindMemory(to: CChar.self).baseAddress
            return xmlCtxtReadMemory(context, base, Int32(raw.count), nil, nil, options)
        }
        guard let document, context.pointee.wellFormed != 0 else {
            if let document { xmlFreeDoc(document) }
            let error = xmlCtxtGetLastError(context)
            let line = error.map { Int($0.pointee.line) } ?? 0
            let message = error.flatMap { $0.pointee.message }.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
            throw XMLError.malformed(name: name, line: line, message: message)
        }
        // Defence in depth: the byte scan above cannot see through every encoding.
        if let dtd = document.pointee.intSubset, dtd.pointee.entities != nil,
           xmlHashSize(OpaquePointer(dtd.pointee.entities)) > 0 {
            xmlFreeDoc(document)
            throw XMLError.entityDeclarations(name: name)
        }
        self.init(taking: document, name: name)
    }

    public convenience init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw XMLError.notFound("\(path): cannot read the file")
        }
        try self.init(data: data, name: path)
    }

    /// The document element.
    public var root: XMLNode? {
        xmlDocGetRootElement(pointer).map { XMLNode(pointer: $0, document: self) }
    }

    /// The whole document serialized as libxml2 writes it (UTF-8).
    public func serialized() -> Data {
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(pointer, &buffer, &size, "UTF-8")
        guard let buffer else { return Data() }
        defer { mgov_xmlFree(buffer) }
        return Data(bytes: buffer, count: Int(size))
    }

    /// A quick byte-level look for `<!ENTITY` inside a DOCTYPE's internal subset.
    /// Only the prolog is read: a DOCTYPE comes before the document element.
    static func declaresEntities(_ data: Data) -> Bool {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            func matches(_ text: String, at index: Int) -> Bool {
                let pattern = Array(text.utf8)
                guard index + pattern.count <= bytes.count else { return false }
                for k in 0..<pattern.count where bytes[index + k] != pattern[k] { return false }
                return true
            }
            func find(_ text: String, from start: Int) -> Int? {
                var i = start
                while i < bytes.count {
                    if matches(text, at: i) { return i }
                    i += 1
                }
                return nil
            }
            var i = 0
            while i < bytes.count {
                guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
                if matches("<?", at: i) {
                    guard let end = find("?>", from: i + 2) else { return false }
                    i = end + 2
                } else if matches("<!--", at: i) {
                    guard let end = find("-->", from: i + 4) else { return false }
                    i = end + 3
                } else if matches("<!DOCTYPE", at: i) {
                    // The internal subset ends at "]>" (or the DOCTYPE at ">" when it has none).
                    let end = find("]>", from: i) ?? bytes.count
                    return find("<!ENTITY", from: i).map { $0 < end } ?? false
                } else {
                    return false  // the document element: no DOCTYPE can follow
                }
            }
            return false
        }
    }

    /// Writes the document to a file descriptor (UTF-8, as libxml2 serializes it), without a copy in memory.
    public func write(toDescriptor descriptor: Int32) throws {
        guard let context = xmlSaveToFd(descriptor, "UTF-8", 0) else { throw XMLError.notFound("cannot write \(name)") }
        let written = xmlSaveDoc(context, pointer)
        let closed = xmlSaveClose(context)
        guard written >= 0, closed >= 0 else { throw XMLError.notFound("cannot write \(name)") }
    }
}

/// A node inside an `XMLDocument`; keeps its document alive.
public struct XMLNode: @unchecked Sendable {
    // @unchecked: see XMLDocument.
    let pointer: xmlNodePtr
    public let document: XMLDocument

    public var name: String { pointer.pointee.name.map { String(cString: $0) } ?? "" }
    public var namespaceURI: String? { pointer.pointee.ns?.pointee.href.map { String(cString: $0) } }
    public var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }

    public var children: [XMLNode] {
        var result: [XMLNode] = []
        var child = pointer.pointee.children
        while let c = child {
            result.append(XMLNode(pointer: c, document: document))
            child = c.pointee.next
        }
        return result
    }

    public var elementChildren: [XMLNode] { children.filter(\.isElement) }

    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        let value: UnsafeMutablePointer<xmlChar>? = namespace == nil
            ? xmlGetNoNsProp(pointer, name)
            : xmlGetNsProp(pointer, name, namespace)
        guard let value else { return nil }
        defer { mgov_xmlFree(value) }
        return String(cString: value)
    }

    /// The text content of this node and its descendants.
    public var textContent: String {
        guard let content = xmlNodeGetContent(pointer) else { return "" }
        defer { mgov_xmlFree(content) }
        return String(cString: content)
    }

    /// A path such as `/doc[1]/e1[1]` naming this node for reports.
    public var path: String {
        guard let p = xmlGetNodePath(pointer) else { return "" }
        defer { mgov_xmlFree(p) }
        return String(cString: p)
    }
}

/// One-time, process-wide libxml2 set-up.
enum XMLLibrary {
    private static let once: Void = {
        xmlInitParser()
        // No external entity, DTD or XInclude is ever fetched, from file or network.
        xmlSetExternalEntityLoader(refuseExternalEntity)
        silenceErrorsOnThisThread()
    }()

    static func initialize() { _ = once }

    /// libxml2 prints its own errors to stderr, and its handlers are per thread:
    /// each thread that evaluates XPath or canonicalizes silences them (mgov
    /// reports errors itself, in one line).
    static func silenceErrorsOnThisThread() {
        xmlSetStructuredErrorFunc(nil, silenceStructuredError)
    }
}

private func silenceStructuredError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {}

private func refuseExternalEntity(_ url: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?, _ context: xmlParserCtxtPtr?) -> xmlParserInputPtr? {
    nil
}

extension XMLDocument {
    /// Every element in document order whose local name and namespace match.
    public func elements(named localName: String, namespace: String?) -> [XMLNode] {
        var found: [XMLNode] = []
        forEachElement { node in
            guard xmlStrEqual(node.pointee.name, localName) == 1 else { return }
            let href = node.pointee.ns?.pointee.href
            let matches = namespace.map { href != nil && xmlStrEqual(href, $0) == 1 } ?? (href == nil)
            if matches { found.append(XMLNode(pointer: node, document: self)) }
        }
        return found
    }
}
