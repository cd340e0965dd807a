import Foundation
import GRDB
import MGovCore
import MGovCrypto
import MGovTestSupport
import Testing
@testable import MGovLog

/// A log in a fresh real SQLite store.
struct TestLog {
    let dir: TemporaryDirectory
    let store: Store
    let log: AuditLog
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        dir = try TemporaryDirectory()
        store = try Store(home: MGovHome(path: dir.file("home")), migrations: AuditLog.migrations)
        log = AuditLog(store: store)
    }

    static func event(_ i: Int, type: String = "MConnect.Request.Served", subject: String? = nil) throws -> LogEvent {
        var fields: [String: AuditValue] = ["event_type": .string(type), "event_time": .string("2026-11-\(10 + i % 10)T10:00:00Z"),
                                            "user": .string("user\(i % 3)"), "n": .string(String(i))]
        if let subject { fields["subject"] = .string(subject) }
        return try LogEvent(fields: fields)
    }

    @discardableResult
    func append(_ count: Int, from start: Int = 0) throws -> [LogEntry] {
        try log.append((start..<start + count).map { try Self.event($0) }, loggedAt: now)
    }

    func sql(_ statement: String) throws {
        try store.database.writeWithoutTransaction { db in try db.execute(sql: statement) }
    }
}

@Suite struct AuditLogTests {
    @Test func appendedEntriesAreNumberedFromZeroAndHashedFromTheirCanonicalBytes() throws {
        let t = try TestLog()
        let entries = try t.append(3)
        #expect(entries.map(\.seq) == [0, 1, 2])
        let stored = try t.log.entry(1)
        #expect(stored == entries[1])
        #expect(stored.leafHash == Merkle.leafHash(stored.canonical))
        let text = String(decoding: stored.canonical, as: UTF8.self)
        #expect(text == #"{"@logged":"2026-11-18T11:06:40.000Z","@seq":"1","event_time":"2026-11-11T10:00:00.000Z","event_type":"MConnect.Request.Served","n":"1","user":"user1"}"#)
        #expect(stored.event["@seq"] == nil)
    }

    @Test func theTreeHeadIsTheRFC6962RootOfTheLeaves() throws {
        let t = try TestLog()
        var leaves: [TreeHash] = []
        for batch in [1, 1, 5, 13, 100] {
            leaves += try t.append(batch, from: leaves.count).map(\.leafHash)
            let head = try t.log.treeHead()
            #expect(head.size == UInt64(leaves.count))
            #expect(head.root == Reference.mth(leaves[...]))
        }
    }

    @Test func appendingWritesOnlyTheNodesItCompletes() throws {
        let t = try TestLog()
        try t.append(1000)
        let nodes = try t.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log_node") ?? -1 }
        #expect(nodes == 1000 - 1000.nonzeroBitCount)
    }

    @Test func aFailedBatchWritesNothing() throws {
        let t = try TestLog()
        try t.append(5)
        let before = try t.log.treeHead()
        #expect(throws: LogError.emptyBatch) { try t.log.append([], loggedAt: t.now) }
        // A batch that fails inside the transaction (a node row already present) is rolled back whole.
        try t.sql("INSERT INTO log_node (last_leaf, level, hash) VALUES (7, 1, x'00')")  // the node (1, 3) over leaves 6 and 7
        #expect(throws: (any Error).self) { try t.append(4, from: 5) }
        #expect(try t.log.treeHead() == before)
        #expect(try t.log.entries(after: nil, limit: 100).count == 5)
    }

    @Test func storedProofsVerify() throws {
        let t = try TestLog()
        try t.append(21)
        let head = try t.log.treeHead()
        for seq in [UInt64(0), 7, 20] {
            let proof = try t.log.inclusionProof(seq: seq, size: nil)
            #expect(proof.root == head.root)
            #expect(proof.verify() == .valid)
        }
        let older = try t.log.inclusionProof(seq: 3, size: 9)
        #expect(older.treeSize == 9)
        #expect(older.verify() == .valid)
        let consistency = try t.log.consistencyProof(oldSize: 9, newSize: nil)
        #expect(consistency.newRoot == head.root)
        #expect(consistency.verify() == .valid)
        #expect(throws: LogError.noSuchEntry(21, size: 21)) { try t.log.inclusionProof(seq: 21, size: nil) }
        #expect(throws: LogError.sizeOutOfRange(22, size: 21)) { try t.log.consistencyProof(oldSize: 3, newSize: 22) }
        #expect(throws: LogError.sizesReversed(old: 5, new: 3)) { try t.log.consistencyProof(oldSize: 5, newSize: 3) }
    }

