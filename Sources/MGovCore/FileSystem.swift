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
    /// Creates `path` (and missing parents) with mode 0700, independent of the umask.
    public static func makeOwnerOnlyDirectory(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw CoreError.homeUnusable(path: path, reason: "it exists and is not a folder") }
            var st = stat()
            if stat(path, &st) == 0, st.st_mode & 0o077 != 0, st.st_uid == geteuid() {
                chmod(path, 0o700)
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw CoreError.homeUnusable(path: path, reason: "cannot create \(parent): \(posixMessage(error))")
            }
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw CoreError.homeUnusable(path: path, reason: String(cString: strerror(errno)))
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

    /// Writes `data` to `path` atomically: a temporary file beside it, fsynced, renamed.
    /// Readers see the old file or the whole new one, never half a file.
    public static func writeAtomically(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var template = Array("\(dir)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CoreError.fileUnwritable(path, reason: String(cString: strerror(errno))) }
        let tempPath = String(cString: template)
        var ok = false
        defer {
            if !ok { unlink(tempPath) }
        }
        fchmod(fd, mode)
        let written = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        let synced = written && fsync(fd) == 0
        let savedErrno = errno
        close(fd)
        guard synced else { throw CoreError.fileUnwritable(path, reason: String(cString: strerror(savedErrno))) }
        guard rename(tempPath, path) == 0 else {
            throw CoreError.fileUnwritable(path, reason: String(cString: strerror(errno)))
        }
        ok = true
        // Make the rename itself durable.
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// Reads a whole file, or stdin for "-", with errors users can act on.
    public static func read(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw CoreError.fileNotFound(path) }
        if isDir.boolValue { throw CoreError.fileUnreadable(path, reason: "it is a folder") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CoreError.fileUnreadable(path, reason: posixMessage(error))
        }
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
