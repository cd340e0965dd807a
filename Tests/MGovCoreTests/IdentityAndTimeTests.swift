import Foundation
import MGovCore
import Testing

@Suite struct IdentityTests {
    @Test(arguments: ["MD/GOV/1003600123456/SUBSYS", "EE/COM/12345678", "MD/GOV/100(3)+,-.=?'/X"])
    func acceptsValidIdentities(_ text: String) throws {
        #expect(try MemberIdentity(parsing: text).description == text)
    }

    @Test func splitsIntoParts() throws {
        let id = try MemberIdentity(parsing: "MD/GOV/1003600123456/SUBSYS")
        #expect(id.instance == "MD" && id.memberClass == "GOV" && id.memberCode == "1003600123456" && id.subsystem == "SUBSYS")
        #expect(id.member.description == "MD/GOV/1003600123456")
    }

    @Test(arguments: ["MD/GOV", "MD/GOV/1/2/3", "MD//1", "MD/GOV/12 34", "MD/GOV/1003:1", "MD/GOV/ăbc", ""])
    func refusesInvalidIdentities(_ text: String) {
        #expect(throws: CoreError.self) { try MemberIdentity(parsing: text) }
    }

    @Test func namesTheOffendingCharacter() {
        do {
            _ = try MemberIdentity(parsing: "MD/GOV/12 34")
            Issue.record("accepted a space")
        } catch {
            #expect(String(describing: error).contains("contains ' '"))
        }
    }
}

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_000_000.25)) == "2026-11-18T11:06:40.250Z")
    }

    @Test(arguments: [
        ("2026-11-23", 1_795_392_000.0),
        ("2026-11-23T10:00:00Z", 1_795_428_000.0),
        ("2026-11-23T10:00:00.500Z", 1_795_428_000.5),
        ("2026-11-23T12:00:00+02:00", 1_795_428_000.0),
        ("2026-11-23T12:00:00+0200", 1_795_428_000.0),
        ("2026-11-23T12:00:00+02", 1_795_428_000.0),
        ("2026-11-23 10:00:00", 1_795_428_000.0),
        ("2026-11-23T10:00", 1_795_428_000.0),
    ])
    func parsesAcceptedForms(_ text: String, _ expected: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.001)
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "26-11-23", "2026-11-23T25:00:00Z", "2026-11-23T10:00:00X", "yesterday", "2026-11-23T10:00:00.Z"])
    func refusesOtherForms(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTrips() throws {
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        let parsed = try #require(Timestamp.parse(Timestamp.format(now)))
        #expect(abs(parsed.timeIntervalSince1970 - now.timeIntervalSince1970) < 0.0005)
    }

    @Test func aBareDateEndsARangeAtTheEndOfThatDay() throws {
        #expect(Timestamp.format(try Timestamp.requireEnd("2026-12-31")) == "2026-12-31T23:59:59.999Z")
        #expect(Timestamp.format(try Timestamp.requireEnd("2026-12-31T10:00:00Z")) == "2026-12-31T10:00:00.000Z")
        #expect(throws: CoreError.self) { try Timestamp.requireEnd("2026-12-32") }
    }

    @Test func parsesDurations() {
        #expect(Timestamp.parseDuration("48h") == 172_800.0)
        #expect(Timestamp.parseDuration("5y") == 157_680_000.0)
        #expect(Timestamp.parseDuration("10") == nil)
        #expect(Timestamp.parseDuration("-1d") == nil)
    }
}

@Suite struct IdentifierTests {
    @Test func makesVersion7UUIDsOrderedByTime() {
        let a = Identifier.make(at: Date(timeIntervalSince1970: 1_000))
        let b = Identifier.make(at: Date(timeIntervalSince1970: 2_000))
        #expect(a < b)
        #expect(Array(a)[14] == "7")
        #expect(Identifier.make() != Identifier.make())
    }

    /// The text is Foundation's form of the same UUID in lower case: 8-4-4-4-12 hex digits, the
    /// version 7 and the RFC 9562 variant, and the milliseconds in the first 48 bits.
    @Test func theTextIsTheUUIDInLowerCase() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000.123)
        for _ in 0..<100 {
            let text = Identifier.make(at: date)
            let uuid = try #require(UUID(uuidString: text))
            #expect(uuid.uuidString.lowercased() == text)
            let parts = text.split(separator: "-").map(\.count)
            #expect(parts == [8, 4, 4, 4, 12])
            #expect(text.hasPrefix(String(UInt64(1_795_000_000_123), radix: 16).leftPadded(to: 12).prefix(8)))
            #expect(Array(text)[14] == "7" && "89ab".contains(Array(text)[19]))
            let v7 = Identifier.uuidV7(at: date)
            #expect(v7.uuid.6 >> 4 == 7 && v7.uuid.8 >> 6 == 2)
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