    @Test func aProofWithAChangedEntryFails() throws {
        let t = try TestLog()
        try t.append(5)
        let proof = try t.log.inclusionProof(seq: 2, size: nil)
        let json = try JSONEncoder().encode(proof)
        let text = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "user2", with: "userX")
        guard case .inclusion(let bent) = try LogProof.decode(Data(text.utf8)) else { Issue.record("not inclusion"); return }
        #expect(bent.verify() == .failed("the entry does not hash to the proof's leaf hash"))
    }

    @Test func queriesFilterByTimeTypeAndFieldAndPage() throws {
        let t = try TestLog()
        try t.log.append((0..<30).map { try TestLog.event($0, type: $0 % 2 == 0 ? "MConnect.Request.Served" : "MSign.Document.Signed") }, loggedAt: t.now)
        var q = LogQuery()
        q.types = ["MSign.*"]
        #expect(try t.log.query(q).total == 15)
        q.filters = [("user", "user1")]
        let page = try t.log.query(q)
        #expect(page.entries.allSatisfy { $0.value("user") == "user1" && $0.value("event_type") == "MSign.Document.Signed" })
        #expect(page.total == 5)
        q = LogQuery()
        q.from = Timestamp.parse("2026-11-12")
        q.to = Timestamp.parse("2026-11-13T23:59:59Z")
        #expect(try t.log.query(q).total == 6)
        q = LogQuery()
        q.pageSize = 7
        q.page = 5
        let last = try t.log.query(q)
        #expect(last.total == 30)
        #expect(last.entries.map(\.seq) == [28, 29])
    }

    @Test func filtersMatchAnyElementOfAnArrayField() throws {
        let t = try TestLog()
        try t.log.append([try LogEvent(fields: ["event_type": .string("A.B.C"), "event_time": .string("2026-11-23"), "tags": .array(["red", "blue"])])], loggedAt: t.now)
        var q = LogQuery()
        q.filters = [("tags", "blue")]
        #expect(try t.log.query(q).total == 1)
        q.filters = [("tags", "green")]
        #expect(try t.log.query(q).total == 0)
    }

    @Test func accessHistoryListsOnlyPersonalDataEventsAboutTheSubject() throws {
        let t = try TestLog()
        try t.log.append([
            try TestLog.event(0, type: "MPass.PersonalData.Access", subject: "2001001001001"),
            try TestLog.event(1, type: "MConnect.Request.Served", subject: "2001001001001"),
            try TestLog.event(2, type: "MPass.PersonalData.Export", subject: "2009009009009"),
            try TestLog.event(3, type: "X.PersonalData.Search", subject: "2001001001001"),
        ], loggedAt: t.now)
        #expect(try t.log.accessHistory(subject: "2001001001001").map(\.seq) == [0, 3])
        #expect(try t.log.accessHistory(subject: "nobody").isEmpty)
    }

    /// Subjects wait in a pending list and move into the bucketed index in bulk; the history reads both,
    /// across buckets, and the cost of an append does not depend on the index.
    @Test func accessHistoryReadsPendingAndIndexedSubjectsAcrossBuckets() throws {
        let t = try TestLog()
        func counts() throws -> (indexed: Int, pending: Int) {
            try t.store.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log_subject") ?? -1, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log_subject_pending") ?? -1)
            }
        }
        let person = "2001001001001"
        // Entries 0...69,999 go in batches; every 1,000th is about the person (two of them name the person twice).
        for start in stride(from: 0, to: 70_000, by: 10_000) {
            try t.log.append((start..<start + 10_000).map { i -> LogEvent in
                var fields: [String: AuditValue] = ["event_type": .string("X.PersonalData.Access"), "event_time": .string("2026-11-10T10:00:00Z"),
                                                    "subject": .string("20090\(String(format: "%08d", i))")]
                if i % 1000 == 0 { fields["subject"] = i % 20_000 == 0 ? .array([person, person]) : .string(person) }
                return try LogEvent(fields: fields)
            }, loggedAt: t.now)
        }
        #expect(try counts() == (70_000, 0))
        let indexed = try t.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT bucket) FROM log_subject") }
        #expect(indexed == 2, "entries 0...65,535 and 65,536...69,999")
        // A few more, left pending (fewer than a batch).
        try t.log.append([try TestLog.event(1, type: "MConnect.Request.Served"), try LogEvent(fields: [
            "event_type": .string("MConnect.Request.Served"), "event_time": .string("2026-11-10T10:00:00Z"),
            "subject": .string(person), "subject_type": .string("idnp")])], loggedAt: t.now)
        #expect(try counts() == (70_000, 1))
        let expected = (0..<70).map { UInt64($0 * 1000) } + [70_001]
        #expect(try t.log.accessHistory(subject: person).map(\.seq) == expected)
        #expect(try t.log.accessHistory(subject: "2009000069999").map(\.seq) == [69_999])
        #expect(try t.log.accessHistory(subject: "2009000070000").isEmpty)
    }

    /// A store laid out before `log.3` (nodes keyed by level and index, subjects unbucketed) keeps
    /// its tree, its proofs and its history.
    @Test func anOlderStoreMovesIntoTheAppendOrderLayout() throws {
        // The tree of a real log, written out in the old layout.
        let source = try TestLog()
        try source.log.append((0..<37).map { i in try TestLog.event(i, type: "X.PersonalData.Access", subject: i % 2 == 0 ? "2001" : "2002") },
                               loggedAt: source.now)
        let head = try source.log.treeHead()
        let entries = try source.log.entries(after: nil, limit: 100)
        let nodes = try source.store.read { db in
            try Row.fetchAll(db, sql: "SELECT last_leaf, level, hash FROM log_node").map { row -> (level: Int, index: Int64, hash: Data) in
                let level: Int = row[1]
                return (level, ((row[0] as Int64) + 1) >> Int64(level) - 1, row[2])
            }
        }
        #expect(nodes.count == 37 - 37.nonzeroBitCount)
        let dir = try TemporaryDirectory()
        let home = MGovHome(path: dir.file("home"))
        let old = try Store(home: home, migrations: AuditLog.migrations.filter { $0.identifier != "log.3-append-order" })
        try old.write { db in
            for entry in entries {
                try db.execute(sql: "INSERT INTO log_entry (seq, logged_at, event_time, event_type, entry, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [Int64(entry.seq), entry.loggedAt, entry.value("event_time"), entry.value("event_type"),
                                           String(decoding: entry.canonical, as: UTF8.self), Data(entry.leafHash)])
                try db.execute(sql: "INSERT INTO log_subject (subject, seq) VALUES (?, ?)", arguments: [entry.seq % 2 == 0 ? "2001" : "2002", Int64(entry.seq)])
            }
            for node in nodes {
                try db.execute(sql: "INSERT INTO log_node (level, idx, hash) VALUES (?, ?, ?)", arguments: [node.level, node.index, node.hash])
            }
        }
        let log = AuditLog(store: try Store(home: home, migrations: AuditLog.migrations))
        #expect(try log.treeHead() == head)
        #expect(try log.verify().ok)
        for seq in [UInt64(0), 17, 36] { #expect(try log.inclusionProof(seq: seq, size: nil).verify() == .valid) }
        #expect(try log.consistencyProof(oldSize: 5, newSize: nil).verify() == .valid)
        #expect(try log.accessHistory(subject: "2002").map(\.seq) == stride(from: UInt64(1), to: 37, by: 2).map { $0 })
        // And it grows on: appends after the move verify with the moved nodes.
        try log.append((37..<70).map { try TestLog.event($0) }, loggedAt: source.now)
        #expect(try log.verify().ok)
    }
}

