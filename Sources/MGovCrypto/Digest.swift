import COpenSSL
import Foundation

/// Message digests through OpenSSL's EVP interface.
public enum DigestAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha1, sha256, sha384, sha512

    var evp: OpaquePointer? {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// The algorithm for an OpenSSL NID, when it is one of these.
    public init?(nid: Int32) {
        switch nid {
        case NID_sha1: self = .sha1
        case NID_sha256: self = .sha256
        case NID_sha384: self = .sha384
        case NID_sha512: self = .sha512
        default: return nil
        }
    }

    public var outputLength: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }
}

public enum Digest {
    public static func hash(_ algorithm: DigestAlgorithm, _ data: Data) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        data.withUnsafeBytes { raw in
            _ = EVP_Digest(raw.baseAddress, raw.count, &out, &length, algorithm.evp, nil)
        }
        return Array(out.prefix(Int(length)))
    }

    public static func sha256(_ data: Data) -> [UInt8] {
        data.withUnsafeBytes { sha256Parts([$0]) }
    }

    /// HMAC of `data` under `key`.
    public static func hmac(_ algorithm: DigestAlgorithm, key: Data, data: Data) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                _ = HMAC(algorithm.evp, k.baseAddress, Int32(k.count), d.bindMemory(to: UInt8.self).baseAddress, d.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    /// SHA-256 of the concatenation of `parts`, without concatenating them: the
    /// hot path of the Merkle log (leaf and node hashes), so the algorithm is fetched once.
    public static func sha256Parts(_ parts: [UnsafeRawBufferPointer]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        guard let context = EVP_MD_CTX_new() else { return out }
        defer { EVP_MD_CTX_free(context) }
        var length: UInt32 = 0
        EVP_DigestInit_ex2(context, fetchedSHA256 ?? EVP_sha256(), nil)
        for part in parts { EVP_DigestUpdate(context, part.baseAddress, part.count) }
        EVP_DigestFinal_ex(context, &out, &length)
        return out
    }

    // OpenSSL 3 looks an algorithm up on every implicit use; fetching once saves that.
    // nonisolated(unsafe): an EVP_MD fetched once is immutable and thread-safe to share.
    nonisolated(unsafe) private static let fetchedSHA256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)
}

/// An incremental digest for streamed input.
public final class StreamingDigest {
    private let context: OpaquePointer

    public init(_ algorithm: DigestAlgorithm) {
        // safe: EVP_MD_CTX_new fails only when out of memory.
        context = EVP_MD_CTX_new()!
        EVP_DigestInit_ex(context, algorithm.evp, nil)
    }
    deinit { EVP_MD_CTX_free(context) }

    public func update(_ data: Data) {
        data.withUnsafeBytes { raw in _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count) }
    }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        _ = EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
    }

    public func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}
