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

    enum CodingKeys: String, CodingKey {
        case ok, size, root, entriesChecked = "entries_checked", nodesChecked = "nodes_checked"
        case checkpointsChecked = "checkpoints_checked", firstBadSeq = "first_bad_seq", problem
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
        func fail(_ seq: UInt64, _ problem: String) -> VerificationReport {
            var failed = report
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
        let entries = try Row.fetchCursor(db, sql: "SELECT seq, entry, leaf_hash FROM log_entry ORDER BY seq")
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
        if nextCheckpoint < checkpoints.count {
            return fail(frontier.size, "a checkpoint covers \(checkpoints[nextCheckpoint].size) entries but the log holds \(frontier.size): entries from \(frontier.size) on were deleted")
        }
        progress?(report.entriesChecked)
        return report
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