@Suite struct VerificationTests {
    func tampered(_ change: (TestLog) throws -> Void, entries: Int = 20) throws -> VerificationReport {
        let t = try TestLog()
        try t.append(entries)
        #expect(try t.log.verify().ok)
        try change(t)
        return try t.log.verify()
    }

    @Test func anIntactLogVerifies() throws {
        let t = try TestLog()
        try t.append(100)
        let report = try t.log.verify()
        #expect(report.ok)
        #expect(report.entriesChecked == 100)
        #expect(report.nodesChecked == 97)
        #expect(report.root == Hex.encode(try t.log.treeHead().root))
    }

    @Test func aChangedEntryIsNamed() throws {
        let report = try tampered { t in try t.sql("UPDATE log_entry SET entry = replace(entry, 'user1', 'userX') WHERE seq = 7") }
        #expect(report.firstBadSeq == 7)
    }

    @Test func aChangedEntryWithARecomputedLeafIsNamed() throws {
        let report = try tampered { t in
            let entry = try t.log.entry(9)
            let text = String(decoding: entry.canonical, as: UTF8.self).replacingOccurrences(of: "user0", with: "userX")
            let leaf = Data(Merkle.leafHash(Data(text.utf8)))
            try t.store.database.writeWithoutTransaction { db in
                try db.execute(sql: "UPDATE log_entry SET entry = ?, leaf_hash = ? WHERE seq = 9", arguments: [text, leaf])
            }
        }
        #expect(report.firstBadSeq == 8)  // the level-1 node over entries 8 and 9 no longer matches
        #expect(report.problem?.contains("8 to 9") == true)
    }

