import Foundation
import MGovCore
import MGovCrypto
import MGovTestSupport
import Testing
@testable import MGovDocs

/// Audit events as the store hands them over (the real log is tested on its own).
final class CollectedEvents: AuditSink, @unchecked Sendable {
    private let lock = NSLock()
    private var events: [AuditEvent] = []
    func record(_ event: AuditEvent) throws { lock.lock(); events.append(event); lock.unlock() }
    var types: [String] { lock.lock(); defer { lock.unlock() }; return events.map(\.type) }
    var all: [AuditEvent] { lock.lock(); defer { lock.unlock() }; return events }
}

/// A time the test moves.
final class MovableTime: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.lock(); defer { lock.unlock() }; return current }
    func set(_ date: Date) { lock.lock(); current = date; lock.unlock() }
    var clock: Clock { Clock { self.now } }
}

struct DocsFixture {
    let dir: TemporaryDirectory
    let documents: DocumentStore
    let events = CollectedEvents()
    let time = MovableTime(Timestamp.parse("2026-11-23T10:00:00Z")!)
    let alice = try! Principal("urn:md:idnp:2001234567890")
    let bob = try! Principal("urn:md:idnp:2009876543210")
    let agency = try! Principal("urn:md:idno:1003600123456")

    init() throws {
        dir = try TemporaryDirectory()
        let store = try Store(home: MGovHome(path: dir.file("home")), migrations: DocumentStore.migrations)
        documents = DocumentStore(store: store, clock: time.clock, audit: events)
    }

    func add(_ content: Data, name: String = "act.pdf", owner: Principal? = nil, configure: (inout DocumentStore.NewDocument) -> Void = { _ in }) throws -> Document {
        let path = try dir.write("in-\(UUID().uuidString)", data: content)
        let fd = try FileSystem.openForReading(path)
        defer { close(fd) }
        var new = DocumentStore.NewDocument(name: name, owner: owner ?? alice)
        configure(&new)
        return try documents.add(new, from: fd, actor: owner ?? alice)
    }

