import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// An HTTPS client with the profile's certificate (mutual TLS), or plain HTTP
/// for tests with `insecure`. Call `shutdown()` when done.
public final class MutualTLSClient: Sendable {
    private let client: HTTPClient
    private let allowPlainHTTP: Bool

    public init(tls: TLSIdentity?, connectTimeout: TimeAmount = .seconds(10)) {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls?.clientConfiguration
        configuration.timeout = .init(connect: connectTimeout, read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        // The default (8 connections per host) queued a proxy's concurrent requests behind each other.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // A refused or failed connection fails the request at once, as curl does: by default the
        // pool retried with backoff until the connect timeout, so a request to a stopped provider (or
        // a proxy's stopped upstream) took 10 s to fail. Whoever wants retries makes them (the
        // notify outbox does, on its schedule). A peer that does not answer still times out.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        allowPlainHTTP = tls == nil
    }

    public struct Reply: Sendable {
        public let status: Int
        public let body: Data
        public var headers: [(String, String)] = []

        /// A header's value by name, case-insensitively.
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Answers larger than this are refused.
    public static let maximumBodySize = 64 << 20

    private func check(_ url: String) throws {
        try Self.validate(url)
        if url.lowercased().hasPrefix("http:"), !allowPlainHTTP { throw NetError.plainHTTPRefused(url) }
    }

    /// Checks that `url` is an http(s) URL with a host and, when it names one, a port from 1 to
    /// 65535, so that a bad address is refused where it is given (a service, a channel) rather than
    /// when it is used (the HTTP client traps on a port beyond 65535).
    public static func validate(_ url: String) throws {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
              let host = parsed.host, !host.isEmpty else {
            throw NetError.invalidURL(url, reason: "expected https://HOST:PORT/...")
        }
        guard scheme == "https" || scheme == "http" else { throw NetError.invalidURL(url, reason: "only https (or http) is supported, not \(scheme)") }
        if let port = parsed.port, !(1...65535).contains(port) {
            throw NetError.invalidURL(url, reason: "port \(port) is out of range (1 to 65535)")
        }
    }

    /// Sends a request; throws NetError for an unreachable peer, never for an HTTP status.
    public func send(_ method: HTTPMethod, _ url: String, body: Data? = nil, headers: [(String, String)] = [],
                     timeout: TimeAmount = .seconds(60)) async throws -> Reply {
        try check(url)
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: Self.maximumBodySize)
            return Reply(status: Int(response.status.code), body: Data(buffer.readableBytesView),
                         headers: response.headers.map { ($0.name, $0.value) })
        } catch {
            throw Self.failure(url, error)
        }
    }

    /// The same for a caller on an event loop (a server's handler): no task, and the answer is
    /// delivered on `loop`. The connection is whichever the pool has (requiring one of `loop`'s own,
    /// `.delegateAndChannel`, saved no measurable latency and cut a proxy's throughput under 32
    /// concurrent requests by a third). Fails with NetError.
    public func send(_ method: HTTPMethod, _ url: String, body: Data? = nil, headers: [(String, String)] = [],
                     timeout: TimeAmount = .seconds(60), on loop: any EventLoop) -> EventLoopFuture<Reply> {
        let request: HTTPClient.Request
        do {
            try check(url)
            request = try HTTPClient.Request(url: url, method: method, headers: HTTPHeaders(headers), body: body.map { .bytes($0) })
        } catch let error as NetError {
            return loop.makeFailedFuture(error)
        } catch {
            return loop.makeFailedFuture(NetError.invalidURL(url, reason: Self.describe(error)))
        }
        let accumulator = ResponseAccumulator(request: request, maxBodySize: Self.maximumBodySize)
        return client.execute(request: request, delegate: accumulator, eventLoop: .delegate(on: loop), deadline: .now() + timeout)
            .futureResult
            .map { response in
                Reply(status: Int(response.status.code), body: response.body.map { Data($0.readableBytesView) } ?? Data(),
                      headers: response.headers.map { ($0.name, $0.value) })
            }
            .flatMapErrorThrowing { error in throw Self.failure(url, error) }
    }

    /// A request to `url` that failed, as the NetError both `send`s throw: a refused TLS handshake
    /// (its certificate: a "no", exit 1), else an unreachable peer.
    static func failure(_ url: String, _ error: any Error) -> NetError {
        if let error = error as? NetError { return error }
        if let reason = tlsReason(error) { return .tlsRefused(url, reason: reason) }
        return .unreachable(url, reason: describe(error))
    }

    /// What a failed TLS handshake means, in words, from BoringSSL's reason code (the error's text
    /// otherwise names a source file of the build); nil when `error` is no handshake failure.
    static func tlsReason(_ error: Error) -> String? {
        let text: String
        if let error = error as? NIOSSLError, case .handshakeFailed(let inner) = error {
            text = String(describing: inner)
        } else if let error = error as? BoringSSLError {
            text = String(describing: error)
        } else {
            return nil
        }
        // "... error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /path/handshake.cc:320 ..."
        let code = text.range(of: "OPENSSL_internal:").map { text[$0.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" } }.map(String.init) ?? ""
        switch code {
        case "CERTIFICATE_VERIFY_FAILED": return "the peer's certificate is not trusted (it does not chain to the profile's trust anchors, or has expired)"
        case "TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_ACCESS_DENIED", "SSLV3_ALERT_CERTIFICATE_UNKNOWN":
            return "the peer refused this side's certificate (\(code))"
        case "TLSV1_CERTIFICATE_REQUIRED", "PEER_DID_NOT_RETURN_A_CERTIFICATE": return "the peer wants a client certificate (\(code))"
        case "SSLV3_ALERT_CERTIFICATE_EXPIRED": return "the peer says this side's certificate has expired"
        case "": return text.split(separator: "\n").first.map(String.init)
        default: return code
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    static func describe(_ error: Error) -> String {
        if let reason = tlsReason(error) { return "the TLS handshake failed: \(reason)" }
        if let error = error as? NIOSSLError { return "TLS failed: \(error)" }
        if let error = error as? HTTPClientError {
            // Said in words: the type's own text ("HTTPClientError.deadlineExceeded") names a Swift value.
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            case .connectTimeout: return "the connection timed out"
            case .remoteConnectionClosed: return "the peer closed the connection"
            case .cancelled: return "cancelled"
            default: return String(describing: error)
            }
        }
        // "read(descriptor:pointer:size:): Connection reset by peer (errno: 104)" says less than its errno.
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
    }
}
