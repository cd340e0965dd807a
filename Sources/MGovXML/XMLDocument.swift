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
        switch Self.attributeProblem(data) {
        case nil: break
        case .tooMany(let line)?: throw XMLError.tooManyAttributes(name: name, line: line)
        case .tooManyDefaults(let line)?: throw XMLError.tooManyAttributeDefaults(name: name, line: line)
        case .tooLong(let line)?: throw XMLError.attributeTooLong(name: name, line: line)
        case .unreadable(let reason)?: throw XMLError.malformed(name: name, line: 0, message: reason)
        }
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
            // libxml2's own words name a parser option ("use XML_PARSE_HUGE option") no user can set.
            if message.hasPrefix("Excessive depth in document") { throw XMLError.tooDeep(name: name, line: line) }
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

    /// The most attributes (namespace declarations included) one element may have. libxml2 2.9
    /// checks each attribute against those before it and appends it by walking the list, so an
    /// element's attributes cost their count squared: 40,000 of them, in 600 KB, took 6 s to parse,
    /// and a 2 MB file minutes. Real documents (XAdES, UBL, MDocs metadata) stay in the tens. An
    /// internal DTD subset is held to as many quoted values: its attribute defaults are applied to
    /// every element they name (XML_PARSE_DTDATTR).
    public static let maximumAttributes = 1000
    /// The longest attribute value libxml2 reads without its "huge" option (XML_MAX_TEXT_LENGTH).
    static let maximumAttributeBytes = 10_000_000

    /// What the attribute scan found wrong, with the line.
    enum AttributeProblem: Error, Equatable {
        case tooMany(line: Int)
        case tooManyDefaults(line: Int)
        case tooLong(line: Int)
        /// An encoding whose markup is not ASCII's bytes and that mgov does not transcode (EBCDIC), or
        /// UTF-16/32 that does not decode.
        case unreadable(String)
    }

    /// The document's bytes as the scan reads them: itself when its encoding writes markup as ASCII
    /// does (UTF-8, ISO-8859-x, windows-125x, Shift_JIS and the other multi-byte ones, whose
    /// following bytes are never '<', '>' or a quote), else UTF-16 or UTF-32 transcoded to UTF-8
    /// (there a character's bytes can be '>': U+4E3E). Found as libxml2 finds it, from a byte-order
    /// mark or the first bytes of "<?xml".
    static func markupBytes(_ data: Data) -> Result<Data, AttributeProblem> {
        let head = Array(data.prefix(4)) + [1, 1, 1, 1]
        let encoding: String.Encoding?
        var skip = 0
        switch (head[0], head[1], head[2], head[3]) {
        case (0x00, 0x00, 0xFE, 0xFF): encoding = .utf32BigEndian; skip = 4
        case (0xFF, 0xFE, 0x00, 0x00): encoding = .utf32LittleEndian; skip = 4
        case (0x00, 0x00, 0x00, 0x3C): encoding = .utf32BigEndian
        case (0x3C, 0x00, 0x00, 0x00): encoding = .utf32LittleEndian
        case (0xFE, 0xFF, _, _): encoding = .utf16BigEndian; skip = 2
        case (0xFF, 0xFE, _, _): encoding = .utf16LittleEndian; skip = 2
        case (0x00, 0x3C, _, _): encoding = .utf16BigEndian
        case (0x3C, 0x00, _, _): encoding = .utf16LittleEndian
        case (0x4C, 0x6F, 0xA7, 0x94): return .failure(.unreadable("it is in EBCDIC, which mgov does not read"))
        default: encoding = nil
        }
        guard let encoding else { return .success(data) }
        guard let text = String(data: data.dropFirst(skip), encoding: encoding) else {
            return .failure(.unreadable("it does not decode as the \(encoding == .utf16BigEndian || encoding == .utf16LittleEndian ? "UTF-16" : "UTF-32") its first bytes say"))
        }
        return .success(Data(text.utf8))
    }

    /// Where (its line) a start tag has more than `maximumAttributes` attributes or a value over
    /// `maximumAttributeBytes`, or an internal DTD subset more than `maximumAttributes` quoted values,
    /// found by one pass over the bytes before libxml2 reads the document; nil when none does.
    /// Comments, CDATA sections and processing instructions are skipped; in a start tag every
    /// attribute has one quoted value, so the quotes count them. Every step moves past what it read
    /// (the pass is linear, whatever the input); what is not well-formed is left for libxml2 to report.
    static func attributeProblem(_ document: Data) -> AttributeProblem? {
        let data: Data
        switch markupBytes(document) {
        case .success(let bytes): data = bytes
        case .failure(let problem): return problem
        }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> AttributeProblem? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            let count = raw.count
            /// The index of `byte` at or after `start`, or nil.
            func next(_ byte: UInt8, from start: Int) -> Int? {
                guard start < count, let found = memchr(base + start, Int32(byte), count - start) else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            func matches(_ pattern: StaticString, at index: Int) -> Bool {
                let length = pattern.utf8CodeUnitCount
                guard index + length <= count else { return false }
                return memcmp(base + index, pattern.utf8Start, length) == 0
            }
            /// The index just past the first `terminator` at or after `start` (count when there is none).
            func past(_ terminator: StaticString, from start: Int) -> Int {
                let first = terminator.utf8Start.pointee
                var i = start
                while let found = next(first, from: i) {
                    if matches(terminator, at: found) { return found + terminator.utf8CodeUnitCount }
                    i = found + 1
                }
                return count
            }
            /// The index just past the quoted value that opens at `quote`, or nil when it is too long.
            func pastQuoted(_ quote: Int) -> Int? {
                let end = next(base[quote], from: quote + 1) ?? count
                return end - quote - 1 > maximumAttributeBytes ? nil : end + 1
            }
            func line(at index: Int) -> Int { 1 + UnsafeBufferPointer(start: base, count: index).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
            let doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")
            var i = 0
            while let open = next(UInt8(ascii: "<"), from: i) {
                if matches("<!--", at: open) {
                    i = past("-->", from: open + 4)
                } else if matches("<![CDATA[", at: open) {
                    i = past("]]>", from: open + 9)
                } else if matches("<?", at: open) {
                    i = past("?>", from: open + 2)
                } else if matches("<!DOCTYPE", at: open) {
                    // Literals (SYSTEM "x[y]") first, then the internal subset to its ']', then '>'.
                    var j = open + 9, values = 0, inSubset = false
                    walk: while j < count {
                        let byte = base[j]
                        if byte == doubleQuote || byte == singleQuote {
                            guard let after = pastQuoted(j) else { return .tooLong(line: line(at: j)) }
                            if inSubset {
                                values += 1
                                if values > maximumAttributes { return .tooManyDefaults(line: line(at: open)) }
                            }
                            j = after
                        } else if inSubset, matches("<!--", at: j) {
                            j = past("-->", from: j + 4)
                        } else if inSubset, matches("<?", at: j) {
                            j = past("?>", from: j + 2)
                        } else if byte == UInt8(ascii: "["), !inSubset {
                            inSubset = true
                            j += 1
                        } else if byte == UInt8(ascii: "]"), inSubset {
                            inSubset = false
                            j += 1
                        } else if byte == UInt8(ascii: ">"), !inSubset {
                            j += 1
                            break walk
                        } else {
                            j += 1
                        }
                    }
                    i = j
                } else if matches("<!", at: open) {
                    // No other declaration belongs outside a DTD: libxml2 refuses it.
                    i = (next(UInt8(ascii: ">"), from: open) ?? count) + 1
                } else {
                    // A start or end tag: quoted values up to the first '>' outside quotes.
                    var attributes = 0
                    var j = open + 1
                    while j < count, base[j] != UInt8(ascii: ">") {
                        if base[j] == doubleQuote || base[j] == singleQuote {
                            guard let after = pastQuoted(j) else { return .tooLong(line: line(at: j)) }
                            attributes += 1
                            if attributes > maximumAttributes { return .tooMany(line: line(at: open)) }
                            j = after
                        } else {
                            j += 1
                        }
                    }
                    i = j + 1
                }
            }
            return nil
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
