import Foundation
import MGovCore
import Testing
@testable import MGovLog

/// RFC 6962's reference tree (the Certificate Transparency test leaves) and a
/// naive MTH written straight from the RFC's definition, to check the
/// node-based algorithms against.
enum Reference {
    static let leaves: [Data] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                 "606162636465666768696a6b6c6d6e6f"].map { Data(Hex.decode($0) ?? []) }
    /// MTH(D[0:n]) for n = 0...8, as published.
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    static func mth(_ hashes: ArraySlice<TreeHash>) -> TreeHash {
        if hashes.isEmpty { return Merkle.emptyRoot }
        if hashes.count == 1 { return hashes[hashes.startIndex] }
        var k = 1
        while k * 2 < hashes.count { k *= 2 }
        let mid = hashes.startIndex + k
        return Merkle.nodeHash(mth(hashes[..<mid]), mth(hashes[mid...]))
    }
}

/// An in-memory node store filled the way AuditLog fills SQLite: by the frontier.
struct MemoryTree {
    var frontier = MerkleFrontier()
    var nodes: [Int: [TreeHash]] = [:]
    var leaves: [TreeHash] = []

    mutating func append(_ leaf: TreeHash) {
        leaves.append(leaf)
        var made: [(Int, UInt64, TreeHash)] = []
        frontier.append(leaf: leaf) { level, index, hash in made.append((level, index, hash)) }
        for (level, index, hash) in made {
            #expect(nodes[level, default: []].count == Int(index), "nodes are completed in order")
            nodes[level, default: []].append(hash)
        }
    }

    func node(_ level: Int, _ index: UInt64) throws -> TreeHash {
        guard let hash = nodes[level]?[safe: Int(index)] else { throw LogError.treeDamaged("no node \(level)/\(index)") }
        return hash
    }

    static func of(_ count: Int) -> MemoryTree {
        var tree = MemoryTree()
        for i in 0..<count { tree.append(Merkle.leafHash(Data([UInt8(i & 0xFF), UInt8(i >> 8), 0x5A]))) }
        return tree
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

@Suite struct MerkleTests {
    @Test func rootsMatchTheRFC6962ReferenceTree() throws {
        var tree = MemoryTree()
        #expect(Hex.encode(tree.frontier.root) == Reference.roots[0])
        for (n, leaf) in Reference.leaves.enumerated() {
            tree.append(Merkle.leafHash(leaf))
            #expect(Hex.encode(tree.frontier.root) == Reference.roots[n + 1], "size \(n + 1)")
            #expect(Hex.encode(try Merkle.rangeHash(0, UInt64(n + 1), node: tree.node)) == Reference.roots[n + 1])
        }
    }

    @Test func inclusionProofsMatchTheReferenceVectors() throws {
        var tree = MemoryTree()
        for leaf in Reference.leaves { tree.append(Merkle.leafHash(leaf)) }
        #expect(try Merkle.inclusionProof(index: 0, size: 8, node: tree.node).map(Hex.encode) == [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ])
        #expect(try Merkle.inclusionProof(index: 5, size: 8, node: tree.node).map(Hex.encode) == [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ])
    }

    @Test func theFrontierStoresOneNodePerInternalNodeOfThePerfectSubtrees() {
        for n in [1, 2, 3, 7, 8, 100, 1000] {
            let tree = MemoryTree.of(n)
            let internalNodes = tree.nodes.filter { $0.key > 0 }.values.map(\.count).reduce(0, +)
            #expect(internalNodes == n - n.nonzeroBitCount, "size \(n)")
            #expect(tree.frontier.root == Reference.mth(tree.leaves[...]))
        }
    }

    @Test func everyInclusionProofVerifiesAndAnyChangeBreaksIt() throws {
        let tree = MemoryTree.of(37)
        for size in 1...37 {
            let root = Reference.mth(tree.leaves[0..<size])
            for index in 0..<size {
                let proof = try Merkle.inclusionProof(index: UInt64(index), size: UInt64(size), node: tree.node)
                #expect(Merkle.verifyInclusion(leafHash: tree.leaves[index], index: UInt64(index), size: UInt64(size), proof: proof, root: root))
                #expect(!Merkle.verifyInclusion(leafHash: tree.leaves[(index + 1) % 37], index: UInt64(index), size: UInt64(size), proof: proof, root: root))
                if !proof.isEmpty {
                    var bent = proof
                    bent[0][0] ^= 1
                    #expect(!Merkle.verifyInclusion(leafHash: tree.leaves[index], index: UInt64(index), size: UInt64(size), proof: bent, root: root))
                    #expect(!Merkle.verifyInclusion(leafHash: tree.leaves[index], index: UInt64(index), size: UInt64(size), proof: Array(proof.dropLast()), root: root))
                }
                if size < 37 {
                    let biggerRoot = Reference.mth(tree.leaves[0...size])
                    #expect(!Merkle.verifyInclusion(leafHash: tree.leaves[index], index: UInt64(index), size: UInt64(size + 1), proof: proof, root: biggerRoot))
                }
            }
        }
    }

    @Test func everyConsistencyProofVerifiesAndAnyChangeBreaksIt() throws {
        let tree = MemoryTree.of(37)
        for newSize in 1...37 {
            let newRoot = Reference.mth(tree.leaves[0..<newSize])
            for oldSize in 1...newSize {
                let oldRoot = Reference.mth(tree.leaves[0..<oldSize])
                let proof = try Merkle.consistencyProof(oldSize: UInt64(oldSize), newSize: UInt64(newSize), node: tree.node)
                #expect(Merkle.verifyConsistency(oldSize: UInt64(oldSize), oldRoot: oldRoot, newSize: UInt64(newSize), newRoot: newRoot, proof: proof),
                        "\(oldSize) -> \(newSize)")
                if oldSize < newSize {
                    var bent = proof
                    bent[bent.count - 1][5] ^= 0x80
                    #expect(!Merkle.verifyConsistency(oldSize: UInt64(oldSize), oldRoot: oldRoot, newSize: UInt64(newSize), newRoot: newRoot, proof: bent))
                    var otherOld = oldRoot
                    otherOld[0] ^= 1
                    #expect(!Merkle.verifyConsistency(oldSize: UInt64(oldSize), oldRoot: otherOld, newSize: UInt64(newSize), newRoot: newRoot, proof: proof))
                    #expect(!Merkle.verifyConsistency(oldSize: UInt64(oldSize), oldRoot: oldRoot, newSize: UInt64(newSize), newRoot: newRoot, proof: []))
                }
            }
        }
    }

    @Test func proofsReadLogarithmicallyManyNodes() throws {
        let tree = MemoryTree.of(1000)
        var reads = 0
        let counting: (Int, UInt64) throws -> TreeHash = { level, index in reads += 1; return try tree.node(level, index) }
        _ = try Merkle.inclusionProof(index: 377, size: 1000, node: counting)
        #expect(reads <= 2 * 10 + 2, "\(reads) reads for one inclusion proof in a tree of 1000")
        reads = 0
        _ = try Merkle.consistencyProof(oldSize: 377, newSize: 1000, node: counting)
        #expect(reads <= 3 * 10 + 2, "\(reads) reads for one consistency proof in a tree of 1000")
    }
}
