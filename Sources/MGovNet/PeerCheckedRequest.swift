import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// One HTTP/1.1 request on a connection of its own, written only once the TLS peer's certificate
/// has passed the caller's check (`connect request`: that the server is the provider the service
/// id names). AsyncHTTPClient verifies the chain but has no hook between the handshake and the
/// request, so a query (a person's id, its purpose) went to any server the anchors trust before
/// the answer's signature showed it was the wrong one. The chain itself is still verified by
/// BoringSSL against the configuration's trust roots.
public enum PeerCheckedRequest {
    /// nil when the peer (its certificate, DER) may be sent the request, else why not, in words.
    public typealias PeerCheck = @Sendable (_ certificateDER: Data) -> String?

    /// Sends a request; throws NetError for an unreachable or refused peer, never for an HTTP
    /// status. Without `tls` the URL must be plain http (tests, with --insecure-http).
    public static func send(_ method: HTTPMethod, _ url: String, body: Data? = nil, headers: [(String, String)] = [],
                            tls: TLSConfiguration?, checkPeer: PeerCheck?,
                            connectTimeout: TimeAmount = .seconds(10), timeout: TimeAmount = .seconds(60)) async throws -> MutualTLSClient.Reply {
        let target = try Target(url, secure: tls != nil)
        let context: NIOSSLContext?
        do {
            context = try tls.map { try NIOSSLContext(configuration: $0) }
        } catch {
            throw NetError.tlsSetup(String(describing: error))
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: target.requestURI)
        head.headers.add(name: "Host", value: target.hostHeader)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: "\(body.count)") }
        head.headers.replaceOrAdd(name: "Connection", value: "close")

        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let handler = OneRequestHandler(url: url, head: head, body: body.map { ByteBuffer(bytes: $0) }, secure: context != nil,
                                        checkPeer: checkPeer, promise: loop.makePromise())
        let timer = loop.scheduleTask(in: timeout) {
            handler.fail(NetError.unreachable(url, reason: "no answer within \(String(format: "%g", Double(timeout.nanoseconds) / 1e9)) s"))
        }
        ClientBootstrap(group: loop)
            .connectTimeout(min(connectTimeout, timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let context {
                        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: target.serverName))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(handler)
                }
            }
            .connect(host: target.host, port: target.port)
            .whenFailure { error in handler.fail(error) }
        defer { timer.cancel() }
        return try await handler.promise.futureResult.get()
    }

    /// Where a URL points, and what goes on the request line.
    struct Target {
        let host: String
        let port: Int
        /// The path and query, as encoded in the URL ("/" when it has no path).
        let requestURI: String
        let hostHeader: String
        /// The name for SNI: a DNS name, never an address.
        let serverName: String?

        init(_ url: String, secure: Bool) throws {
            try MutualTLSClient.validate(url)
            guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), var host = parts.host else {
                throw NetError.invalidURL(url, reason: "expected https://HOST:PORT/...")
            }
            if secure, scheme != "https" { throw NetError.plainHTTPRefused(url) }
            if !secure, scheme != "http" { throw NetError.invalidURL(url, reason: "without TLS (--insecure-http) the URL is http://") }
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self.host = host
            port = parts.port ?? (secure ? 443 : 80)
            let path = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
            requestURI = path + (parts.percentEncodedQuery.map { "?" + $0 } ?? "")
            let named = host.contains(":") ? "[\(host)]" : host
            hostHeader = parts.port == nil ? named : "\(named):\(port)"
            serverName = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        }
    }
}

/// Writes the request once the connection is up (after the peer check, over TLS) and collects the
/// answer. @unchecked Sendable: touched only on its channel's event loop (the timer and the connect
/// callback run there too).
final class OneRequestHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let url: String
    let head: HTTPRequestHead
    let body: ByteBuffer?
    let secure: Bool
    let checkPeer: PeerCheckedRequest.PeerCheck?
    let promise: EventLoopPromise<MutualTLSClient.Reply>
    private var context: ChannelHandlerContext?
    private var response: HTTPResponseHead?
    private var collected = ByteBuffer()
    private var finished = false

    init(url: String, head: HTTPRequestHead, body: ByteBuffer?, secure: Bool, checkPeer: PeerCheckedRequest.PeerCheck?,
         promise: EventLoopPromise<MutualTLSClient.Reply>) {
        self.url = url
        self.head = head
        self.body = body
        self.secure = secure
        self.checkPeer = checkPeer
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        if !secure { writeRequest(context) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            let der = (try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate)
                .flatMap { $0 }.flatMap { try? Data($0.toDERBytes()) }
            if let checkPeer {
                guard let der else { return fail(NetError.tlsRefused(url, reason: "the server presented no certificate")) }
                if let problem = checkPeer(der) { return fail(NetError.tlsRefused(url, reason: problem)) }
            }
            writeRequest(context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func writeRequest(_ context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response = head
        case .body(var part):
            guard collected.readableBytes + part.readableBytes <= MutualTLSClient.maximumBodySize else {
                return fail(NetError.unreachable(url, reason: "the answer is over \(MutualTLSClient.maximumBodySize >> 20) MB"))
            }
            collected.writeBuffer(&part)
        case .end:
            guard let response, !finished else { return }
            finished = true
            promise.succeed(MutualTLSClient.Reply(status: Int(response.status.code), body: Data(collected.readableBytesView),
                                                  headers: response.headers.map { ($0.name, $0.value) }))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(NetError.unreachable(url, reason: response == nil ? "the connection closed without an answer" : "the connection closed before the answer was complete"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
    }

    /// Fails the request (once) and closes the connection.
    func fail(_ error: any Error) {
        guard !finished else { return }
        finished = true
        promise.fail(MutualTLSClient.failure(url, error))
        context?.close(promise: nil)
    }
}
