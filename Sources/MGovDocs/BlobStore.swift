import Foundation
import MGovCore
import MGovCrypto

/// Content stored once by its SHA-256 under `blobs/ab/cdef…` in the home.
///
/// Writing is two-step: `stage` streams the content to a temporary file (hashing it, fsynced);
/// `StagedBlob.place()` then links it under its hash, inside the caller's store transaction, so a
/// concurrent purge (which removes unreferenced blobs inside its own transaction) cannot remove a
/// blob a new document is about to reference. Reading re-hashes and refuses content that changed.
public struct BlobStore: Sendable {
    public let root: String

    public init(home: MGovHome) {
        root = FileSystem.parent(of: home.databasePath) + "/blobs"
    }

    /// A blob's name: 64 lower-case hex digits (SHA-256).
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    public func path(of hash: String) -> String {
        "\(root)/\(hash.prefix(2))/\(hash.dropFirst(2))"
    }

    /// Streams `input` (a descriptor the caller owns) into a temporary file in the store.
    public func stage(from input: Int32) throws -> StagedBlob {
        try FileSystem.makeOwnerOnlyDirectory(root, existing: .tighten)
        guard let (fd, temporary) = PartialFiles.create("\(root)/.incoming-") else {
            throw CoreError.fileUnwritable(root, reason: String(cString: strerror(errno)))
        }
        fchmod(fd, 0o600)
        do {
            defer { close(fd) }
            let digest = StreamingDigest(.sha256)
            var size: Int64 = 0
            try Self.pump(input) { chunk in
                digest.update(chunk)
                try Self.writeAll(fd, chunk, path: temporary)
                size += Int64(chunk.count)
            }
            guard fsync(fd) == 0 else { throw CoreError.fileUnwritable(temporary, reason: String(cString: strerror(errno))) }
            return StagedBlob(store: self, temporary: temporary, hash: Hex.encode(digest.finish()), size: size)
        } catch {
            PartialFiles.remove(temporary)
            throw error
        }
    }

    /// Streams the blob to `output`, checking its hash; throws `corruptBlob` at the end when it does not
    /// match (the caller discards what was written) and `missingBlob` when the file is gone.
    public func read(_ hash: String, to output: Int32) throws {
        let fd = open(path(of: hash), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw DocsError.missingBlob(hash) }
            throw CoreError.fileUnreadable(path(of: hash), reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let digest = StreamingDigest(.sha256)
        try Self.pump(fd) { chunk in
            digest.update(chunk)
            try Self.writeAll(output, chunk, path: "the output")
        }
        let actual = Hex.encode(digest.finish())
        guard actual == hash else { throw DocsError.corruptBlob(hash, actual: actual) }
    }

    /// Re-hashes a blob without copying it anywhere.
    public func check(_ hash: String) throws {
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(null) }
        try read(hash, to: null)
    }

    /// Content staged by an add that never finished (killed, power lost): `.incoming-*` files not
    /// touched for `age` seconds (an add in progress writes to its file all along). `remove` false:
    /// only counts them. Returns how many there were.
    func abandonedStaging(olderThan age: TimeInterval, now: Date, remove: Bool) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        var count = 0
        for name in names where name.hasPrefix(".incoming-") {
            let path = "\(root)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                  now.timeIntervalSince1970 - TimeInterval(info.st_mtim.tv_sec) > age else { continue }
            if remove { unlink(path) }
            count += 1
        }
        return count
    }

    /// Removes a blob no version refers to any more (called inside the purge's transaction).
    func remove(_ hash: String) {
        unlink(path(of: hash))
    }

    static func pump(_ input: Int32, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Foundation.read(input, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw CoreError.fileUnreadable("the input", reason: String(cString: strerror(errno)))
            }
            if n == 0 { return }
            try consume(UnsafeRawBufferPointer(start: buffer, count: n))
        }
    }

    static func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer, path: String) throws {
        if let failure = FileSystem.writeAll(chunk, to: fd) {
            throw CoreError.fileUnwritable(path, reason: String(cString: strerror(failure)))
        }
    }
}

/// Content written to the store under a temporary name, waiting to be placed under its hash.
public final class StagedBlob: @unchecked Sendable {
    // @unchecked: used by one thread; `placed` is only set by `place()`.
    let store: BlobStore
    let temporary: String
    public let hash: String
    public let size: Int64
    private var placed = false

    init(store: BlobStore, temporary: String, hash: String, size: Int64) {
        self.store = store
        self.temporary = temporary
        self.hash = hash
        self.size = size
    }

    deinit { if !placed { PartialFiles.remove(temporary) } }

    /// Links the content under its hash (or drops it when identical content is there already).
    /// Call inside the store transaction that records the reference.
    func place() throws {
        let final = store.path(of: hash)
        let folder = FileSystem.parent(of: final)
        try FileSystem.makeOwnerOnlyDirectory(folder, existing: .tighten)
        if FileManager.default.fileExists(atPath: final) {
            PartialFiles.remove(temporary)
        } else {
            guard PartialFiles.rename(temporary, to: final) else { throw CoreError.fileUnwritable(final, reason: String(cString: strerror(errno))) }
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
        }
        placed = true
    }
}
