import Foundation
import MGovCore
import Testing
@testable import MGovLog

@Suite struct EventTests {
    func event(_ json: String) throws -> LogEvent { try LogEvent(json: Data(json.utf8)) }

    @Test func aMinimalEventNeedsTypeAndTime() throws {
        let e = try event(#"{"event_type":"MConnect.Request.Served","event_time":"2026-11-23T10:00:00Z"}"#)
        #expect(e.type == "MConnect.Request.Served")
        #expect(e.time == "2026-11-23T10:00:00.000Z")
        #expect(throws: LogError.missingField("event_type")) { try event(#"{"event_time":"2026-11-23"}"#) }
        #expect(throws: LogError.missingField("event_time")) { try event(#"{"event_type":"A.B.C"}"#) }
    }

    @Test(arguments: ["2026-11-23", "2026-11-23T10:00:00", "2026-11-23T10:00:00.123", "2026-11-23T12:00:00.123+02:00",
                      "2026-11-23T12:00:00+0200", "2026-11-23T12:00:00+02"])
    func acceptsMLogTimeForms(_ time: String) throws {
        let e = try event(#"{"event_type":"A.B.C","event_time":"\#(time)"}"#)
        #expect(e.time.hasPrefix("2026-11-23T"))
        #expect(e.time.hasSuffix("Z"))
    }

    @Test func timesAreNormalisedToUTC() throws {
        #expect(try event(#"{"event_type":"A.B.C","event_time":"2026-11-23T12:00:00.5+02:00"}"#).time == "2026-11-23T10:00:00.500Z")
    }

    @Test(arguments: ["yesterday", "2026-13-01", "2026-02-30", "2026-11-23T25:00:00", "2026-11-23T10:00:00+99"])
    func refusesBadTimes(_ time: String) {
        #expect(throws: LogError.invalidTime(time)) { try event(#"{"event_type":"A.B.C","event_time":"\#(time)"}"#) }
    }

    @Test(arguments: ["A.B", "A..B", "1A.B.C", "A.B.C-D", "A.B.", ""])
    func refusesTypesNotOfTheFormSystemXY(_ type: String) {
        #expect(throws: LogError.invalidType(type)) { try event(#"{"event_type":"\#(type)","event_time":"2026-11-23"}"#) }
    }

    @Test(arguments: ["_id", "@seq", "@logged", "_"])
    func refusesReservedNames(_ name: String) {
        #expect(throws: LogError.reservedName(name)) {
            try event(#"{"event_type":"A.B.C","event_time":"2026-11-23","\#(name)":"x"}"#)
        }
    }

    @Test func refusesNamesWithOddCharacters() {
        #expect(throws: LogError.invalidName("a b")) { try event(#"{"event_type":"A.B.C","event_time":"2026-11-23","a b":"x"}"#) }
    }

    @Test func keepsOtherFieldsAsStringsAndArrays() throws {
        let e = try event(#"{"event_type":"A.B.C","event_time":"2026-11-23","n":5,"x":1.5,"ok":false,"o":{"b":1,"a":[true,null]},"tags":["a",2],"gone":null}"#)
        #expect(e.fields["n"] == .string("5"))
        #expect(e.fields["x"] == .string("1.5"))
        #expect(e.fields["ok"] == .string("false"))
        #expect(e.fields["o"] == .string(#"{"a":[true,null],"b":1}"#))
        #expect(e.fields["tags"] == .array(["a", "2"]))
        #expect(e.fields["gone"] == nil)
    }

    @Test func aStringFieldHoldsAtMost32766Bytes() throws {
        let fits = String(repeating: "a", count: 32_766)
        _ = try event(#"{"event_type":"A.B.C","event_time":"2026-11-23","event_message":"\#(fits)"}"#)
        #expect(throws: LogError.fieldTooLarge("event_message", bytes: 32_767)) {
            try event(#"{"event_type":"A.B.C","event_time":"2026-11-23","event_message":"\#(fits)a"}"#)
        }
        #expect(throws: LogError.fieldTooLarge("tags", bytes: 32_767)) {
            try event(#"{"event_type":"A.B.C","event_time":"2026-11-23","tags":["x","\#(fits)a"]}"#)
        }
    }

    @Test func anEventHoldsAtMost256KB() {
        let chunk = String(repeating: "b", count: 30_000)
        let fields = (0..<9).map { #""f\#($0)":"\#(chunk)""# }.joined(separator: ",")
        #expect {
            try event(#"{"event_type":"A.B.C","event_time":"2026-11-23",\#(fields)}"#)
        } throws: { error in
            if case LogError.eventTooLarge = error { return true }
            return false
        }
    }

    @Test(arguments: ["", "[]", "{", #"{"event_type":"A.B.C","event_time":"2026-11-23""#, "42", #"{"a":1}x"#,
                      // A name twice (also when escaped differently): parsers disagree on which value wins.
                      #"{"event_type":"A.B.C","event_time":"2026-11-23","user":"a","user":"b"}"#,
                      #"{"event_type":"A.B.C","event_time":"2026-11-23","user":"a","\u0075ser":"b"}"#])
    func refusesInvalidJSON(_ text: String) {
        #expect {
            try event(text)
        } throws: { error in
            if case LogError.invalidJSON = error { return true }
            return false
        }
    }

    @Test func namesInsideValuesAreNotCountedAsMembers() throws {
        let text = #"{"event_type":"A.B.C","event_time":"2026-11-23","list":["x","y,\"z\":1"],"msg":"a, \"b\": {c}","n":{"user":1,"user":2}}"#
        #expect(LogEvent.memberNameCount(Data(text.utf8)) == 5)
        #expect(try event(#" { "event_type" : "A.B.C" , "event_time":"2026-11-23" } "#).type == "A.B.C")
    }

    @Test func personalDataEventsAreRecognisedByType() throws {
        #expect(try event(#"{"event_type":"MPass.PersonalData.Access","event_time":"2026-11-23"}"#).isPersonalData)
        #expect(try event(#"{"event_type":"X.PersonalData.Transfer","event_time":"2026-11-23"}"#).isPersonalData)
        #expect(try !event(#"{"event_type":"MConnect.Request.Served","event_time":"2026-11-23"}"#).isPersonalData)
        // An event about a person (its subject an IDNP) is one too, whatever its type.
        #expect(try event(#"{"event_type":"MConnect.Request.Served","event_time":"2026-11-23","subject":"2001001001001","subject_type":"idnp"}"#).isPersonalData)
        #expect(try !event(#"{"event_type":"MConnect.Request.Served","event_time":"2026-11-23","subject":"x","subject_type":"service"}"#).isPersonalData)
        // A part between dots, not a piece of one.
        for type in ["PersonalData.Access", "X.PersonalData", "A.B.PersonalData.C"] { #expect(LogEvent.isPersonalDataType(type), "\(type)") }
        for type in ["X.PersonalDataAccess", "X.NonPersonalData.Y", "X.Personal.Data", "X.personaldata.Y", "", "."] {
            #expect(!LogEvent.isPersonalDataType(type), "\(type)")
        }
    }
}

@Suite struct CanonicalJSONTests {
    @Test func sortsMembersByUTF16CodeUnitsAndWritesNoWhitespace() {
        // By code point U+FB01 comes before U+1F600; in UTF-16 (0xFB01 vs 0xD83D 0xDE00) after it.
        let encoded = CanonicalJSON.encode(["b": .string("2"), "a": .array(["x", "y"]), "\u{FB01}": .string(""), "\u{1F600}": .string("")])
        #expect(String(decoding: encoded, as: UTF8.self) == "{\"a\":[\"x\",\"y\"],\"b\":\"2\",\"\u{1F600}\":\"\",\"\u{FB01}\":\"\"}")
    }

    @Test func escapesMinimally() throws {
        let text = "q\" b\\ \u{08}\u{09}\n\u{0C}\r \u{01}\u{1F} / é \u{7F}"
        let encoded = String(decoding: CanonicalJSON.encode(["k": .string(text)]), as: UTF8.self)
        #expect(encoded == #"{"k":"q\" b\\ \b\t\n\f\r \u0001\u001f / é "# + "\u{7F}" + #""}"#)
        #expect(try CanonicalJSON.decode(Data(encoded.utf8))["k"] == .string(text))
    }

    @Test func theEntryBytesOfAnEventDoNotDependOnInputOrder() throws {
        let a = try LogEvent(json: Data(#"{"user":"u","event_type":"A.B.C","event_time":"2026-11-23"}"#.utf8))
        let b = try LogEvent(json: Data(#"{"event_time":"2026-11-23T00:00:00Z","event_type":"A.B.C","user":"u"}"#.utf8))
        #expect(CanonicalJSON.encode(a.fields) == CanonicalJSON.encode(b.fields))
    }
}
