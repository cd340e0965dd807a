import Foundation
@testable import MGovCore
import MGovTestSupport
import Testing

@Suite struct OperatorAccountTests {
    /// What `id -un` prints: the oracle for the account's name.
    func loginName() throws -> String {
        try TestProcess.run("/usr/bin/id", ["-un"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theAccountIsTheProcesssRealUser() throws {
        #expect(OperatorAccount.current(environment: [:]) == OperatorAccount(name: try loginName()))
    }

    @Test func sudosUserIsTakenOnlyFromSudoAsRoot() throws {
        let sudo = OperatorAccount.current(environment: ["SUDO_USER": "alice", "SUDO_UID": "1000"])
        // Anyone can set SUDO_USER: it names who ran sudo only when the process is root's.
        #expect(sudo.sudoFrom == (getuid() == 0 ? "alice" : nil))
        #expect(OperatorAccount.current(environment: ["SUDO_USER": "alice"]).sudoFrom == nil, "sudo sets SUDO_UID too")
        #expect(OperatorAccount.current(environment: ["SUDO_USER": "", "SUDO_UID": "1000"]).sudoFrom == nil)
    }

    @Test func eventsNameTheMemberAndTheAccountUnlessTheyNameTheirOwn() throws {
        let sink = ActorStampingSink(inner: TransactionRefusingSink(), source: "MD/GOV/1/A", account: OperatorAccount(name: "root", sudoFrom: "alice"))
        let plain = sink.stamped(AuditEvent("A.B.C", at: Date(), [:]))
        #expect(plain.fields == ["event_source": .string("MD/GOV/1/A"), "os_user": .string("root"), "os_sudo_user": .string("alice")])
        let own = sink.stamped(AuditEvent("A.B.C", at: Date(), ["event_source": "MD/GOV/2/B", "os_user": "job"]))
        #expect(own.fields == ["event_source": .string("MD/GOV/2/B"), "os_user": .string("job")], "the event's own account is not mixed with sudo's")
        // A server's sink (no account) names only the member.
        let served = ActorStampingSink(inner: TransactionRefusingSink(), source: "MD/GOV/1/A", account: nil).stamped(AuditEvent("A.B.C", at: Date(), [:]))
        #expect(served.fields == ["event_source": .string("MD/GOV/1/A")])
    }
}