    func read(_ id: String, as principal: Principal? = nil, version: Int? = nil) throws -> Data {
        let path = dir.file("out-\(UUID().uuidString)")
        let file = try AtomicFile(path: path)
        try file.withDescriptor { try documents.read(id, version: version, actor: principal ?? alice, to: $0) }
        try file.commit()
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    var blobFiles: [String] {
        let root = documents.blobs.root
        return ((try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? []).filter { $0.count == 65 }  // ab/ + 62 hex digits
    }
}

@Suite struct DocumentStoreTests {
    @Test func contentRoundTripsByteForByteAndIsStoredOnce() throws {
        let f = try DocsFixture()
        let binary = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 131) })
        let a = try f.add(binary)
        let empty = try f.add(Data(), name: "empty.txt")
        let again = try f.add(binary, name: "copy.pdf", owner: f.bob)
        #expect(try f.read(a.id) == binary)
        #expect(try f.read(empty.id) == Data())
        #expect(a.latest?.sha256 == again.latest?.sha256)
        #expect(f.blobFiles.count == 2, "\(f.blobFiles)")
        let mode = try FileManager.default.attributesOfItem(atPath: f.documents.blobs.path(of: a.latest!.sha256))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(f.events.types.filter { $0 == "MDocs.Document.Added" }.count == 3)
        #expect(f.events.types.filter { $0 == "MDocs.Document.Read" }.count == 2)
    }

    @Test func versionsKeepTheOldContent() throws {
        let f = try DocsFixture()
        let doc = try f.add(Data("v1".utf8))
        let path = try f.dir.write("v2", "v2")
        let fd = try FileSystem.openForReading(path)
        defer { close(fd) }
        let updated = try f.documents.addVersion(doc.id, from: fd, actor: f.alice)
        #expect(updated.versions.map(\.version) == [1, 2])
        #expect(try f.read(doc.id) == Data("v2".utf8))
        #expect(try f.read(doc.id, version: 1) == Data("v1".utf8))
        #expect(throws: DocsError.self) { try f.read(doc.id, version: 3) }
    }

    @Test func aCorruptedBlobIsNeverReturnedAndVerifyNamesIt() throws {
        let f = try DocsFixture()
        let doc = try f.add(Data("the original text".utf8))
        let blob = f.documents.blobs.path(of: doc.latest!.sha256)
        try Data("the 0riginal text".utf8).write(to: URL(fileURLWithPath: blob))
        let out = f.dir.file("out")
        #expect(throws: DocsError.self) {
            let file = try AtomicFile(path: out)
            try file.withDescriptor { try f.documents.read(doc.id, actor: f.alice, to: $0) }
            try file.commit()
        }
        #expect(!FileManager.default.fileExists(atPath: out), "a damaged read leaves no output")
        let checks = try f.documents.verify()
        #expect(checks.count == 1 && checks[0].problem?.contains("corrupted") == true)
        try FileManager.default.removeItem(atPath: blob)
        #expect(try f.documents.verify(doc.id)[0].problem?.contains("missing") == true)
    }

    /// Each version's record in the store is checked against the content hash its add event recorded.
    @Test func verifyChecksEachVersionAgainstWhatTheLogRecorded() throws {
        let f = try DocsFixture()
        let doc = try f.add(Data("v1".utf8))
        let other = try f.add(Data("other".utf8))
        let path = try f.dir.write("v2", "v2")
        let fd = try FileSystem.openForReading(path)
        defer { close(fd) }
        _ = try f.documents.addVersion(doc.id, from: fd, actor: f.alice)
        var logged: [DocumentStore.VersionRef: Set<String>] = [:]
        for event in f.events.all {
            let fields = event.fields.compactMapValues { value -> String? in if case .string(let text) = value { text } else { nil } }
            if let (version, hash) = DocumentStore.loggedContent(type: event.type, fields: fields) { logged[version, default: []].insert(hash) }
        }
        #expect(logged.count == 3)
        #expect(try f.documents.verify(logged: logged).allSatisfy { $0.problem == nil && $0.notInLog == [] })
        #expect(try f.documents.verify().allSatisfy { $0.problem == nil && $0.notInLog == nil })

        // The store's record of v1 now names other stored content: intact as a blob, but not what was added.
        try f.documents.store.database.write { db in
            try db.execute(sql: "UPDATE docs_version SET blob = ? WHERE document_id = ? AND version = 1", arguments: [other.latest!.sha256, doc.id])
        }
        #expect(try f.documents.verify().allSatisfy { $0.problem == nil }, "the blobs alone are intact")
        let checks = try f.documents.verify(logged: logged)
        let changed = try #require(checks.first { $0.usedBy.contains("\(doc.id) v1") })
        #expect(changed.problem?.contains("the log recorded \(doc.id) v1 as sha256 \(Hex.encode(Digest.sha256(Data("v1".utf8))))") == true)
        #expect(checks.filter { $0.problem != nil }.count == 1)

        // A version the log holds no hash for is listed, not failed: one added before adds were logged with their hash.
        logged[DocumentStore.VersionRef(document: doc.id, version: 2)] = nil
        #expect(try f.documents.verify(doc.id, logged: logged).flatMap { $0.notInLog ?? [] } == ["\(doc.id) v2"])
        let later = f.time.now.addingTimeInterval(1)
        let before = try #require(try f.documents.verify(doc.id, logged: logged, hashesLoggedSince: later).first { $0.usedBy == ["\(doc.id) v2"] })
        #expect(before.notInLog == ["\(doc.id) v2"] && before.problem == nil)
        // Added once every add was logged with its hash, it must be in the log: its event was taken out.
        let since = try f.documents.verify(doc.id, logged: logged, hashesLoggedSince: f.time.now)
        let unlogged = try #require(since.first { $0.usedBy == ["\(doc.id) v2"] })
        #expect(unlogged.problem?.contains("the log holds no record of \(doc.id) v2's add") == true && unlogged.notInLog == [], "\(since)")

        // Events written before the hash had fields of their own: the first version's is in the message.
        let hash = String(repeating: "ab", count: 32)
        #expect(DocumentStore.loggedContent(type: "MDocs.Document.Added", fields: ["object": "d", "event_message": "added a (1) (5 bytes, sha256 \(hash))"])?.sha256 == hash)
        #expect(DocumentStore.loggedContent(type: "MDocs.Document.Added", fields: ["object": "d", "event_message": "added a (5 bytes, sha256 xyz)"]) == nil)
        #expect(DocumentStore.loggedContent(type: "MDocs.Document.Read", fields: ["object": "d", "object_version": "1", "object_sha256": hash]) == nil)
    }

    @Test func principalsAreValidatedAsMDocsWritesThem() throws {
        for good in ["urn:md:idnp:2001234567890", "urn:md:idno:1003600123456", "urn:md:system:0f8fad5b-d9cb-469f-a165-70867728950e", "urn:public"] {
            #expect(throws: Never.self) { try Principal(good) }
        }
        for bad in ["urn:md:idnp:123", "urn:md:idnp:20012345678901", "urn:md:system:nope", "alice", "urn:md:idnp:200123456789x"] {
            #expect(throws: DocsError.self) { try Principal(bad) }
        }
    }

    @Test func aShareWorksExactlyInsideItsWindow() throws {
        let f = try DocsFixture()
        let doc = try f.add(Data("x".utf8))
        let from = Timestamp.parse("2026-11-24T09:00:00Z")!, to = Timestamp.parse("2026-11-24T17:00:00Z")!
        _ = try f.documents.share(doc.id, with: f.bob, .init(from: from, to: to), actor: f.alice)
        let (_, code) = try f.documents.shareLink(doc.id, .init(from: from, to: to), actor: f.alice)
        func bobCanRead() throws -> Bool { if case .success = try f.documents.resolve(documentID: doc.id, for: f.bob) { return true }; return false }
        func linkOpens() throws -> Bool { if case .success = try f.documents.resolve(code: code) { return true }; return false }
        for (moment, expected) in [(from.addingTimeInterval(-0.001), false), (from, true), (to, true), (to.addingTimeInterval(0.001), false)] {
            f.time.set(moment)
            #expect(try bobCanRead() == expected, "at \(Timestamp.format(moment))")
            #expect(try linkOpens() == expected, "link at \(Timestamp.format(moment))")
        }
        f.time.set(to.addingTimeInterval(1))
        #expect(throws: DocsError.self) { try f.read(doc.id, as: f.bob) }
    }

    @Test func aChangeWhoseAuditEventCannotBeWrittenIsNotMade() throws {
        let f = try DocsFixture()
        let binned = try f.add(Data("binned".utf8), name: "binned.pdf")
        let doc = try f.add(Data("kept".utf8))
        let now = f.time.now
        let window = DocumentStore.ShareRequest(from: now, to: now.addingTimeInterval(3600))
        let share = try f.documents.share(doc.id, with: f.bob, window, actor: f.alice)
        try f.documents.remove(binned.id, actor: f.alice)
        f.time.set(now.addingTimeInterval(60))
        // The same store, with a log that takes no event inside a transaction.
        let log = TransactionRefusingSink()
        let documents = DocumentStore(store: f.documents.store, clock: f.time.clock, audit: log)

        #expect(throws: TransactionRefusingSink.Refused.self) { try documents.remove(doc.id, actor: f.alice) }
        #expect(try documents.document(doc.id).deletedAt == nil)
        #expect(throws: TransactionRefusingSink.Refused.self) { try documents.restore(binned.id, actor: f.alice) }
        #expect(try documents.document(binned.id).deletedAt != nil)
        #expect(throws: TransactionRefusingSink.Refused.self) { try documents.hold(doc.id, reason: "case 1", actor: f.agency) }
        #expect(try documents.document(doc.id).holdReason == nil)
        #expect(throws: TransactionRefusingSink.Refused.self) { try documents.share(doc.id, with: f.agency, window, actor: f.alice) }
        #expect(throws: TransactionRefusingSink.Refused.self) { try documents.shareLink(doc.id, window, actor: f.alice) }
        #expect(try documents.shares(document: doc.id).map(\.id) == [share.id])
        #expect(throws: TransactionRefusingSink.Refused.self) { try documents.revoke(share.id, actor: f.alice) }
        #expect(try documents.share(share.id).revokedAt == nil)
        #expect(throws: TransactionRefusingSink.Refused.self) {
            try documents.addType(code: "CERT", retention: "1y", deleteOnExpiry: false, official: false, anonymousVerify: false)
        }
        #expect(try documents.types().isEmpty)
        let blobs = f.blobFiles
        #expect(throws: TransactionRefusingSink.Refused.self) { try documents.purge(actor: f.agency) }
        #expect(try documents.document(binned.id).id == binned.id)
        #expect(f.blobFiles == blobs, "no blob goes before the records that use it")
        #expect(log.events.isEmpty, "nothing was logged after a commit either")
    }

    @Test func nobodySharesMoreThanTheyHoldOrOutsideTheRules() throws {
        let f = try DocsFixture()
        let doc = try f.add(Data("x".utf8))
        let now = f.time.now
        let window = DocumentStore.ShareRequest(from: now, to: now.addingTimeInterval(3600))
        _ = try f.documents.share(doc.id, with: f.bob, window, actor: f.alice)
        var write = window
        write.permission = .write
        #expect(throws: DocsError.self) { try f.documents.share(doc.id, with: f.agency, write, actor: f.bob) }
        #expect(throws: Never.self) { try f.documents.share(doc.id, with: f.agency, window, actor: f.bob) }
        #expect(throws: DocsError.self) { try f.documents.share(doc.id, with: f.bob, .init(from: now, to: now.addingTimeInterval(-1)), actor: f.alice) }
        #expect(throws: DocsError.self) { try f.documents.share(doc.id, with: f.bob, .init(from: now.addingTimeInterval(-7200), to: now.addingTimeInterval(-3600)), actor: f.alice) }
        let stranger = try Principal("urn:md:idnp:2005555555555")
        #expect(throws: DocsError.self) { try f.documents.share(doc.id, with: f.bob, window, actor: stranger) }
        // A read share does not let bob add a version.
        let path = try f.dir.write("v2", "v2")
        let fd = try FileSystem.openForReading(path)
        defer { close(fd) }
        #expect(throws: DocsError.self) { try f.documents.addVersion(doc.id, from: fd, actor: f.bob) }
    }

    /// A share made by a grantee gives only what its maker still holds: it ends when the maker's
    /// own share ends or is revoked, and cannot be made to outlast it.
    /// The owner reads in their access history that their document was shared, unshared or asked
    /// for in vain: the person whose document it is is the subject, never the one it is shared with.
    @Test func sharesAndRefusalsNameTheOwnerAsSubject() throws {
        let f = try DocsFixture()
        let doc = try f.add(Data("birth act".utf8))
        let share = try f.documents.share(doc.id, with: f.agency, .init(from: f.time.now, to: f.time.now.addingTimeInterval(3600)), actor: f.alice)
        try f.documents.revoke(share.id, actor: f.alice)
        #expect(throws: DocsError.self) { try f.read(doc.id, as: f.bob) }
        for type in ["MDocs.Share.Created", "MDocs.Share.Revoked", "MDocs.Access.Denied"] {
            let event = try #require(f.events.all.last { $0.type == type }, "\(type) is logged")
            #expect(event.fields["subject"] == .string("2001234567890") && event.fields["subject_type"] == .string("idnp"), "\(type): \(event.fields)")
        }
        let toBob = try f.documents.share(doc.id, with: f.bob, .init(from: f.time.now, to: f.time.now.addingTimeInterval(60)), actor: f.alice)
        #expect(f.events.all.last { $0.type == "MDocs.Share.Created" }?.fields["subject"] == .string("2001234567890"), "not the grantee \(toBob.id)")
    }

    @Test func aReShareEndsWithTheSharersOwn() throws {
        let f = try DocsFixture()
        let doc = try f.add(Data("x".utf8))
        let now = f.time.now
        let bobs = try f.documents.share(doc.id, with: f.bob, .init(from: now, to: now.addingTimeInterval(3600)), actor: f.alice)
        #expect(throws: DocsError.self, "longer than bob holds it") {
            try f.documents.share(doc.id, with: f.agency, .init(from: now, to: now.addingTimeInterval(7200)), actor: f.bob)
        }
        _ = try f.documents.share(doc.id, with: f.agency, .init(from: now, to: now.addingTimeInterval(1800)), actor: f.bob)
        let (_, code) = try f.documents.shareLink(doc.id, .init(from: now, to: now.addingTimeInterval(1800)), actor: f.bob)
        guard case .success = try f.documents.resolve(documentID: doc.id, for: f.agency) else { Issue.record("the re-share opens"); return }
        guard case .success = try f.documents.resolve(code: code) else { Issue.record("bob's link opens"); return }
        try f.documents.revoke(bobs.id, actor: f.alice)
        guard case .failure(.noShare) = try f.documents.resolve(documentID: doc.id, for: f.agency) else { Issue.record("ends with bob's share"); return }
        guard case .failure(.revoked) = try f.documents.resolve(code: code) else { Issue.record("bob's link ends with his share"); return }
        // Listings say so: bob's share revoked, the two made from it lapsed.
        let statuses = try f.documents.shares(document: doc.id).map(\.status).sorted()
        #expect(statuses == ["lapsed", "lapsed", "revoked"], "\(statuses)")
        #expect(throws: DocsError.self, "and the agency cannot share it on") {
            try f.documents.share(doc.id, with: f.bob, .init(from: now, to: now.addingTimeInterval(60)), actor: f.agency)
        }
    }

    @Test func revocationTakesEffectAtOnceAndLinksCanBeReservedFirst() throws {
        let f = try DocsFixture()
        let now = f.time.now
        let window = DocumentStore.ShareRequest(from: now, to: now.addingTimeInterval(3600))
        let (reserved, code) = try f.documents.shareLink(nil, window, actor: f.alice)
        guard case .failure(.unbound) = try f.documents.resolve(code: code) else { Issue.record("a reserved link opens nothing yet"); return }
        #expect(throws: DocsError.self, "alice's link does not take bob's document") {
            try f.add(Data("bob's".utf8), owner: f.bob) { $0.linkCode = code }
        }
        let doc = try f.add(Data("certificate".utf8)) { $0.linkCode = code }
        guard case .success(let opened) = try f.documents.resolve(code: code) else { Issue.record("the bound link opens the document"); return }
        #expect(opened.id == doc.id)
        try f.documents.revoke(reserved.id, actor: f.alice)
        guard case .failure(.revoked) = try f.documents.resolve(code: code) else { Issue.record("revoked"); return }
        guard case .failure(.unknownCode) = try f.documents.resolve(code: "guessed") else { Issue.record("unknown"); return }
        #expect(throws: DocsError.self) { try f.add(Data("other".utf8)) { $0.linkCode = code } }
    }

    @Test func purgeHonoursRetentionAndLegalHoldAndKeepsSharedBlobs() throws {
        let f = try DocsFixture()
        _ = try f.documents.addType(code: "CERT", retention: "1y", deleteOnExpiry: true, official: true, anonymousVerify: false)
        let content = Data("same bytes".utf8)
        let kept = try f.add(content, name: "kept.pdf")
        let binned = try f.add(content, name: "binned.pdf") { $0.type = "CERT" }
        let held = try f.add(Data("held".utf8), name: "held.pdf")
        let expired = try f.add(Data("expired".utf8), name: "expired.pdf") { $0.type = "CERT"; $0.expiresOn = "2026-12-01" }
        #expect(try f.documents.document(binned.id).flags.contains("Official"))
        #expect(try f.documents.document(expired.id).flags.contains("Expiring"))
        try f.documents.remove(binned.id, actor: f.alice)
        try f.documents.remove(held.id, actor: f.alice)
        try f.documents.hold(held.id, reason: "case 12/2026", actor: f.agency)

        var report = try f.documents.purge(actor: f.agency)
        #expect(report.purged.isEmpty)
        #expect(report.held[held.id] == "case 12/2026")
        #expect(report.retained[binned.id] != nil, "inside its 1y retention")

        f.time.set(Timestamp.parse("2027-12-01T00:00:00Z")!)
        // A dry run says what the purge will do, blobs included, and changes nothing.
        let dry = try f.documents.purge(actor: f.agency, dryRun: true)
        #expect(Set(dry.purged) == [binned.id, expired.id] && dry.blobsRemoved == 1)
        #expect(try f.documents.document(expired.id).id == expired.id && (try f.read(expired.id)) == Data("expired".utf8))
        report = try f.documents.purge(actor: f.agency)
        #expect(Set(report.purged) == [binned.id, expired.id])
        #expect(report.held[held.id] != nil)
        #expect(try f.read(kept.id) == content, "the blob binned.pdf shared with kept.pdf stays")
        #expect(report.blobsRemoved == 1, "only expired.pdf's own content goes")
        #expect(throws: DocsError.self) { try f.documents.document(binned.id) }

        // Only the agency that placed the hold changes or lifts it, not the owner it binds; the attempt is logged.
        #expect(throws: DocsError.self) { try f.documents.hold(held.id, reason: nil, actor: f.alice) }
        #expect(throws: DocsError.self) { try f.documents.hold(held.id, reason: "nothing", actor: f.alice) }
        #expect(f.events.types.last == "MDocs.Access.Denied")
        #expect(try f.documents.document(held.id).holdBy == f.agency.urn)
        try f.documents.hold(held.id, reason: nil, actor: f.agency)
        #expect(throws: DocsError.notHeld(held.id)) { try f.documents.hold(held.id, reason: nil, actor: f.agency) }
        #expect(throws: DocsError.self, "urn:public holds nothing: anyone could release it") {
            try f.documents.hold(held.id, reason: "case", actor: .everyone)
        }
        report = try f.documents.purge(actor: f.agency)
        #expect(report.purged == [held.id])
        #expect(f.events.types.contains("MDocs.Document.Purged") && f.events.types.contains("MDocs.Document.Held"))
    }

    /// Content staged by an add that was killed is removed by a purge once it is a day old; an
    /// add still writing (a fresh file) is left alone; a dry run only counts.
    @Test func purgeRemovesUploadsThatNeverFinished() throws {
        let f = try DocsFixture()
        _ = try f.add(Data("kept".utf8))
        let root = f.documents.blobs.root
        let old = root + "/.incoming-OLD123", fresh = root + "/.incoming-NEW456"
        #expect(FileManager.default.createFile(atPath: old, contents: Data("half".utf8)))
        #expect(FileManager.default.createFile(atPath: fresh, contents: Data("writing".utf8)))
        var times = [timespec(tv_sec: time(nil) - 2 * 86_400, tv_nsec: 0), timespec(tv_sec: time(nil) - 2 * 86_400, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, old, &times, 0) == 0)
        #expect(try f.documents.purge(actor: f.agency, dryRun: true).abandonedUploadsRemoved == 1)
        #expect(FileManager.default.fileExists(atPath: old))
        #expect(try f.documents.purge(actor: f.agency).abandonedUploadsRemoved == 1)
        #expect(!FileManager.default.fileExists(atPath: old) && FileManager.default.fileExists(atPath: fresh))
    }

    @Test func theRecycleBinHidesAndRestores() throws {
        let f = try DocsFixture()
        let doc = try f.add(Data("x".utf8))
        try f.documents.remove(doc.id, actor: f.alice)
        #expect(throws: DocsError.self) { try f.read(doc.id) }
        #expect(try f.documents.list(.init()).isEmpty)
        var bin = DocumentStore.Filter()
        bin.deleted = true
        #expect(try f.documents.list(bin).map(\.id) == [doc.id])
        #expect(throws: DocsError.self) { try f.documents.remove(doc.id, actor: f.bob) }
        try f.documents.restore(doc.id, actor: f.alice)
        #expect(try f.read(doc.id) == Data("x".utf8))
    }
}

