import CMGovSystem
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File operations with the permissions and atomicity the store needs.
public enum FileSystem {
    /// The folder holding `path` ("" for a bare name, "/" for a file in the root): what
    /// `NSString.deletingLastPathComponent` answers, written here because that one traps on a
    /// one-character name in this Foundation (`-o x` crashed).
    public static func parent(of path: String) -> String {
        var end = path.endIndex
        while end > path.startIndex, path[path.index(before: end)] == "/" { end = path.index(before: end) }
        guard end > path.startIndex else { return path.isEmpty ? "" : "/" }
        guard let slash = path[..<end].lastIndex(of: "/") else { return "" }
        var parentEnd = slash
        while parentEnd > path.startIndex, path[path.index(before: parentEnd)] == "/" { parentEnd = path.index(before: parentEnd) }
        return parentEnd == path.startIndex ? "/" : String(path[..<parentEnd])
    }

    /// `name` inside `directory`, with one slash between them however `directory` ends.
    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Creates `path` (and missing parents) with mode 0700, independent of the umask.
    /// What to do with a folder that exists already and is open to others.
    public enum ExistingFolder: Sendable {
        /// Leave its mode: it may be shared (`--out-dir .`, `--home /tmp`); the files written are
        /// owner-only themselves where they must be.
        case leave
        /// Make it 0700: a folder of mgov's own (blobs inside a home).
        case tighten
        /// Make it 0700 when it is empty or already holds `marker` (a home made for mgov, or an
        /// mgov home): not when it holds other people's files.
        case tightenIfEmptyOrHolding(String)
    }

