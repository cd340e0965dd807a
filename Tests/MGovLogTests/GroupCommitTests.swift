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

    /// An event-loop caller whose event comes after a quiet spell commits it before `record` returns;
    /// callers from many threads at once are all committed (by the thread, mostly), once each.
    @Test func callbackRecordsCommitInlineWhenQuietAndQueueUnderLoad() throws {
        let t = try TestLog()
        let group = GroupCommitLog(log: t.log, clock: .fixed(t.now))
        let outcome = Outcomes()
        try group.record(AuditEvent(type: "MConnect.Request.Served", time: t.now)) { error in outcome.add(error) }
        #expect(outcome.count == 1, "committed before record returned")
        #expect(try t.log.treeHead().size == 1)
        DispatchQueue.concurrentPerform(iterations: 400) { i in
            try? group.record(AuditEvent(type: "MConnect.Request.Served", time: t.now, fields: ["n": .string("\(i)")])) { error in outcome.add(error) }
        }
        let deadline = Date(timeIntervalSinceNow: 30)
        while outcome.count < 401, Date() < deadline { usleep(1000) }
        #expect(outcome.count == 401 && outcome.errors == 0)
        let report = try t.log.verify()
        #expect(report.ok && report.size == 401)
        let distinct = try t.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT json_extract(entry, '$.n')) FROM log_entry") }
        #expect(distinct == 400)
    }

    @Test func anInvalidEventIsRefusedWithoutTouchingOthers() async throws {
        let t = try TestLog()
        let group = GroupCommitLog(log: t.log, clock: .fixed(t.now))
        await #expect(throws: (any Error).self) { try await group.record(AuditEvent(type: "not-a-type", time: t.now)) }
        try await group.record(AuditEvent(type: "MDocs.Document.Added", time: t.now))
        #expect(try t.log.verify().size == 1)
    }
}

/// Outcomes reported to `done` callbacks, from any thread.
final class Outcomes: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var reported = 0
    private var failed = 0
    func add(_ error: (any Error)?) { lock.withLock { reported += 1; if error != nil { failed += 1 } } }
    var count: Int { lock.withLock { reported } }
    var errors: Int { lock.withLock { failed } }
}