@Suite struct ByteRangeTests {
    let etag = "\"sha256:abc\""
    func range(_ header: String?, ifRange: String? = nil, size: Int = 20) -> ByteRange {
        ByteRange.requested(header, ifRange: ifRange, etag: etag, size: size)
    }

    @Test func oneRangeIsServedAndClampedToTheDocument() {
        #expect(range("bytes=2-5") == .part(2..<6))
        #expect(range("bytes=15-") == .part(15..<20))
        #expect(range("bytes=-3") == .part(17..<20))
        #expect(range("bytes=-50") == .part(0..<20))
        #expect(range("bytes=10-99") == .part(10..<20))
        #expect(range("bytes=0-1", ifRange: etag) == .part(0..<2))
    }

    @Test func whatCannotBeServedIsSaidAndWhatCannotBeReadIsIgnored() {
        #expect(range("bytes=20-") == .unsatisfiable)
        #expect(range("bytes=-0") == .unsatisfiable)
        #expect(range("bytes=0-", size: 0) == .unsatisfiable)
        for ignored in ["bytes=5-2", "bytes=a-b", "items=0-1", "bytes=0-1,3-4", "bytes=", "bytes=-", "bytes=+1-2", "bytes=١-٢"] {
            #expect(range(ignored) == .whole, "\(ignored)")
        }
        #expect(range(nil) == .whole)
        #expect(range("bytes=0-1", ifRange: "\"sha256:other\"") == .whole)
    }
}

@Suite struct ContentDispositionTests {
    @Test func nonASCIINamesGoInUTF8Too() {
        #expect(DocsServer.contentDisposition("act.pdf") == #"attachment; filename="act.pdf""#)
        #expect(DocsServer.contentDisposition(#"Ștefan «x» ;"q".pdf"#)
                == #"attachment; filename="tefan x ;'q'.pdf"; filename*=UTF-8''%C8%98tefan%20%C2%ABx%C2%BB%20%3B%22q%22.pdf"#)
        #expect(DocsServer.contentDisposition("a\\b\r\n.txt") == #"attachment; filename="ab.txt"; filename*=UTF-8''a%5Cb.txt"#)
    }
}
