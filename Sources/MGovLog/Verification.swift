import Foundation
import GRDB
import MGovCore
import MGovCrypto

/// What `AuditLog.verify` found.
public struct VerificationReport: Sendable, Encodable {
    public var ok: Bool { problem == nil }
    public var size: UInt64
    public var root: String
    public var entriesChecked: UInt64
    public var nodesChecked: UInt64
    public var checkpointsChecked: Int
    /// The first sequence number that is wrong (changed, missing, inserted or
    /// moved); for a log rewritten consistently, the first entry the matching
    /// checkpoints no longer cover.
    public var firstBadSeq: UInt64?
    public var problem: String?
    /// The size of the largest stored checkpoint (0: none). The entries after it are bound by no
    /// signature yet: someone with the store file could rewrite or cut them, with the tree, unnoticed.
    public var checkpointedSize: UInt64 = 0
    public var entriesAfterCheckpoint: UInt64 { size - min(size, checkpointedSize) }

    enum CodingKeys: String, CodingKey {
        case ok, size, root, entriesChecked = "entries_checked", nodesChecked = "nodes_checked"
        case checkpointsChecked = "checkpoints_checked", firstBadSeq = "first_bad_seq", problem
        case checkpointedSize = "checkpointed_size", entriesAfterCheckpoint = "entries_after_checkpoint"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(size, forKey: .size)
        try c.encode(root, forKey: .root)
        try c.encode(entriesChecked, forKey: .entriesChecked)
        try c.encode(nodesChecked, forKey: .nodesChecked)
        try c.encode(checkpointsChecked, forKey: .checkpointsChecked)
        try c.encodeIfPresent(firstBadSeq, forKey: .firstBadSeq)
        try c.encodeIfPresent(problem, forKey: .problem)
        try c.encode(checkpointedSize, forKey: .checkpointedSize)
        try c.encode(entriesAfterCheckpoint, forKey: .entriesAfterCheckpoint)
    }
}

extension AuditLog {
    /// Recomputes every leaf from its entry bytes and the whole tree from the
    /// leaves, compares them with every stored node and every stored checkpoint
    /// (whose signatures are checked too), in one streaming pass.
    /// `progress` is called now and then with the number of entries checked.
    public func verify(progress: (@Sendable (UInt64) -> Void)? = nil) throws -> VerificationReport {
        try store.read { db in try Self.verify(db, progress: progress) }
    }

    static func verify(_ db: Database, progress: (@Sendable (UInt64) -> Void)?) throws -> VerificationReport {
        let checkpoints = try Row.fetchAll(db, sql: "SELECT size, root, note, public_key FROM log_checkpoint ORDER BY size, id").map { row in
            (size: UInt64(row[0] as Int64), root: [UInt8](row[1] as Data), note: row[2] as String, key: row[3] as Data?)
        }
        var report = VerificationReport(size: 0, root: "", entriesChecked: 0, nodesChecked: 0, checkpointsChecked: 0)
        let storedSize = try Self.size(db)
        func fail(_ seq: UInt64, _ problem: String) -> VerificationReport {
            var failed = report
            failed.size = storedSize
            failed.firstBadSeq = seq
            failed.problem = problem
            return failed
        }

        // Signatures of stored checkpoints, and that each note says what its row says.
        for checkpoint in checkpoints {
            guard let parsed = try? Checkpoint.parse(checkpoint.note), parsed.size == checkpoint.size, parsed.root == checkpoint.root else {
                return fail(0, "the stored checkpoint for size \(checkpoint.size) is malformed or does not match its note")
            }
            if let der = checkpoint.key {
                let key = try PublicKey.load(der, path: "the stored checkpoint key")
                do { try parsed.verify(key: key) } catch {
                    return fail(0, "the stored checkpoint for size \(checkpoint.size) has a bad signature")
                }
            }
        }

        // The stored nodes in the order the recomputed tree completes them: by the leaf whose append
        // completed them, then level (the table's key).
        let storedNodes = try Row.fetchCursor(db, sql: "SELECT last_leaf, level, hash FROM log_node ORDER BY last_leaf, level")

        var frontier = MerkleFrontier()
        var nextCheckpoint = 0
        var lastGoodCheckpointSize: UInt64 = 0
        let entries = try Row.fetchCursor(db, sql: "SELECT seq, entry, leaf_hash, logged_at, event_time, event_type FROM log_entry ORDER BY seq")
        while let row = try entries.next() {
            let expected = frontier.size
            let seq = row[0] as Int64
            if seq < 0 || UInt64(seq) != expected {
                return fail(expected, seq > Int64(expected) ? "entry \(expected) is missing (deleted)" : "entry \(seq) is out of order")
            }
            // Two checks per entry: its bytes must embed its number and hash to its stored leaf; the
            // stored leaves must build the stored nodes (which catches an entry forged with a leaf hash
            // of its own).
            var specific: (UInt64, String)?
            let text: String = row[1]
            let canonical = Data(text.utf8)
            let stored = [UInt8](row[2] as Data)
            let embedded = Self.embeddedSeq(canonical)
            if embedded != expected {
                // The entry of another position is here: if it is an earlier one, everything from
                // that position on was shifted (an entry inserted there); if a later one, this is the first moved.
                let first = min(embedded ?? expected, expected)
                specific = (first, "entry \(first) is not where it was logged (an entry was inserted, moved or removed there)")
            } else if Merkle.leafHash(canonical) != stored {
                specific = (expected, "entry \(expected) was changed: its bytes no longer hash to its leaf hash")
            } else if let column = Self.columnNotInEntry(canonical, [("logged_at", "@logged", row[3]), ("event_time", "event_time", row[4]),
                                                                      ("event_type", "event_type", row[5])]) {
                // Queries read these copies, not the hashed bytes: a changed copy would hide the entry from them.
                specific = (expected, "entry \(expected) was changed: its stored \(column) is not the one in its hashed bytes")
            }
            var mismatch: (Int, UInt64)?
            try frontier.append(leaf: stored) { level, index, hash in
                guard level > 0, mismatch == nil else { return }
                guard let node = try storedNodes.next(), (node[0] as Int64) == seq, (node[1] as Int) == level, (node[2] as Data).elementsEqual(hash) else {
                    mismatch = (level, index)
                    return
                }
                report.nodesChecked += 1
            }
            // A failing entry is more precise than the node over it, which only bounds the damage.
            if let specific { return fail(specific.0, specific.1) }
            if let (level, index) = mismatch {
                let first = index << UInt64(level)
                return fail(first, "the stored tree node over entries \(first) to \(first + (UInt64(1) << UInt64(level)) - 1) does not match them (an entry there was changed, inserted or removed, or the tree was)")
            }
            report.entriesChecked += 1
            while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size == frontier.size {
                guard frontier.root == checkpoints[nextCheckpoint].root else {
                    return fail(lastGoodCheckpointSize, "the entries before \(frontier.size) no longer match the checkpoint of size \(frontier.size): the log was rewritten at or after entry \(lastGoodCheckpointSize)")
                }
                lastGoodCheckpointSize = frontier.size
                report.checkpointsChecked += 1
                nextCheckpoint += 1
            }
            if report.entriesChecked % 65_536 == 0 { progress?(report.entriesChecked) }
        }
        // Checkpoints of size 0 are checked against the empty tree.
        while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size == 0 {
            report.checkpointsChecked += 1
            nextCheckpoint += 1
        }
        report.size = frontier.size
        report.root = Hex.encode(frontier.root)
        report.checkpointedSize = lastGoodCheckpointSize
        if nextCheckpoint < checkpoints.count {
            return fail(frontier.size, "a checkpoint covers \(checkpoints[nextCheckpoint].size) entries but the log holds \(frontier.size): entries from \(frontier.size) on were deleted")
        }
        if let node = try storedNodes.next() {
            // Nodes are stored as appends complete them: one past the last entry was made by entries now gone.
            return fail(frontier.size, "the tree holds a node made by entry \(node[0] as Int64), but the log holds \(frontier.size) entries: entries from \(frontier.size) on were deleted")
        }
        if let (seq, problem) = try Self.subjectIndexProblem(db) { return fail(seq, problem) }
        progress?(report.entriesChecked)
        return report
    }

