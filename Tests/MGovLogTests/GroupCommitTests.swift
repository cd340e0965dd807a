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

    /// The committing thread keeps the tree's frontier between batches; entries another writer
    /// appends in between (a CLI process on the same store) make it read the frontier again.
    @Test func batchesAfterAnotherWritersAppendsBuildOnThem() async throws {
        let t = try TestLog()
        let group = GroupCommitLog(log: t.log, clock: .fixed(t.now))
        let other = AuditLog(store: try Store(home: t.store.home, migrations: AuditLog.migrations))
        for round in 0..<5 {
            try await group.record(AuditEvent(type: "MConnect.Request.Served", time: t.now, fields: ["n": .string("\(round)")]))
            try other.append((0..<(round + 1)).map { i in try TestLog.event(i) }, loggedAt: t.now)
        }
        try await group.record(AuditEvent(type: "MConnect.Request.Served", time: t.now))
        let report = try t.log.verify()
        #expect(report.ok && report.size == 5 + 15 + 1)
        #expect(try t.log.inclusionProof(seq: 20, size: nil).verify() == .valid)
    }

    @Test func anInvalidEventIsRefusedWithoutTouchingOthers() async throws {
        let t = try TestLog()
        let group = GroupCommitLog(log: t.log, clock: .fixed(t.now))
        await #expect(throws: (any Error).self) { try await group.record(AuditEvent(type: "not-a-type", time: t.now)) }
        try await group.record(AuditEvent(type: "MDocs.Document.Added", time: t.now))
        #expect(try t.log.verify().size == 1)
    }
}
