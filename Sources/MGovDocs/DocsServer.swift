import Foundation
import Hummingbird
import MGovCore
import MGovNet
import NIOCore

/// `mgov docs serve`: hands a shared document to the holder of a live access code
/// (`GET /s/{code}`) or to a client whose certificate names a principal with owner rights or a
/// live share (`GET /d/{id}`, the principal being a `urn:md:…` URI in the certificate's subject
/// alternative names), and tells anyone whether content of an `--anonymous-verify` type was issued
/// (`GET /verify/{sha256}`). Unknown, expired, revoked or not-yet-valid access answers 404 whatever
/// the reason, and is logged with it. The state is read on every request, so a revocation takes
/// effect at once.
public struct DocsServer: Sendable {
    public let documents: DocumentStore

    public init(documents: DocumentStore) { self.documents = documents }

    public func router() -> Router<PeerRequestContext> {
        let router = Router(context: PeerRequestContext.self)
        router.get("s/:code") { _, context in
            let code = context.parameters.get("code") ?? ""
            let address = context.channel.remoteAddress?.ipAddress
            return try await serve(documents.resolve(code: code), principal: String?.none, object: String?.none, address: address)
        }
        router.get("d/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            let address = context.channel.remoteAddress?.ipAddress
            let certificate = try? await context.peerCertificate()
            guard let principal = certificate?.subjectAlternativeURIs.lazy.compactMap({ try? Principal($0) }).first else {
                try documents.recordRefusal(.noShare, object: id, principal: certificate?.subject, address: address)
                return notFound()
            }
            return try await serve(documents.resolve(documentID: id, for: principal), principal: principal.urn, object: id, address: address)
        }
        router.get("verify/:sha256") { _, context in
            let hash = context.parameters.get("sha256") ?? ""
            let address = context.channel.remoteAddress?.ipAddress
            guard hash.count == 64, hash.allSatisfy(\.isHexDigit), let answer = try documents.anonymousVerification(sha256: hash) else {
                try documents.recordRefusal(.unknownCode, object: hash, principal: nil, address: address)
                return notFound()
            }
            try documents.record("MDocs.Document.Verified", ["object": hash, "object_type": "content", "user_address": address,
                                                             "event_message": "anonymous verification"])
            return jsonResponse(.ok, try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys]))
        }
        return router
    }

    private func serve(_ resolved: Result<Document, DocumentStore.AccessRefusal>, principal: String?, object: String?, address: String?) async throws -> Response {
        let document: Document
        switch resolved {
        case .failure(let refusal):
            try documents.recordRefusal(refusal, object: object, principal: principal, address: address)
            return notFound()
        case .success(let found):
            document = found
        }
        guard let version = document.latest else { return notFound() }
        // The whole blob is checked before the first byte leaves: a corrupted document is never served.
        do {
            try documents.blobs.check(version.sha256)
        } catch {
            return jsonErrorResponse(.internalServerError, "the document's content is damaged; the operator has been told in the audit log")
        }
        try documents.recordServed(document, principal: principal, address: address)
        let path = documents.blobs.path(of: version.sha256)
        let filename = document.name.replacingOccurrences(of: "\"", with: "'").unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }
        var headers: HTTPFields = [.contentType: "application/octet-stream"]
        headers[.contentDisposition] = "attachment; filename=\"\(String(String.UnicodeScalarView(filename)))\""
        headers[.eTag] = "\"sha256:\(version.sha256)\""
        let body = ResponseBody(contentLength: Int(version.size)) { writer in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw DocsError.missingBlob(version.sha256) }
            defer { close(fd) }
            var buffer = ByteBufferAllocator().buffer(capacity: 1 << 18)
            while true {
                buffer.clear()
                let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1 << 18) { raw -> Int in
                    let count = read(fd, raw.baseAddress, raw.count)
                    if count < 0 { throw DocsError.missingBlob(version.sha256) }
                    return count
                }
                if n == 0 { break }
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    private func notFound() -> Response {
        jsonErrorResponse(.notFound, "no such document, or no live share for it")
    }
}