    /// Queries read copies of an entry's type and times, and the subject index: a change to them
    /// would hide an entry from `log query` or a person's access history, so verify compares them too.
    @Test func changedQueryColumnsAreNamed() throws {
        for (column, value) in [("event_type", "X.Y.Z"), ("event_time", "2020-01-01T00:00:00Z"), ("logged_at", "2020-01-01T00:00:00Z")] {
            let report = try tampered { t in try t.sql("UPDATE log_entry SET \(column) = '\(value)' WHERE seq = 6") }
            #expect(report.firstBadSeq == 6 && report.problem?.contains("its stored \(column)") == true, "\(column): \(String(describing: report.problem))")
            #expect(report.size == 20, "the report gives the log's size even when it fails")
        }
    }

    @Test func aChangedSubjectIndexIsNamed() throws {
        func personal() throws -> TestLog {
            let t = try TestLog()
            try t.log.append((0..<10).map { try TestLog.event($0, type: "MConnect.PersonalData.Access", subject: "200\($0 % 2)") }, loggedAt: t.now)
            try t.store.database.write { db in try AuditLog.indexSubjects(db, atLeast: 1) }  // half in the index, half pending
            try t.log.append((10..<20).map { try TestLog.event($0, type: "MConnect.PersonalData.Access", subject: "200\($0 % 2)") }, loggedAt: t.now)
            #expect(try t.log.verify().ok)
            return t
        }
        for (change, seq, words) in [("DELETE FROM log_subject WHERE seq = 3", UInt64(3), "missing from the subject index"),
                                     ("DELETE FROM log_subject_pending WHERE seq = 14", 14, "missing from the subject index"),
                                     ("UPDATE log_subject SET subject = '2009' WHERE seq = 5", 5, "missing from the subject index"),
                                     ("INSERT INTO log_subject_pending VALUES (2, '2001')", 2, "names a subject"),
                                     ("UPDATE log_subject SET bucket = 1 WHERE seq = 7", 7, "bucket")] {
            let t = try personal()
            try t.sql(change)
            let report = try t.log.verify()
            #expect(report.firstBadSeq == seq && report.problem?.contains(words) == true, "\(change): \(String(describing: report.problem))")
        }
    }

    @Test func aDeletedEntryIsNamed() throws {
        let report = try tampered { t in try t.sql("DELETE FROM log_entry WHERE seq = 11") }
        #expect(report.firstBadSeq == 11)
        #expect(report.problem?.contains("missing") == true)
    }

