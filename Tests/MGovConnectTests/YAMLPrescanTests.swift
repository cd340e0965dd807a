@testable import MGovConnect
import Testing

@Suite struct YAMLPrescanTests {
    func problem(_ yaml: String) -> YAMLPrescan.Problem? {
        do { try YAMLPrescan.check(Array(yaml.utf8)); return nil } catch let problem as YAMLPrescan.Problem { return problem } catch { return nil }
    }

    @Test func aConfigurationAsPeopleWriteItPasses() {
        let yaml = """
        # a provider: *not an alias* in a comment, [ nor a bracket
        services:
          people: { dataset: "people [2026].csv", key: [idnp] }
          cases:
            proxy: 'http://127.0.0.1:8080/it''s/*'
        grants:
          - client: MD/GOV/1002000000001/CASES   # the * here is a comment
            service: people
            legal_basis: [Legea 133/2011 art.5, "Legea *2*"]
            note: don't [read] this as a bracket, 2*3 is no alias
            purpose: |
              [[[[ a block scalar's text
              * is text too
            expires: 2027-01-01
          - &first { client: a, service: b }
        """
        #expect(problem(yaml) == nil)
    }

    @Test func deepNestingIsRefusedWithItsLine() {
        #expect(problem("a: 1\nb: " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65)) == .tooDeep(line: 2))
        #expect(problem("a: " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) == nil)
        #expect(problem(String(repeating: "- ", count: 200) + "x") == .tooDeep(line: 1))
        let indented = (0..<300).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n")
        #expect(problem(indented) == .tooDeep(line: 258))
    }

    @Test func aliasesAreRefusedWhereverANodeStarts() {
        #expect(problem("a: &x 1\nb: *x") == .alias(line: 2))
        #expect(problem("a: [1, *x]") == .alias(line: 1))
        #expect(problem("a:\n  - *x") == .alias(line: 2))
        #expect(problem("a: {k: *x}") == .alias(line: 1))
        #expect(problem("a: \"multi\n  line *x\"\nb: 'q'") == nil, "inside a quoted scalar")
    }
}
