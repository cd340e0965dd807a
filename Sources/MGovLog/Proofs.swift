import Foundation
import MGovCore

/// An RFC 6962 inclusion proof, as `mgov log prove SEQ` prints it (hashes in hex).
public struct InclusionProof: Sendable, Equatable, Codable {
    public var type = "inclusion"
    public let seq: UInt64
    public let treeSize: UInt64
    public let root: TreeHash
    public let leafHash: TreeHash
    /// The canonical entry bytes, so the leaf hash can be recomputed offline.
    public let entry: String
    public let path: [TreeHash]
    /// The stored checkpoint for `treeSize`, when there is one.
    public var checkpoint: String?

    init(seq: UInt64, treeSize: UInt64, root: TreeHash, leafHash: TreeHash, entry: String, path: [TreeHash]) {
        self.seq = seq; self.treeSize = treeSize; self.root = root
        self.leafHash = leafHash; self.entry = entry; self.path = path
    }

    enum CodingKeys: String, CodingKey {
        case type, seq, treeSize = "tree_size", root, leafHash = "leaf_hash", entry, path, checkpoint
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        seq = try c.decode(UInt64.self, forKey: .seq)
        treeSize = try c.decode(UInt64.self, forKey: .treeSize)
        root = try Hex.decodeHash(c.decode(String.self, forKey: .root))
        leafHash = try Hex.decodeHash(c.decode(String.self, forKey: .leafHash))
        entry = try c.decode(String.self, forKey: .entry)
        path = try c.decode([String].self, forKey: .path).map(Hex.decodeHash)
        checkpoint = try c.decodeIfPresent(String.self, forKey: .checkpoint)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(seq, forKey: .seq)
        try c.encode(treeSize, forKey: .treeSize)
        try c.encode(Hex.encode(root), forKey: .root)
        try c.encode(Hex.encode(leafHash), forKey: .leafHash)
        try c.encode(entry, forKey: .entry)
        try c.encode(path.map(Hex.encode), forKey: .path)
        try c.encodeIfPresent(checkpoint, forKey: .checkpoint)
    }

    /// Checks the proof's own arithmetic: the entry hashes to the leaf, and the
    /// path leads from the leaf to the root.
    public func verify() -> ProofCheck {
        if Merkle.leafHash(Data(entry.utf8)) != leafHash { return .failed("the entry does not hash to the proof's leaf hash") }
        if !entry.contains("\"@seq\":\"\(seq)\"") { return .failed("the entry is not entry \(seq)") }
        if !Merkle.verifyInclusion(leafHash: leafHash, index: seq, size: treeSize, proof: path, root: root) {
            return .failed("the audit path does not lead to the root hash")
        }
        return .valid
    }
}

/// An RFC 6962 consistency proof between two tree sizes.
public struct ConsistencyProof: Sendable, Equatable, Codable {
    public var type = "consistency"
    public let oldSize: UInt64
    public let newSize: UInt64
    public let oldRoot: TreeHash
    public let newRoot: TreeHash
    public let path: [TreeHash]

    init(oldSize: UInt64, newSize: UInt64, oldRoot: TreeHash, newRoot: TreeHash, path: [TreeHash]) {
        self.oldSize = oldSize; self.newSize = newSize; self.oldRoot = oldRoot; self.newRoot = newRoot; self.path = path
    }

    enum CodingKeys: String, CodingKey {
        case type, oldSize = "old_size", newSize = "new_size", oldRoot = "old_root", newRoot = "new_root", path
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        oldSize = try c.decode(UInt64.self, forKey: .oldSize)
        newSize = try c.decode(UInt64.self, forKey: .newSize)
        oldRoot = try Hex.decodeHash(c.decode(String.self, forKey: .oldRoot))
        newRoot = try Hex.decodeHash(c.decode(String.self, forKey: .newRoot))
        path = try c.decode([String].self, forKey: .path).map(Hex.decodeHash)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(oldSize, forKey: .oldSize)
        try c.encode(newSize, forKey: .newSize)
        try c.encode(Hex.encode(oldRoot), forKey: .oldRoot)
        try c.encode(Hex.encode(newRoot), forKey: .newRoot)
        try c.encode(path.map(Hex.encode), forKey: .path)
    }

    public func verify() -> ProofCheck {
        Merkle.verifyConsistency(oldSize: oldSize, oldRoot: oldRoot, newSize: newSize, newRoot: newRoot, proof: path)
            ? .valid : .failed("the proof does not show the tree of \(newSize) entries extends the tree of \(oldSize)")
    }
}

public enum ProofCheck: Sendable, Equatable {
    case valid
    case failed(String)
}

/// A proof file of either kind.
public enum LogProof: Sendable {
    case inclusion(InclusionProof)
    case consistency(ConsistencyProof)

    public static func decode(_ data: Data) throws -> LogProof {
        struct Kind: Decodable { let type: String }
        do {
            switch try JSONDecoder().decode(Kind.self, from: data).type {
            case "inclusion": return .inclusion(try JSONDecoder().decode(InclusionProof.self, from: data))
            case "consistency": return .consistency(try JSONDecoder().decode(ConsistencyProof.self, from: data))
            case let other: throw LogError.invalidProof("unknown proof type '\(other)'")
            }
        } catch let error as LogError {
            throw error
        } catch {
            throw LogError.invalidProof("expected the JSON that mgov log prove prints")
        }
    }
}

extension Hex {
    static func decodeHash(_ text: String) throws -> TreeHash {
        guard let bytes = decode(text), bytes.count == 32 else { throw LogError.invalidProof("'\(text)' is not a hex SHA-256 hash") }
        return bytes
    }
}