    /// Entries cut off the end leave the nodes they made: verify names the cut, and an append says
    /// what is wrong instead of failing on a raw constraint.
    @Test func entriesCutOffTheEndAreFoundByTheNodesTheyLeft() throws {
        let t = try TestLog()
        try t.append(20)
        try t.sql("DELETE FROM log_entry WHERE seq >= 12")
        let report = try t.log.verify()
        #expect(!report.ok && report.firstBadSeq == 12 && report.problem?.contains("entries from 12 on were deleted") == true,
                "\(String(describing: report.problem))")
        #expect(throws: LogError.self) { try t.append(2) }
    }

    @Test func swappedEntriesAreNamed() throws {
        let report = try tampered { t in
            try t.sql("UPDATE log_entry SET seq = -1 WHERE seq = 4; UPDATE log_entry SET seq = 4 WHERE seq = 5; UPDATE log_entry SET seq = 5 WHERE seq = -1")
        }
        #expect(report.firstBadSeq == 4)
    }

    @Test func anInsertedEntryIsNamed() throws {
        let report = try tampered { t in
            // Shift entries 12... up by one and put a forged entry at 12, with a correct leaf hash of its own bytes.
            let forged = #"{"@logged":"2026-11-18T20:26:40.000Z","@seq":"12","event_time":"2026-11-12T10:00:00.000Z","event_type":"A.B.C"}"#
            try t.sql("UPDATE log_entry SET seq = seq + 1000 WHERE seq >= 12; UPDATE log_entry SET seq = seq - 999 WHERE seq >= 1012")
            try t.store.database.writeWithoutTransaction { db in
                try db.execute(sql: "INSERT INTO log_entry (seq, logged_at, event_time, event_type, entry, leaf_hash) VALUES (12, '', '', 'A.B.C', ?, ?)",
                               arguments: [forged, Data(Merkle.leafHash(Data(forged.utf8)))])
            }
        }
        #expect(report.firstBadSeq == 12)
    }

    @Test func truncationBelowACheckpointIsNamed() throws {
        let t = try TestLog()
        try t.append(10)
        let key = try TestKeys.ed25519(in: t.dir)
        try t.log.saveCheckpoint(try Checkpoint.sign(origin: "test/log", head: try t.log.treeHead(), key: key), publicKey: try key.publicKey().der, source: "local", at: t.now)
        try t.sql("DELETE FROM log_entry WHERE seq >= 8")
        let report = try t.log.verify()
        #expect(report.firstBadSeq == 8)
        #expect(report.problem?.contains("deleted") == true)
        // Entries appended now would take the deleted ones' places, and verify could no longer say where the cut was.
        #expect(throws: LogError.self) { try t.append(1, from: 8) }
        #expect(try t.log.verify().firstBadSeq == 8)
    }

    @Test func aConsistentRewriteIsCaughtByTheCheckpoint() throws {
        let t = try TestLog()
        try t.append(8)
        let key = try TestKeys.ed25519(in: t.dir)
        try t.log.saveCheckpoint(try Checkpoint.sign(origin: "test/log", head: try t.log.treeHead(), key: key), publicKey: try key.publicKey().der, source: "local", at: t.now)
        try t.append(4, from: 8)
        // Rewrite the whole log consistently (entries, leaves and nodes), as someone with the file could.
        let events = try t.log.entries(after: nil, limit: 100).map { entry -> LogEvent in
            var fields = entry.event
            if entry.seq == 3 { fields["user"] = .string("nobody") }
            return try LogEvent(fields: fields)
        }
        // The checkpoint is set aside meanwhile (an append refuses to write over a cut it proves).
        try t.sql("DELETE FROM log_entry; DELETE FROM log_node; CREATE TABLE kept AS SELECT * FROM log_checkpoint; DELETE FROM log_checkpoint")
        try t.log.append(events, loggedAt: t.now)
        try t.sql("INSERT INTO log_checkpoint SELECT * FROM kept; DROP TABLE kept")
        let report = try t.log.verify()
        #expect(!report.ok)
        #expect(report.firstBadSeq == 0)
        #expect(report.problem?.contains("checkpoint of size 8") == true)
    }
}

enum TestKeys {
    static func ed25519(in dir: TemporaryDirectory, name: String = "ed") throws -> PrivateKey {
        let path = dir.file("\(name).key")
        try TestProcess.openssl(["genpkey", "-algorithm", "ed25519", "-out", path])
        return try PrivateKey.load(path: path) { "" }
    }
}
