import Foundation
import GRDB
import MGovCore
import MGovCrypto
import MGovNet

/// Ships the log's entries to an MLog-compatible collector (`POST /register`),
/// in batches under the collector's body limit, each event JWS-signed when a
/// key and certificate are given. The outbox is durable: a cursor per
/// destination in the store, moved only after the collector has answered, so
/// nothing is dropped while the collector is down and shipping resumes where it
/// stopped. A resent batch carries the same Idempotency-Key, so the collector
/// does not register it twice.
public struct LogShipper: Sendable {
    public let log: AuditLog
    public let destination: String
    public let client: MutualTLSClient
    public let signer: (key: PrivateKey, certificate: Certificate)?
    public let maximumBatchBytes: Int
    public let maximumBatchEvents: Int

    public init(log: AuditLog, destination: String, client: MutualTLSClient, signer: (key: PrivateKey, certificate: Certificate)?,
                maximumBatchBytes: Int = LogEvent.maximumEventBytes, maximumBatchEvents: Int = 1_000) {
        self.log = log
        self.destination = destination.hasSuffix("/") ? String(destination.dropLast()) : destination
        self.client = client
        self.signer = signer
        self.maximumBatchBytes = maximumBatchBytes
        self.maximumBatchEvents = maximumBatchEvents
    }

    public struct Progress: Sendable, Encodable {
        public var shipped = 0
        public var batches = 0
        public var nextSeq: UInt64 = 0
        public var pending: UInt64 = 0
        enum CodingKeys: String, CodingKey { case shipped, batches, nextSeq = "next_seq", pending }
    }

    /// The first entry not yet shipped to this destination, and how many wait.
    public func status() throws -> Progress {
        let next = try nextSeq()
        let size = try log.treeHead().size
        return Progress(nextSeq: next, pending: size > next ? size - next : 0)
    }

    /// Ships every entry that waits, batch by batch. On failure the cursor stays
    /// at the first entry not acknowledged, and the error says how many wait.
    public func shipPending() async throws -> Progress {
        var progress = try status()
        while true {
            let entries = try log.entries(after: progress.nextSeq.checkedPredecessor, limit: maximumBatchEvents)
            if entries.isEmpty { break }
            var lines: [String] = []
            var bytes = 0
            for entry in entries {
                let line = try encode(entry)
                if line.utf8.count + 1 > maximumBatchBytes {
                    throw LogError.eventTooLarge(bytes: line.utf8.count)
                }
                if bytes + line.utf8.count + 1 > maximumBatchBytes { break }
                lines.append(line)
                bytes += line.utf8.count + 1
            }
            let first = entries[0].seq  // safe: entries is not empty
            let last = first + UInt64(lines.count) - 1
            let key = "\(first)-\(last)-\(Hex.encode(entries[lines.count - 1].leafHash).prefix(16))"
            let reply: MutualTLSClient.Reply
            do {
                reply = try await client.send(.POST, destination + "/register", body: Data((lines.joined(separator: "\n") + "\n").utf8),
                                              headers: [("Content-Type", "application/x-ndjson"), ("Idempotency-Key", key)])
            } catch let error as NetError {
                throw LogShipError.stopped(error, waiting: progress.pending, from: progress.nextSeq)
            }
            guard (200..<300).contains(reply.status) else {
                throw LogShipError.stopped(.httpStatus(url: destination + "/register", status: reply.status, body: reply.text.trimmingCharacters(in: .whitespacesAndNewlines)),
                                           waiting: progress.pending, from: progress.nextSeq)
            }
            try advance(to: last + 1)
            progress.shipped += lines.count
            progress.batches += 1
            progress.nextSeq = last + 1
            progress.pending -= min(progress.pending, UInt64(lines.count))
        }
        return progress
    }

    /// The event as the collector gets it: the fields without the log's `@` fields, signed when possible.
    func encode(_ entry: LogEntry) throws -> String {
        let fields = entry.event
        if let signer {
            return try SignedEvent.sign(fields, key: signer.key, certificateSerial: signer.certificate.serialHex)
        }
        return String(decoding: CanonicalJSON.encode(fields), as: UTF8.self)
    }

    private func nextSeq() throws -> UInt64 {
        let destination = destination
        return try log.store.read { db in
            UInt64(try Int64.fetchOne(db, sql: "SELECT next_seq FROM log_shipment WHERE destination = ?", arguments: [destination]) ?? 0)
        }
    }

    private func advance(to next: UInt64) throws {
        let destination = destination
        let now = Timestamp.format(Date())
        try log.store.write { db in
            try db.execute(sql: """
                INSERT INTO log_shipment (destination, next_seq, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(destination) DO UPDATE SET next_seq = MAX(next_seq, excluded.next_seq), updated_at = excluded.updated_at
                """, arguments: [destination, Int64(next), now])
        }
    }
}

/// Shipping stopped before the outbox was empty.
public enum LogShipError: UserFacingError {
    case stopped(NetError, waiting: UInt64, from: UInt64)

    public var description: String {
        switch self {
        case let .stopped(error, waiting, from):
            // A destination that is no URL is not resumed by running again: say only what waits.
            if case .invalidURL = error { return "\(error.description); \(waiting) entries wait to be shipped (from entry \(from))" }
            return "\(error.description); \(waiting) entries wait to be shipped (from entry \(from)): run mgov log ship again to resume"
        }
    }
}
