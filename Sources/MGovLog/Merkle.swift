import Foundation
import MGovCrypto

/// A SHA-256 hash in the Merkle tree.
public typealias TreeHash = [UInt8]

/// RFC 6962 (§2.1) Merkle tree hashing, proofs and proof verification.
///
/// Nodes are addressed by `(level, index)`: the node at level `l` and index `i`
/// is the root of the perfect subtree over leaves `[i·2^l, (i+1)·2^l)`; level 0
/// holds the leaf hashes. Stored perfect nodes are all a log needs: any
/// subtree hash RFC 6962 asks for is a fold of O(log n) of them.
public enum Merkle {
    private static let leafPrefix: [UInt8] = [0x00]
    private static let nodePrefix: [UInt8] = [0x01]

    public static func leafHash(_ entry: Data) -> TreeHash {
        leafPrefix.withUnsafeBytes { prefix in
            entry.withUnsafeBytes { bytes in Digest.sha256Parts([prefix, bytes]) }
        }
    }

    public static func nodeHash(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        nodePrefix.withUnsafeBytes { prefix in
            left.withUnsafeBytes { l in right.withUnsafeBytes { r in Digest.sha256Parts([prefix, l, r]) } }
        }
    }

    /// The hash of an empty tree: SHA-256 of nothing.
    public static let emptyRoot: TreeHash = Digest.sha256(Data())

    /// The largest power of two strictly less than `n` (n ≥ 2).
    static func splitPoint(_ n: UInt64) -> UInt64 {
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[lo:hi]) from perfect nodes. `lo` is aligned as RFC 6962's recursion
    /// guarantees (a multiple of a power of two ≥ hi − lo), so every left part
    /// is a perfect node and only the right edge is folded.
    public static func rangeHash(_ lo: UInt64, _ hi: UInt64, node: (Int, UInt64) throws -> TreeHash) throws -> TreeHash {
        let n = hi - lo
        if n == 0 { return emptyRoot }
        if n & (n - 1) == 0, lo % n == 0 {
            let level = n.trailingZeroBitCount
            return try node(level, lo >> UInt64(level))
        }
        let k = splitPoint(n)
        return nodeHash(try rangeHash(lo, lo + k, node: node), try rangeHash(lo + k, hi, node: node))
    }

    /// The audit path for leaf `index` in the tree of `size` leaves (RFC 6962 §2.1.1), leaf to root.
    public static func inclusionProof(index: UInt64, size: UInt64, node: (Int, UInt64) throws -> TreeHash) throws -> [TreeHash] {
        precondition(index < size)  // safe: callers check the index against the size first
        var path: [TreeHash] = []
        func walk(_ m: UInt64, _ lo: UInt64, _ hi: UInt64) throws {
            let n = hi - lo
            if n <= 1 { return }
            let k = splitPoint(n)
            if m < k {
                try walk(m, lo, lo + k)
                path.append(try rangeHash(lo + k, hi, node: node))
            } else {
                try walk(m - k, lo + k, hi)
                path.append(try rangeHash(lo, lo + k, node: node))
            }
        }
        try walk(index, 0, size)
        return path
    }

    /// The consistency proof between the trees of `oldSize` and `newSize` leaves (RFC 6962 §2.1.2).
    public static func consistencyProof(oldSize: UInt64, newSize: UInt64, node: (Int, UInt64) throws -> TreeHash) throws -> [TreeHash] {
        precondition(oldSize <= newSize)  // safe: callers check the sizes first
        if oldSize == 0 || oldSize == newSize { return [] }
        var proof: [TreeHash] = []
        func subproof(_ m: UInt64, _ lo: UInt64, _ hi: UInt64, _ complete: Bool) throws {
            let n = hi - lo
            if m == n {
                if !complete { proof.append(try rangeHash(lo, hi, node: node)) }
                return
            }
            let k = splitPoint(n)
            if m <= k {
                try subproof(m, lo, lo + k, complete)
                proof.append(try rangeHash(lo + k, hi, node: node))
            } else {
                try subproof(m - k, lo + k, hi, false)
                proof.append(try rangeHash(lo, lo + k, node: node))
            }
        }
        try subproof(oldSize, 0, newSize, true)
        return proof
    }

    /// Checks an inclusion proof (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(leafHash: TreeHash, index: UInt64, size: UInt64, proof: [TreeHash], root: TreeHash) -> Bool {
        guard index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Checks a consistency proof (RFC 9162 §2.1.4.2).
    public static func verifyConsistency(oldSize: UInt64, oldRoot: TreeHash, newSize: UInt64, newRoot: TreeHash, proof: [TreeHash]) -> Bool {
        if oldSize > newSize { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        if proof.isEmpty { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first else { return false }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = first
        var sr = first
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}

/// The right edge of a growing tree: the roots of its perfect subtrees, largest
/// first (one per set bit of the size). Appending a leaf touches O(log n) of
/// them and reports each perfect node it completes, so a store saves every
/// node once and never rehashes the log.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64
    /// (level, hash) of each perfect subtree, from the left (highest level) to the right.
    public private(set) var peaks: [(level: Int, hash: TreeHash)]

    public static func == (a: MerkleFrontier, b: MerkleFrontier) -> Bool {
        a.size == b.size && a.peaks.elementsEqual(b.peaks) { $0.level == $1.level && $0.hash == $1.hash }
    }

    public init() { size = 0; peaks = [] }

    /// The frontier of a tree of `size` leaves, read from its stored perfect nodes.
    public init(size: UInt64, node: (Int, UInt64) throws -> TreeHash) throws {
        self.size = size
        peaks = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            peaks.append((level, try node(level, start >> UInt64(level))))
            start += UInt64(1) << UInt64(level)
        }
    }

    /// Adds a leaf; `completed` is told each perfect node made, leaf first:
    /// (level, index, hash).
    public mutating func append(leaf: TreeHash, completed: (Int, UInt64, TreeHash) throws -> Void) rethrows {
        let index = size
        try completed(0, index, leaf)
        var level = 0
        var hash = leaf
        while let last = peaks.last, last.level == level {
            peaks.removeLast()
            hash = Merkle.nodeHash(last.hash, hash)
            level += 1
            try completed(level, index >> UInt64(level), hash)
        }
        peaks.append((level, hash))
        size += 1
    }

    /// MTH of the whole tree: the peaks folded from the right.
    public var root: TreeHash {
        guard var hash = peaks.last?.hash else { return Merkle.emptyRoot }
        for peak in peaks.dropLast().reversed() { hash = Merkle.nodeHash(peak.hash, hash) }
        return hash
    }
}