    public static func makeOwnerOnlyDirectory(_ path: String, existing: ExistingFolder) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw CoreError.folderUnusable(path, reason: "it exists and is not a folder") }
            var st = stat()
            guard stat(path, &st) == 0, st.st_mode & 0o077 != 0, st.st_uid == geteuid() else { return }
            switch existing {
            case .leave: return
            case .tighten: break
            case .tightenIfEmptyOrHolding(let marker):
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [""]
                guard entries.isEmpty || entries.contains(marker) else { return }
            }
            chmod(path, 0o700)
            return
        }
        let parent = FileSystem.parent(of: path)
        if !parent.isEmpty, parent != path, !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw CoreError.folderUnusable(path, reason: "cannot create \(parent): \(posixMessage(error))")
            }
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw CoreError.folderUnusable(path, reason: String(cString: strerror(errno)))
        }
        // mkdir's mode is filtered by the umask; set it exactly.
        chmod(path, 0o700)
    }

    /// Creates an empty file with mode 0600 if it does not exist (umask-independent).
    public static func touchOwnerOnly(_ path: String) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CoreError.fileUnwritable(path, reason: String(cString: strerror(errno))) }
        fchmod(fd, 0o600)
        close(fd)
    }

    /// What writing to `path` means. A regular file (or none) is replaced atomically, and when
    /// `path` is a symbolic link it is the file the link leads to that is replaced, so the link
    /// stays. A device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout` on a pipe) is written
    /// through: a rename would have put a plain file in its place.
    public enum WriteTarget: Equatable, Sendable {
        case replace(String)
        case writeThrough
    }

    public static func writeTarget(_ path: String) throws -> WriteTarget {
        var st = stat()
        if stat(path, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw CoreError.fileUnwritable(path, reason: "it is a folder")
            default: return .writeThrough
            }
        }
        var current = path
        for _ in 0..<32 {
            var link = stat()
            guard lstat(current, &link) == 0, link.st_mode & S_IFMT == S_IFLNK else { return .replace(current) }
            var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = buffer.withUnsafeMutableBytes { readlink(current, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count - 1) }
            guard count > 0 else { return .replace(current) }
            let destination = String(decoding: buffer[0..<count], as: UTF8.self)
            let folder = parent(of: current)
            current = destination.hasPrefix("/") ? destination : join(folder.isEmpty ? "." : folder, destination)
        }
        throw CoreError.fileUnwritable(path, reason: "too many levels of symbolic links")
    }

    /// `a` and `b` are one existing file (the same device and inode: through a link, `./`, or any other spelling).
    public static func isSameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard a != "-", b != "-", stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// write(2) until all of `data` is written (a short write continues, EINTR retries); the errno
    /// that stopped it, or nil.
    public static func writeAll(_ data: Data, to fd: Int32) -> Int32? {
        data.withUnsafeBytes { writeAll($0, to: fd) }
    }

    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }

    /// The mode of a file written without one named: the file it replaces keeps its own (a 0600
    /// document stays 0600, as a shell's `>` leaves it), and a new file gets 0666 less the umask.
    /// `asPrivateAs` (the document a signed copy comes from) takes away what its mode does not allow.
    public static func mode(replacing target: String, asPrivateAs source: String? = nil) -> mode_t {
        var info = stat()
        var mode = stat(target, &info) == 0 ? info.st_mode & 0o777 : 0o666 & ~processUmask
        if let source, source != "-", stat(source, &info) == 0 { mode &= info.st_mode & 0o777 }
        return mode
    }

    /// The umask, read once (umask(2) can only be read by setting it; before the threads of a batch).
    private static let processUmask: mode_t = {
        let mask = umask(0o077)
        umask(mask)
        return mask
    }()

    /// Writes `data` to `path` atomically: a temporary file beside it, fsynced, renamed.
    /// Readers see the old file or the whole new one, never half a file. (A device or FIFO is
    /// written through; see `writeTarget`.)
    public static func writeAtomically(_ data: Data, to path: String, mode: mode_t? = nil) throws {
        let file = try AtomicFile(path: path, mode: mode)
        try file.write(data)
        try file.commit()
    }

    /// Reads a whole file, or stdin for "-", with errors users can act on.
    public static func read(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw CoreError.fileNotFound(path) }
        if isDir.boolValue { throw CoreError.fileUnreadable(path, reason: "it is a folder") }
        // read(2) to the end, not Data(contentsOf:), which refused pipes (`--password-file <(...)`,
        // /dev/stdin) as "permission denied".
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CoreError.fileUnreadable(path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var data = Data()
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 { data.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return data }
            if n < 0 {
                if errno == EINTR { continue }
                throw CoreError.fileUnreadable(path, reason: String(cString: strerror(errno)))
            }
            data.append(contentsOf: chunk[0..<n])
        }
    }

    /// Opens `path` for streaming reads ("-": a duplicate of stdin); the caller closes the descriptor.
    public static func openForReading(_ path: String) throws -> Int32 {
        if path == "-" {
            let fd = fcntl(0, F_DUPFD_CLOEXEC, 0)
            guard fd >= 0 else { throw CoreError.fileUnreadable("stdin", reason: String(cString: strerror(errno))) }
            return fd
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw CoreError.fileNotFound(path) }
        if isDir.boolValue { throw CoreError.fileUnreadable(path, reason: "it is a folder") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CoreError.fileUnreadable(path, reason: String(cString: strerror(errno))) }
        return fd
    }

    /// Runs `body` holding an exclusive advisory lock on `lockPath` (created 0600).
    public static func withExclusiveLock<T>(_ lockPath: String, _ body: () throws -> T) throws -> T {
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CoreError.fileUnwritable(lockPath, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw CoreError.fileUnwritable(lockPath, reason: String(cString: strerror(errno))) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

/// The POSIX reason inside a Foundation file error, without Cocoa's long wording.
func posixMessage(_ error: Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    if ns.domain == NSCocoaErrorDomain {
        switch ns.code {
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
        case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
        default: break
        }
    }
    return ns.localizedDescription
}

extension FileSystem {
    /// Makes a new file named `prefix` and six random characters (owner-only, close-on-exec).
    /// nil, with `errno` set, when it cannot be made.
    public static func makeTemporaryFile(_ prefix: String) -> (fd: Int32, path: String)? {
        var template = Array("\(prefix)XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mgov_mkstemp_cloexec(base)
        }
        guard fd >= 0 else { return nil }
        return (fd, String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

/// The temporary files this process is writing that are not in place yet (`AtomicFile`'s, staged
/// document content), so that a command stopped by a signal can remove them (`removeAll()`)
/// rather than leave them behind.
public enum PartialFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()

    /// `FileSystem.makeTemporaryFile`, noted until `rename` or `remove`.
    public static func create(_ prefix: String) -> (fd: Int32, path: String)? {
        lock.lock()
        defer { lock.unlock() }
        let made = FileSystem.makeTemporaryFile(prefix)
        if let made { paths.insert(made.path) }
        return made
    }

    /// Renames a noted file into place; false, with `errno` set, when that fails (it stays noted).
    public static func rename(_ path: String, to destination: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard Foundation.rename(path, destination) == 0 else { return false }
        paths.remove(path)
        return true
    }

    /// Removes a noted file.
    public static func remove(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        unlink(path)
        paths.remove(path)
    }

    /// Removes every noted file (when the process is about to stop); returns how many there were.
    @discardableResult public static func removeAll() -> Int {
        lock.lock()
        defer { lock.unlock() }
        for path in paths { unlink(path) }
        let count = paths.count
        paths = []
        return count
    }
}

/// A file written in pieces that appears at its path only when committed:
/// a temporary file beside it, fsynced, then renamed. Dropped uncommitted, it
/// leaves nothing behind. A device, FIFO or socket at the path is written
/// through instead (FileSystem.writeTarget).
public final class AtomicFile {
    public let path: String
    /// The file replaced on commit (the link's target when `path` is a symbolic link).
    private let destination: String
    private let directory: String
    /// nil when writing through to a device or FIFO.
    private let temporaryPath: String?
    private var fd: Int32

    /// Whether the bytes go straight to a device or FIFO (which keeps whatever it was given),
    /// not to a temporary file that only a commit puts in place.
    public var writesThrough: Bool { temporaryPath == nil }

    /// `mode` nil: as `FileSystem.mode(replacing:)` says.
    public init(path: String, mode: mode_t? = nil) throws {
        self.path = path
        switch try FileSystem.writeTarget(path) {
        case .writeThrough:
            let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else { throw CoreError.fileUnwritable(path, reason: String(cString: strerror(errno))) }
            fd = descriptor
            destination = path
            directory = ""
            temporaryPath = nil
        case .replace(let target):
            destination = target
            let parent = FileSystem.parent(of: target)
            directory = parent.isEmpty ? "." : parent
            guard let made = PartialFiles.create("\(directory)/.\((target as NSString).lastPathComponent).tmp-") else {
                throw CoreError.fileUnwritable(path, reason: String(cString: strerror(errno)))
            }
            fd = made.fd
            temporaryPath = made.path
            fchmod(fd, mode ?? FileSystem.mode(replacing: target))
        }
    }

    deinit {
        if fd >= 0 {
            close(fd)
            if let temporaryPath { PartialFiles.remove(temporaryPath) }
        }
    }

    public func write(_ data: Data) throws {
        guard fd >= 0 else { throw CoreError.fileUnwritable(path, reason: "already committed") }
        if let failure = FileSystem.writeAll(data, to: fd) { throw CoreError.fileUnwritable(path, reason: String(cString: strerror(failure))) }
    }

    public func write(_ text: String) throws { try write(Data(text.utf8)) }

    /// Lets `body` write to the temporary file's descriptor directly (e.g. a serializer that streams).
    @discardableResult public func withDescriptor<T>(_ body: (Int32) throws -> T) throws -> T {
        guard fd >= 0 else { throw CoreError.fileUnwritable(path, reason: "already committed") }
        return try body(fd)
    }

    /// fsync, rename into place, fsync the folder.
    public func commit() throws {
        guard fd >= 0 else { return }
        guard let temporaryPath else {
            let closed = close(fd) == 0
            fd = -1
            if !closed { throw CoreError.fileUnwritable(path, reason: String(cString: strerror(errno))) }
            return
        }
        let synced = fsync(fd) == 0
        let savedErrno = errno
        close(fd)
        fd = -1
        guard synced else {
            PartialFiles.remove(temporaryPath)
            throw CoreError.fileUnwritable(path, reason: String(cString: strerror(savedErrno)))
        }
        guard PartialFiles.rename(temporaryPath, to: destination) else {
            let reason = String(cString: strerror(errno))
            PartialFiles.remove(temporaryPath)
            throw CoreError.fileUnwritable(path, reason: reason)
        }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}

/// Many files written for one command (a batch of signatures), made durable together: each is
/// written to a temporary file beside its destination; `commit()` flushes them with one
/// filesystem sync per filesystem, renames them into place and syncs their folders. A crash
/// before `commit()` leaves no half-written file under a destination name; files not committed
/// are removed when the batch is dropped. One fsync per small file would cost more than signing
/// it; but syncfs also writes out whatever else is dirty on the filesystem, so a batch of a few
/// files (a single large one, typically) fsyncs each file instead.
public final class AtomicBatch: @unchecked Sendable {
    /// Batches of at most this many files fsync each file rather than sync the filesystem.
    public static let perFileSyncLimit = 8
    private let syncEachFile: Bool
    // @unchecked: the mutable state is guarded by `lock`.
    private var pending: [(temporary: String, path: String)] = []
    /// Temporary files being written, not yet pending.
    private var inFlight = Set<String>()
    private var destinations = Set<String>()
    /// `abandon()` removed everything: no file is written after it.
    private var abandoned = false
    /// `commit()` has begun: `abandon()` leaves it to finish.
    private var committing = false
    /// One descriptor per folder, opened before its first file is written: syncfs reports the
    /// write-back errors that happen after the descriptor was opened.
    private var folders: [String: Int32] = [:]
    private let lock = NSLock()

    /// - Parameter expectedFiles: how many files the batch will hold, which decides how they are synced.
    public init(expectedFiles: Int) {
        syncEachFile = expectedFiles <= Self.perFileSyncLimit
    }

    deinit {
        for file in pending { unlink(file.temporary) }
        for fd in folders.values { close(fd) }
    }

    /// Writes `path`'s content through `body` (given the temporary file's descriptor); the file
    /// appears at `path` on `commit()`. Safe to call from several threads; one path once per batch.
    /// A symbolic link's target is replaced (the link stays); a device, FIFO or socket is written
    /// through now, as `AtomicFile` does (there is nothing to rename into its place).
    /// `mode` nil: as `FileSystem.mode(replacing:)` says.
    public func write(to path: String, mode: mode_t? = nil, _ body: (Int32) throws -> Void) throws {
        guard case .replace(let path) = try FileSystem.writeTarget(path) else {
            let file = try AtomicFile(path: path)
            try file.withDescriptor(body)
            try file.commit()
            return
        }
        let directory = Self.directory(of: path)
        let key = (path as NSString).standardizingPath
        lock.lock()
        let fresh = destinations.insert(key).inserted
        if fresh, folders[directory] == nil {
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { folders[directory] = fd }
        }
        lock.unlock()
        guard fresh else { throw CoreError.invalidArgument("\(path) would be written twice by this command (two inputs with one name?)") }
        // Made and noted under the lock, so `abandon()` misses no temporary file.
        lock.lock()
        guard !abandoned else {
            lock.unlock()
            throw CoreError.fileUnwritable(path, reason: "the command was interrupted")
        }
        let made = FileSystem.makeTemporaryFile("\(directory)/.\((path as NSString).lastPathComponent).tmp-")
        let failure = errno
        if let made { inFlight.insert(made.path) }
        lock.unlock()
        guard let (fd, temporary) = made else { throw CoreError.fileUnwritable(path, reason: String(cString: strerror(failure))) }
        fchmod(fd, mode ?? FileSystem.mode(replacing: path))
        func drop() {
            lock.lock()
            inFlight.remove(temporary)
            unlink(temporary)
            lock.unlock()
        }
        do {
            try body(fd)
            if syncEachFile, fsync(fd) != 0 { throw CoreError.fileUnwritable(path, reason: String(cString: strerror(errno))) }
        } catch {
            close(fd)
            drop()
            throw error
        }
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            drop()
            throw CoreError.fileUnwritable(path, reason: reason)
        }
        lock.lock()
        defer { lock.unlock() }
        inFlight.remove(temporary)
        // Abandoned while this file was written: abandon() has unlinked it already.
        guard !abandoned else { throw CoreError.fileUnwritable(path, reason: "the command was interrupted") }
        pending.append((temporary, path))
    }

    /// Removes every temporary file, written or being written, so that the process can stop at
    /// once (on a signal) leaving nothing behind; later writes fail. Returns false, removing
    /// nothing, once `commit()` has begun: that is left to finish, putting the files in place.
    public func abandon() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !committing else { return false }
        abandoned = true
        for file in pending { unlink(file.temporary) }
        for temporary in inFlight { unlink(temporary) }
        pending = []
        inFlight = []
        return true
    }

    /// Syncs each filesystem once, renames every file into place and syncs the folders. Returns the
    /// files that could not be committed, with the reason; the others are in place.
    public func commit() -> [String: String] {
        lock.lock()
        committing = true
        let files = pending
        let folders = self.folders
        pending = []
        self.folders = [:]
        lock.unlock()
        defer { for fd in folders.values { close(fd) } }
        var failed: [String: String] = [:]
        // Once per folder, not per filesystem: each descriptor reports its own write-back errors;
        // a second sync of a filesystem has little left to write.
        var unsyncedFolders: [String: String] = [:]
        for (directory, fd) in folders where !syncEachFile && mgov_syncfs(fd) != 0 {
            unsyncedFolders[directory] = String(cString: strerror(errno))
        }
        for file in files {
            if let reason = unsyncedFolders[Self.directory(of: file.path)] ?? (folders[Self.directory(of: file.path)] == nil ? "cannot open its folder" : nil) {
                unlink(file.temporary)
                failed[file.path] = reason
            } else if rename(file.temporary, file.path) != 0 {
                failed[file.path] = String(cString: strerror(errno))
                unlink(file.temporary)
            }
        }
        for fd in folders.values { fsync(fd) }
        return failed
    }

    private static func directory(of path: String) -> String {
        let parent = FileSystem.parent(of: path)
        return parent.isEmpty ? "." : parent
    }
}
