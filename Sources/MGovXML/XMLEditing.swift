import CLibXML2
import Foundation

extension XMLNode: Equatable {
    public static func == (a: XMLNode, b: XMLNode) -> Bool { a.pointer == b.pointer }
}

extension XMLNode {
    /// The parent element, nil for the document element.
    public var parent: XMLNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLNode(pointer: parent, document: document)
    }

    /// True when `self` is `other` or inside it.
    public func isInside(_ other: XMLNode) -> Bool {
        var current: XMLNode? = self
        while let node = current {
            if node == other { return true }
            current = node.parent
        }
        return false
    }

    /// The first child element with this local name and namespace.
    public func child(_ localName: String, namespace: String?) -> XMLNode? {
        elementChildren.first { $0.name == localName && $0.namespaceURI == namespace }
    }

    public func children(_ localName: String, namespace: String?) -> [XMLNode] {
        elementChildren.filter { $0.name == localName && $0.namespaceURI == namespace }
    }

    /// Adds a child element in `namespace`, declaring `prefix` on it when the
    /// namespace is not in scope already.
    @discardableResult
    public func addElement(_ localName: String, namespace: String, prefix: String) -> XMLNode {
        // safe: xmlNewDocNode fails only when out of memory
        let node = xmlNewDocNode(document.pointer, nil, localName, nil)!
        xmlAddChild(pointer, node)
        let inScope = xmlSearchNsByHref(document.pointer, node, namespace)
        let ns = inScope ?? xmlNewNs(node, namespace, prefix)
        xmlSetNs(node, ns)
        return XMLNode(pointer: node, document: document)
    }

    /// Adds text after the existing children.
    public func addText(_ text: String) {
        if let node = xmlNewDocText(document.pointer, text) { xmlAddChild(pointer, node) }
    }

    public func setAttribute(_ name: String, _ value: String) {
        xmlSetProp(pointer, name, value)
    }

    /// Copies `node` (from any document) with its subtree as the last child.
    @discardableResult
    public func addCopy(of node: XMLNode) -> XMLNode? {
        guard let copy = xmlDocCopyNode(node.pointer, document.pointer, 1) else { return nil }
        xmlAddChild(pointer, copy)
        return XMLNode(pointer: copy, document: document)
    }
}

extension XMLDocument {
    /// A new document whose root is an element in `namespace`, declared with `prefix`.
    public static func make(rootNamed localName: String, namespace: String, prefix: String, name: String = "document") -> (XMLDocument, XMLNode) {
        XMLLibrary.initialize()
        // safe: these allocations fail only when out of memory
        let doc = xmlNewDoc("1.0")!
        let root = xmlNewDocNode(doc, nil, localName, nil)!
        xmlDocSetRootElement(doc, root)
        xmlSetNs(root, xmlNewNs(root, namespace, prefix))
        let document = XMLDocument(taking: doc, name: name)
        return (document, XMLNode(pointer: root, document: document))
    }

    /// Every element carrying one of `attributeNames` (no namespace), or `xml:id` (an ID by its
    /// own specification, which libxml2 and getElementById honour), by value. Two elements with one
    /// ID value, in any of the names, is an error: a reference must resolve to exactly one element.
    public func elementsByID(attributeNames: [String]) throws -> IDIndex {
        var found: [String: xmlNodePtr] = [:]
        var duplicate: (String, xmlNodePtr, xmlNodePtr)?
        let names = attributeNames
        forEachElement { node in
            var attribute = node.pointee.properties
            while let attr = attribute {
                defer { attribute = attr.pointee.next }
                guard let name = attr.pointee.name else { continue }
                let isID: Bool
                if let ns = attr.pointee.ns {
                    isID = xmlStrEqual(name, "id") == 1 && xmlStrEqual(ns.pointee.href, "http://www.w3.org/XML/1998/namespace") == 1
                } else {
                    isID = names.contains(where: { xmlStrEqual(name, $0) == 1 })
                }
                guard isID else { continue }
                let value: String
                if let text = attr.pointee.children, text.pointee.next == nil, let content = text.pointee.content {
                    value = String(cString: content)
                } else if let content = xmlNodeListGetString(pointer, attr.pointee.children, 1) {
                    value = String(cString: content)
                    mgov_xmlFree(content)
                } else {
                    value = ""
                }
                if let existing = found[value] {
                    if existing != node, duplicate == nil { duplicate = (value, existing, node) }
                } else {
                    found[value] = node
                }
            }
        }
        if let (id, first, second) = duplicate {
            throw XMLError.duplicateID(id, paths: [XMLNode(pointer: first, document: self).path, XMLNode(pointer: second, document: self).path])
        }
        return IDIndex(nodes: found, document: self)
    }

    /// Calls `body` for every element, in document order, walking libxml2's links (no allocation per node).
    func forEachElement(_ body: (xmlNodePtr) -> Void) {
        guard let root = xmlDocGetRootElement(pointer) else { return }
        var node: xmlNodePtr? = root
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE { body(current) }
            if current.pointee.type == XML_ELEMENT_NODE, let child = current.pointee.children {
                node = child
                continue
            }
            var next: xmlNodePtr? = current
            while let n = next, n != root, n.pointee.next == nil { next = n.pointee.parent }
            guard let n = next, n != root else { return }
            node = n.pointee.next
        }
    }
}

/// Elements by ID value.
public struct IDIndex: @unchecked Sendable {
    // @unchecked: see XMLDocument.
    let nodes: [String: xmlNodePtr]
    let document: XMLDocument

    public subscript(id: String) -> XMLNode? {
        nodes[id].map { XMLNode(pointer: $0, document: document) }
    }

    public var count: Int { nodes.count }

    /// An index with no IDs (for documents whose references are all URI="").
    public static func empty(_ document: XMLDocument) -> IDIndex { IDIndex(nodes: [:], document: document) }
}

extension XMLDocument {
    /// Elements selected by an XPath 1.0 expression; `namespaces` maps prefixes usable in it.
    /// Throws `invalidXPath` unless `expression` is XPath libxml2 can compile (a syntax check,
    /// before any document is read; an unbound prefix is found only when it is evaluated).
    public static func checkXPath(_ expression: String) throws {
        XMLLibrary.initialize()
        XMLLibrary.silenceErrorsOnThisThread()
        guard let compiled = xmlXPathCompile(expression) else { throw XMLError.invalidXPath(expression) }
        xmlXPathFreeCompExpr(compiled)
    }

    public func select(xpath expression: String, namespaces: [String: String]) throws -> [XMLNode] {
        XMLLibrary.silenceErrorsOnThisThread()
        guard let context = xmlXPathNewContext(pointer) else { throw XMLError.notFound("out of memory") }
        defer { xmlXPathFreeContext(context) }
        for (prefix, uri) in namespaces { xmlXPathRegisterNs(context, prefix, uri) }
        guard let result = xmlXPathEvalExpression(expression, context) else {
            throw XMLError.invalidXPath(expression)
        }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval else { return [] }
        var nodes: [XMLNode] = []
        for i in 0..<Int(set.pointee.nodeNr) {
            if let node = set.pointee.nodeTab[i], node.pointee.type == XML_ELEMENT_NODE {
                nodes.append(XMLNode(pointer: node, document: self))
            }
        }
        return nodes
    }
}
