import Foundation
import MGovCore
import MGovTestSupport
import Testing

@Suite struct AtomicBatchTests {
    private func names(_ dir: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    @Test func filesAppearOnlyOnCommitAndNothingIsLeftBehind() throws {
        let dir = try TemporaryDirectory()
        let batch = AtomicBatch(expectedFiles: 20)
        DispatchQueue.concurrentPerform(iterations: 20) { i in
            try? batch.write(to: dir.file("f\(i).sig")) { fd in
                _ = "signature \(i)".withCString { write(fd, $0, strlen($0)) }
            }
        }
        #expect(try names(dir).allSatisfy { $0.hasPrefix(".") }, "nothing under a final name before commit")
        #expect(batch.commit().isEmpty)
        #expect(try names(dir) == (0..<20).map { "f\($0).sig" }.sorted())
        #expect(try String(contentsOfFile: dir.file("f7.sig"), encoding: .utf8) == "signature 7")
    }

    /// A replaced file keeps its mode (a 0600 file is not opened to others by being rewritten), a
    /// new one gets 0666 less the umask, and a copy made from a private file is as private.
    @Test func modesAreKeptOrComeFromTheUmask() throws {
        let dir = try TemporaryDirectory()
        func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
        let umaskLine = try String(contentsOfFile: "/proc/self/status", encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("Umask:") }
        let mask = Int(umaskLine.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "022", radix: 8) ?? 0o022
        try FileSystem.writeAtomically(Data("new".utf8), to: dir.file("new"))
        #expect(try mode(dir.file("new")) == 0o666 & ~mask)
        let secret = try dir.write("secret", "v1")
        chmod(secret, 0o600)
        try FileSystem.writeAtomically(Data("v2".utf8), to: secret)
        let batch = AtomicBatch(expectedFiles: 1)
        try batch.write(to: secret) { fd in _ = write(fd, "v3", 2) }
        #expect(batch.commit().isEmpty)
        #expect(try mode(secret) == 0o600 && (try String(contentsOfFile: secret, encoding: .utf8)) == "v3")
        #expect(FileSystem.mode(replacing: dir.file("secret.p7s"), asPrivateAs: secret) == 0o600 & (0o666 & ~mode_t(mask)))
        #expect(FileSystem.mode(replacing: secret, asPrivateAs: dir.file("new")) == 0o600)
    }

    @Test func aFailedWriteAndADroppedBatchLeaveNoFiles() throws {
        let dir = try TemporaryDirectory()
        struct Boom: Error {}
        do {
            let batch = AtomicBatch(expectedFiles: 1)
            #expect(throws: Boom.self) { try batch.write(to: dir.file("bad")) { _ in throw Boom() } }
            try batch.write(to: dir.file("never")) { fd in _ = write(fd, "x", 1) }
        }
        #expect(try names(dir).isEmpty)
        #expect(throws: CoreError.self) { try AtomicBatch(expectedFiles: 1).write(to: dir.file("no/such/folder/f")) { _ in } }
    }

    @Test func onePathIsWrittenOncePerBatch() throws {
        let dir = try TemporaryDirectory()
        let batch = AtomicBatch(expectedFiles: 1)
        try batch.write(to: dir.file("x.p7s")) { fd in _ = write(fd, "1", 1) }
        #expect(throws: CoreError.self) { try batch.write(to: dir.file("./x.p7s")) { fd in _ = write(fd, "2", 1) } }
        #expect(batch.commit().isEmpty)
        #expect(try String(contentsOfFile: dir.file("x.p7s"), encoding: .utf8) == "1")
    }
}

@Suite struct PathTests {
    @Test func parentOfAPath() {
        let cases: [(String, String)] = [("x", ""), ("ab", ""), ("./x", "."), ("a/b", "a"), ("/x", "/"), ("/a/b/c", "/a/b"),
                                         ("a//b", "a"), ("a/b/", "a"), ("/", "/"), ("", ""), ("//x", "/")]
        for (path, parent) in cases { #expect(FileSystem.parent(of: path) == parent, "\(path)") }
    }

}

@Suite struct WriteTargetTests {
    @Test func aSymbolicLinkStaysAndItsTargetIsReplaced() throws {
        let dir = try TemporaryDirectory()
        try "old".write(toFile: dir.file("real"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link"), withDestinationPath: "real")
        try FileSystem.writeAtomically(Data("new".utf8), to: dir.file("link"), mode: 0o600)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.file("link")) == "real")
        #expect(try String(contentsOfFile: dir.file("real"), encoding: .utf8) == "new")
        // A link to a file not there yet creates it, as a shell's `>` does.
        try FileManager.default.createSymbolicLink(atPath: dir.file("dangling"), withDestinationPath: dir.file("later"))
        try FileSystem.writeAtomically(Data("x".utf8), to: dir.file("dangling"))
        #expect(try String(contentsOfFile: dir.file("later"), encoding: .utf8) == "x")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["dangling", "later", "link", "real"])
    }

    @Test func aFIFOIsWrittenThroughNotReplacedByAFileOrABatch() throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.file("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = try BackgroundProcess("/bin/cat", [fifo])
        let file = try AtomicFile(path: fifo, mode: 0o600)
        try file.write("through the pipe\n")
        try file.commit()
        reader.process.waitUntilExit()
        #expect(reader.stdout == "through the pipe\n")
        var st = stat()
        #expect(lstat(fifo, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
        #expect(try FileSystem.writeTarget("/dev/null") == .writeThrough)
        #expect(throws: CoreError.self) { try FileSystem.writeAtomically(Data(), to: dir.path) }
        #expect(throws: CoreError.self) { try AtomicBatch(expectedFiles: 1).write(to: dir.path) { _ in } }

        // A batch writes through to a FIFO as it goes (nothing to rename into its place at commit).
        let second = try BackgroundProcess("/bin/cat", [fifo])
        let batch = AtomicBatch(expectedFiles: 1)
        try batch.write(to: fifo) { fd in _ = FileSystem.writeAll(Data("from a batch\n".utf8), to: fd) }
        second.process.waitUntilExit()
        #expect(second.stdout == "from a batch\n")
        #expect(batch.commit().isEmpty)
        #expect(lstat(fifo, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
    }
}
