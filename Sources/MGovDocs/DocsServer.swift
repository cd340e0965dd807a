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
/// effect at once. Documents answer HEAD, and a single byte range (`Range: bytes=…`, RFC 9110) with
/// 206, so a download can be resumed.
public struct DocsServer: Sendable {
    public let documents: DocumentStore

    public init(documents: DocumentStore) { self.documents = documents }

    public func router() -> Router<PeerRequestContext> {
        let router = Router(context: PeerRequestContext.self)
        for method in [HTTPRequest.Method.get, .head] {
            router.on("s/:code", method: method) { request, context in
                let code = context.parameters.get("code") ?? ""
                let address = context.channel.remoteAddress?.ipAddress
                return try await serve(documents.resolve(code: code), request: request, principal: String?.none, object: String?.none, address: address)
            }
            router.on("d/:id", method: method) { request, context in
                let id = context.parameters.get("id") ?? ""
                let address = context.channel.remoteAddress?.ipAddress
                let certificate = try? await context.peerCertificate()
                guard let principal = certificate?.subjectAlternativeURIs.lazy.compactMap({ try? Principal($0) }).first else {
                    try documents.recordRefusal(.noShare, object: id, principal: certificate?.subject, address: address)
                    return notFound()
                }
                return try await serve(documents.resolve(documentID: id, for: principal), request: request, principal: principal.urn, object: id, address: address)
            }
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

    private func serve(_ resolved: Result<Document, DocumentStore.AccessRefusal>, request: Request, principal: String?, object: String?,
                       address: String?) async throws -> Response {
        let document: Document
        switch resolved {
        case .failure(let refusal):
            try documents.recordRefusal(refusal, object: object, principal: principal, address: address)
            return notFound()
        case .success(let found):
            document = found
        }
        guard let version = document.latest else { return notFound() }
        let size = Int(version.size)
        let etag = "\"sha256:\(version.sha256)\""
        let range = ByteRange.requested(request.header("Range"), ifRange: request.header("If-Range"), etag: etag, size: size)
        var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes", .eTag: etag]
        headers[.contentDisposition] = Self.contentDisposition(document.name)
        if case .unsatisfiable = range {
            headers = [.contentType: "application/json", .contentRange: "bytes */\(size)"]
            return Response(status: .rangeNotSatisfiable, headers: headers,
                            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"the range is outside the document's \#(size) bytes"}"# + "\n")))
        }
        // The whole blob is checked before the first byte leaves: a corrupted document is never served.
        do {
            try documents.blobs.check(version.sha256)
        } catch {
            return jsonErrorResponse(.internalServerError, "the document's content is damaged; the operator has been told in the audit log")
        }
        let head = request.method == .head
        var served = 0..<size
        var status = HTTPResponse.Status.ok
        if case .part(let part) = range {
            served = part
            status = .partialContent
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound - 1)/\(size)"
        }
        try documents.recordServed(document, principal: principal, address: address,
                                   how: head ? "headers only (HEAD)" : status == .ok ? nil : "bytes \(served.lowerBound)-\(served.upperBound - 1) of \(size)")
        if head {
            // The headers a GET would have, Content-Length included, and no body.
            headers[.contentLength] = "\(served.count)"
            return Response(status: status, headers: headers, body: ResponseBody { writer in try await writer.finish(nil) })
        }
        let path = documents.blobs.path(of: version.sha256)
        let part = served
        let body = ResponseBody(contentLength: part.count) { writer in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw DocsError.missingBlob(version.sha256) }
            defer { close(fd) }
            var buffer = ByteBufferAllocator().buffer(capacity: 1 << 18)
            var offset = part.lowerBound
            while offset < part.upperBound {
                buffer.clear()
                let wanted = min(1 << 18, part.upperBound - offset)
                let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { raw -> Int in
                    let count = pread(fd, raw.baseAddress, wanted, off_t(offset))
                    if count < 0 { throw DocsError.missingBlob(version.sha256) }
                    return count
                }
                if n == 0 { throw DocsError.missingBlob(version.sha256) }  // shorter than recorded
                offset += n
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// `attachment` with the name twice (RFC 6266): `filename` in ASCII for old clients, and
    /// `filename*` in UTF-8 (RFC 8187) when the name is not plain ASCII, e.g. Romanian letters.
    static func contentDisposition(_ name: String) -> String {
        let ascii = String(String.UnicodeScalarView(name.replacingOccurrences(of: "\"", with: "'").unicodeScalars
            .filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\\" }))
        var header = "attachment; filename=\"\(ascii)\""
        if ascii != name {
            // attr-char of RFC 8187: letters, digits and !#$&+-.^_`|~ go as they are, every other byte %XX.
            let plain = Set("!#$&+-.^_`|~".utf8)
            let encoded = name.utf8.filter { $0 >= 0x20 && $0 != 0x7F }.map { byte -> String in
                let isAlphanumeric = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                return isAlphanumeric || plain.contains(byte) ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
            }.joined()
            header += "; filename*=UTF-8''\(encoded)"
        }
        return header
    }

    private func notFound() -> Response {
        jsonErrorResponse(.notFound, "no such document, or no live share for it")
    }
}

/// The part of a document a request asks for (RFC 9110 §14): one byte range, or the whole when
/// there is no Range header, it cannot be parsed, it asks for several ranges, or If-Range names
/// another version.
enum ByteRange: Equatable {
    case whole
    case part(Range<Int>)
    case unsatisfiable

    static func requested(_ header: String?, ifRange: String?, etag: String, size: Int) -> ByteRange {
        guard let header, ifRange == nil || ifRange == etag else { return .whole }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes="), !text.contains(",") else { return .whole }
        let spec = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        func number(_ digits: Substring) -> Int? { digits.allSatisfy { $0.isASCII && $0.isNumber } ? Int(digits) : nil }
        if first.isEmpty {
            // The last N bytes.
            guard let count = number(last) else { return .whole }
            guard count > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - count)..<size)
        }
        guard let start = number(first) else { return .whole }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .part(start..<size) }
        guard let end = number(last), end >= start else { return .whole }
        return .part(start..<(min(end, size - 1) + 1))
    }
}
