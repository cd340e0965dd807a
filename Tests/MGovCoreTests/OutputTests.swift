import MGovCore
import Testing

@Suite struct OneLineMessageTests {
    /// An error quoting a file name or an address stays one line, whatever it holds.
    @Test func controlCharactersAreWrittenEscaped() {
        #expect(Console.oneLine("plain text, ünïcode") == "plain text, ünïcode")
        #expect(Console.oneLine("email:a@b.md\r\nRCPT TO:<e@x.md>") == #"email:a@b.md\r\nRCPT TO:<e@x.md>"#)
        #expect(Console.oneLine("a\tb\u{1B}[2Jc\u{7F}\u{2028}\u{202E}") == #"a\tb\u{1b}[2Jc\u{7f}\u{2028}\u{202e}"#)
    }
}
