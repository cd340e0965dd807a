import Foundation
import MGovTestSupport
import MGovXML
import Testing

/// One input/output pair from Fixtures/c14n/manifest.json (W3C examples; see its README).
struct C14NCase: Decodable, CustomTestStringConvertible, Sendable {
    struct Apex: Decodable, Sendable { let localName: String; let namespace: String? }
    let input: String
    let expected: String
    let method: String
    let apex: Apex?
    let inclusiveNamespacesPrefixList: String?
    let section: String?

    var testDescription: String { "\(input) → \(expected) [\(method)\(inclusiveNamespacesPrefixList.map { " prefixes: \($0)" } ?? "")]" }

    static let fixtures: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/c14n")  // safe: resources are copied by the package

    static func all() throws -> [C14NCase] {
        struct Manifest: Decodable { let cases: [C14NCase] }
        let data = try Data(contentsOf: fixtures.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(Manifest.self, from: data).cases
    }
}

@Suite struct CanonicalizationTests {
    @Test(arguments: try C14NCase.all())
    func matchesTheW3CExamples(_ c: C14NCase) throws {
        let input = try Data(contentsOf: C14NCase.fixtures.appendingPathComponent(c.input))
        let expected = try Data(contentsOf: C14NCase.fixtures.appendingPathComponent(c.expected))
        let document = try XMLDocument(data: input, name: c.input)
        let method = try #require(CanonicalizationMethod(shortName: c.method.replacingOccurrences(of: "c14n10", with: "c14n")))
        var selection = NodeSelection.document
        if let apex = c.apex {
            let element = try #require(document.elements(named: apex.localName, namespace: apex.namespace).first)
            selection = .subtree(element, excluding: nil)
        }
        let prefixes = c.inclusiveNamespacesPrefixList.map { $0.split(separator: " ").map(String.init) } ?? []
        let output = try Canonicalizer.canonicalize(document, selection: selection, method: method, inclusivePrefixes: prefixes)
        #expect(String(decoding: output, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test func excludingASubtreeDropsItAndNothingElse() throws {
        let document = try XMLDocument(data: Data(#"<r xmlns:a="urn:a"><keep a:x="1">text</keep><drop><inner/></drop><after/></r>"#.utf8))
        let root = try #require(document.root)
        let drop = try #require(root.elementChildren.first { $0.name == "drop" })
        let output = try Canonicalizer.canonicalize(document, selection: .subtree(root, excluding: drop), method: .exclusive)
        #expect(String(decoding: output, as: UTF8.self) == #"<r><keep xmlns:a="urn:a" a:x="1">text</keep><after></after></r>"#)
    }

    @Test func inclusiveC14NOfASubtreeCarriesAncestorNamespaces() throws {
        let document = try XMLDocument(data: Data(#"<r xmlns="urn:d" xmlns:a="urn:a"><e/></r>"#.utf8))
        let e = try #require(document.root?.elementChildren.first)
        let inclusive = try Canonicalizer.canonicalize(document, selection: .subtree(e, excluding: nil), method: .c14n10)
        let exclusive = try Canonicalizer.canonicalize(document, selection: .subtree(e, excluding: nil), method: .exclusive)
        #expect(String(decoding: inclusive, as: UTF8.self) == #"<e xmlns="urn:d" xmlns:a="urn:a"></e>"#)
        #expect(String(decoding: exclusive, as: UTF8.self) == #"<e xmlns="urn:d"></e>"#)
    }

    @Test func methodsHaveTheirXMLDSigURIs() {
        #expect(CanonicalizationMethod(uri: "http://www.w3.org/2001/10/xml-exc-c14n#") == .exclusive)
        #expect(CanonicalizationMethod(uri: "http://www.w3.org/2006/12/xml-c14n11") == .c14n11)
        #expect(CanonicalizationMethod(shortName: "c14n-with-comments")?.keepsComments == true)
    }
}

@Suite struct HardenedParsingTests {
    @Test func refusesExternalEntities() throws {
        let dir = try TemporaryDirectory()
        let secret = try dir.write("secret.txt", "TOP SECRET")
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file://\(secret)\">]><r>&x;</r>"
        #expect(throws: XMLError.entityDeclarations(name: "xxe.xml")) { _ = try XMLDocument(data: Data(xxe.utf8), name: "xxe.xml") }
    }

    @Test func refusesBillionLaughsQuickly() throws {
        var dtd = "<!ENTITY lol0 \"lol\">"
        for i in 1...9 { dtd += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [\(dtd)]><r a=\"&lol9;\">&lol9;</r>"
        let start = Date()
        #expect(throws: XMLError.self) { _ = try XMLDocument(data: Data(bomb.utf8), name: "bomb.xml") }
        #expect(Date().timeIntervalSince(start) < 5)  // refused, not expanded (a generous bound, not a benchmark)
    }

    @Test func refusesEntitiesHiddenInUTF16() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>"
        var data = Data([0xFF, 0xFE])
        data.append(text.data(using: .utf16LittleEndian)!)  // safe: constant ASCII text
        #expect(throws: XMLError.self) { _ = try XMLDocument(data: data, name: "utf16.xml") }
    }

    @Test func neverLoadsAnExternalDTD() throws {
        let dir = try TemporaryDirectory()
        try dir.write("evil.dtd", "<!ATTLIST r injected CDATA \"from-the-dtd\">")
        let doc = "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"\(dir.file("evil.dtd"))\"><r/>"
        let document = try XMLDocument(data: Data(doc.utf8))
        #expect(document.root?.attribute("injected") == nil)
    }

    @Test func acceptsAttributeListDeclarations() throws {
        let doc = "<!DOCTYPE r [<!ATTLIST r a CDATA \"dflt\">]><r/>"
        #expect(try XMLDocument(data: Data(doc.utf8)).root?.attribute("a") == "dflt")
    }

    @Test func refusesAnElementWithTooManyAttributes() throws {
        func element(_ n: Int, quote: String = "\"") -> String {
            "<e " + (0..<n).map { "a\($0)=\(quote)1\(quote)" }.joined(separator: " ") + "/>"
        }
        // 40,000 attributes took libxml2 6 s; refused before it reads them.
        #expect(throws: XMLError.tooManyAttributes(name: "many.xml", line: 2)) {
            _ = try XMLDocument(data: Data("<r>\n\(element(40_000, quote: "'"))</r>".utf8), name: "many.xml")
        }
        #expect(try XMLDocument(data: Data("<r>\(element(XMLDocument.maximumAttributes))</r>".utf8)).root?.children.first?.attribute("a999") == "1")
        // Quotes in text, comments, CDATA, instructions and the DOCTYPE are no attributes; nor is a '>' in a value.
        let many = String(repeating: "\"'", count: 2000)
        let apostrophes = String(repeating: "'", count: 2000)
        let other = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ATTLIST r a CDATA \"\(apostrophes)\">]><?pi \(many)?><r x=\"a>b\">\(many)<!-- \(many) --><![CDATA[\(many)]]></r>"
        #expect(try XMLDocument(data: Data(other.utf8)).root?.attribute("x") == "a>b")
    }

    @Test func theAttributeLimitCannotBeWalkedAround() throws {
        let many = (0..<1001).map { "a\($0)=\"1\"" }.joined(separator: " ")
        func refused(_ text: String, _ expected: XMLError) {
            #expect(throws: expected) { _ = try XMLDocument(data: Data(text.utf8), name: "x.xml") }
        }
        // One over the limit; a DOCTYPE closed by "] >", or with a '[' in its system id, hides nothing after it.
        refused("<r \(many)/>", .tooManyAttributes(name: "x.xml", line: 1))
        refused("<!DOCTYPE r [ ] >\n<r \(many)/>", .tooManyAttributes(name: "x.xml", line: 2))
        refused("<!DOCTYPE r SYSTEM \"x[y]\">\n<r \(many)/>", .tooManyAttributes(name: "x.xml", line: 2))
        // Attribute defaults in the internal subset land on every element they name.
        let defaults = (0..<1001).map { "<!ATTLIST e a\($0) CDATA \"1\">" }.joined()
        refused("<!DOCTYPE r [\(defaults)]><r><e/></r>", .tooManyAttributeDefaults(name: "x.xml", line: 1))
        // A value over libxml2's 10 MB.
        refused("<r a=\"\(String(repeating: "v", count: 10_000_001))\"/>", .attributeTooLong(name: "x.xml", line: 1))
        // UTF-16 (no byte-order mark): U+4E3E's bytes hold a '>', so the scan reads it transcoded.
        let wide = "<r " + (0..<1001).map { "\u{4E3E}\($0)=\"1\"" }.joined(separator: " ") + "/>"
        #expect(throws: XMLError.tooManyAttributes(name: "wide.xml", line: 1)) {
            _ = try XMLDocument(data: wide.data(using: .utf16LittleEndian)!, name: "wide.xml")  // safe: a Swift string always encodes
        }
        // The scan is one pass: 20 MB of stray declarations (each once searched to the end) is quick.
        let stray = Data(String(repeating: "<!x>", count: 5_000_000).utf8)
        let start = Date()
        #expect(throws: XMLError.self) { _ = try XMLDocument(data: stray, name: "stray.xml") }
        #expect(Date().timeIntervalSince(start) < 30)  // a generous bound, not a benchmark: quadratic took hours
    }

    @Test func saysInItsOwnWordsWhenADocumentIsTooDeep() throws {
        let deep = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
        #expect(throws: XMLError.tooDeep(name: "deep.xml", line: 1)) { _ = try XMLDocument(data: Data(deep.utf8), name: "deep.xml") }
        #expect(!XMLError.tooDeep(name: "deep.xml", line: 1).description.contains("XML_PARSE"))
    }

    @Test func reportsTheLineOfMalformedInput() throws {
        #expect(throws: XMLError.self) { _ = try XMLDocument(data: Data("<r>\n<a>\n</r>".utf8), name: "bad.xml") }
        do {
            _ = try XMLDocument(data: Data("<r>\n<a>\n</r>".utf8), name: "bad.xml")
        } catch let XMLError.malformed(name, line, _) {
            #expect(name == "bad.xml")
            #expect(line == 3)
        }
    }
}