    /// The first of `columns` (column, the member it copies, its stored value) whose value is not that
    /// member's in the canonical bytes. An unescaped `"name":"value"` can only be that member (quotes
    /// in values are escaped).
    static func columnNotInEntry(_ canonical: Data, _ columns: [(column: String, member: String, value: String?)]) -> String? {
        var member: [UInt8] = []
        member.reserveCapacity(96)
        return canonical.withUnsafeBytes { entry -> String? in
            for (column, name, value) in columns {
                member.removeAll(keepingCapacity: true)
                JSONText.appendQuoted(name, to: &member)
                member.append(UInt8(ascii: ":"))
                JSONText.appendQuoted(value ?? "", to: &member)
                let found = member.withUnsafeBytes { Bytes.contains(entry, $0) }
                if value == nil || !found { return column }
            }
            return nil
        }
    }

    /// The access-history index must hold exactly the (entry, subject) pairs of the personal-data
    /// entries (`LogEvent.isPersonalData`), each in its entry's bucket: a pair removed would hide an
    /// access from the data subject, one added would invent one.
    static func subjectIndexProblem(_ db: Database) throws -> (UInt64, String)? {
        if let seq = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM log_subject WHERE bucket != seq >> \(subjectBucketShift)") {
            return (UInt64(seq), "the subject index misfiles entry \(seq) (its bucket was changed)")
        }
        // `LogEvent.isPersonalData` in SQL. Entries are canonical JSON: `"subject_type":"idnp"`
        // unescaped can only be that member.
        let personal = #"(('.' || e.event_type || '.') GLOB '*.PersonalData.*' OR instr(e.entry, '"subject_type":"idnp"') > 0)"#
        let expected = "SELECT e.seq AS seq, j.value AS subject FROM log_entry e, json_each(e.entry, '$.subject') j WHERE \(personal)"
        let indexed = "SELECT seq, subject FROM log_subject UNION SELECT seq, subject FROM log_subject_pending"
        if let seq = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM (\(expected) EXCEPT SELECT * FROM (\(indexed)))") {
            return (UInt64(seq), "entry \(seq) is missing from the subject index: its data subject's access history would not show it")
        }
        // Each indexed pair against its own entry (by seq): work in proportion to the index, not the log.
        if let seq = try Int64.fetchOne(db, sql: """
            SELECT MIN(s.seq) FROM (\(indexed)) s WHERE NOT EXISTS (
                SELECT 1 FROM log_entry e, json_each(e.entry, '$.subject') j WHERE e.seq = s.seq AND j.value = s.subject AND \(personal))
            """) {
            return (UInt64(seq), "the subject index names a subject for entry \(seq) that the entry does not")
        }
        return nil
    }

    /// The `@seq` value in canonical entry bytes. An unescaped `"@seq":"` can
    /// only be the member name: quotes inside values are always escaped.
    static func embeddedSeq(_ canonical: Data) -> UInt64? {
        let marker = Data("\"@seq\":\"".utf8)
        guard let range = canonical.range(of: marker) else { return nil }
        var value: UInt64 = 0
        var any = false
        for byte in canonical[range.upperBound...] {
            if byte == UInt8(ascii: "\"") { return any ? value : nil }
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
            any = true
        }
        return nil
    }
}
