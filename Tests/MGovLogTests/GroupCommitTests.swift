import Foundation
import MGovCore
import MGovTestSupport
import Testing
@testable import MGovLog

@Suite struct GroupCommitTests {
    @Test func concurrentRecordsAllBecomeEntriesAndEachWaitsForItsOwn() async throws {
        let t = try TestLog()
        let group = GroupCommitLog(log: t.log, clock: .fixed(t.now))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for i in 0..<300 {
                tasks.addTask {
                    var event = AuditEvent(type: "MConnect.Request.Served", time: t.now)
                    event.set("n", String(i))
                    try await group.record(event)
                    // Once record returns, the entry is in the store.
                    let found = try await t.store.database.read { db in
                        try Int.fetchOne(db, sql: "SELECT count(*) FROM log_entry WHERE entry LIKE ?", arguments: ["%\"n\":\"\(i)\"%"])
                    }
                    #expect(found == 1)
                }
            }
            try await tasks.waitForAll()
        }
        let report = try t.log.verify()
        #expect(report.size == 300)
    }

    @Test func anInvalidEventIsRefusedWithoutTouchingOthers() async throws {
        let t = try TestLog()
        let group = GroupCommitLog(log: t.log, clock: .fixed(t.now))
        await #expect(throws: (any Error).self) { try await group.record(AuditEvent(type: "not-a-type", time: t.now)) }
        try await group.record(AuditEvent(type: "MDocs.Document.Added", time: t.now))
        #expect(try t.log.verify().size == 1)
    }
}
