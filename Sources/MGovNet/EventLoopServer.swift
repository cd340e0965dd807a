import Dispatch
import Foundation
import MGovCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP/1.1 request as `EventLoopHTTPServer` hands it to its responder: whole (body collected),
/// with the client certificate of the connection.
public struct ServerRequest: Sendable {
    public let method: HTTPMethod
    /// The request target as sent: path and query.
    public let target: String
    public let headers: HTTPHeaders
    public let body: ByteBuffer
    /// The client's certificate (DER), or nil on plain HTTP or when none was presented.
    public let peerCertificateDER: Data?
    /// True when the body was over the server's limit (then `body` is empty).
    public let bodyTooLarge: Bool

    public init(method: HTTPMethod, target: String, headers: HTTPHeaders, body: ByteBuffer = ByteBuffer(),
                peerCertificateDER: Data? = nil, bodyTooLarge: Bool = false) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.peerCertificateDER = peerCertificateDER
        self.bodyTooLarge = bodyTooLarge
    }

    /// The target before `?`, percent-encoded as sent.
    public var path: Substring { target.firstIndex(of: "?").map { target[..<$0] } ?? target[...] }

    /// The target after `?`, or nil.
    public var query: Substring? { target.firstIndex(of: "?").map { target[target.index(after: $0)...] } }

    /// The query's `name=value` pairs in order, each side decoded as a form's are (`+` is a space,
    /// then percent-decoding; a part that does not decode is taken as it stands).
    public var queryParameters: [(name: String, value: String)] { queryPairs(strictly: false) ?? [] }

    /// The query's pairs like `queryParameters`, or nil when a part does not decode: a `%` not
    /// followed by two hex digits, bytes that are not UTF-8, or a control character (`%00`).
    public var strictQueryParameters: [(name: String, value: String)]? { queryPairs(strictly: true) }

    private func queryPairs(strictly: Bool) -> [(name: String, value: String)]? {
        guard let query, !query.isEmpty else { return [] }
        var pairs: [(name: String, value: String)] = []
        for pair in query.utf8.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            guard let name = Self.formDecoded(Substring(pair[..<(equals ?? pair.endIndex)]), strictly: strictly),
                  let value = Self.formDecoded(equals.map { Substring(pair[pair.index(after: $0)...]) } ?? "", strictly: strictly) else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// A query part as HTML forms, curl --data-urlencode and most HTTP libraries encode it: `+` for a
    /// space, then percent-encoding. Strictly, nil when it does not decode or holds a control
    /// character; else a part that does not decode is taken as it stands.
    static func formDecoded(_ part: Substring, strictly: Bool) -> String? {
        let spaced = part.utf8.contains(UInt8(ascii: "+")) ? part.replacingOccurrences(of: "+", with: " ") : String(part)
        let decoded = spaced.utf8.contains(UInt8(ascii: "%")) ? spaced.removingPercentEncoding : spaced
        guard strictly else { return decoded ?? spaced }
        guard let decoded, !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return decoded
    }

    /// A path segment or query part percent-decoded (as it stands when it does not decode).
    public static func percentDecoded(_ part: Substring) -> String {
        part.utf8.contains(UInt8(ascii: "%")) ? (String(part).removingPercentEncoding ?? String(part)) : String(part)
    }

    /// A header's value by name, case-insensitively (the first, when repeated).
    public func header(_ name: String) -> String? { headers.first(name: name) }
}

/// What a responder answers.
public struct ServerResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: ByteBuffer

    public init(status: Int, headers: [(String, String)] = [], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Answers a request. Called on the connection's event loop: work that is quick and does not wait
/// (a store read, a signature) is done right there; the returned future may complete later, from
/// anywhere (a group commit, an upstream call).
public typealias ServerResponder = @Sendable (ServerRequest, any EventLoop) -> EventLoopFuture<ServerResponse>

/// An HTTP/1.1 server on SwiftNIO whose responder runs on the connection's event loop.
///
/// `connect serve` answers thousands of small exchanges a second; on Hummingbird every request
/// moved from the event loop to a task and back, and each such hop (a futex wake-up and a context
/// switch on both sides) cost more than the provider's own work. Here a request is parsed,
/// answered and written on one thread; only what must wait (the audit log's group commit, a
/// proxy's upstream) leaves it. Keep-alive and pipelining (NIO's server pipeline), mutual TLS
/// (NIOSSL), a body limit, and a graceful stop on SIGTERM/SIGINT: the listener closes, requests
/// in flight are answered, idle connections are closed, then `run` returns.
public struct EventLoopHTTPServer: Sendable {
    public let address: ListenAddress
    public let tls: TLSIdentity?
    public let clientCertificates: ClientCertificates
    public let maximumBodySize: Int
    /// How long a graceful stop waits for requests in flight before closing their connections.
    public let drainTimeout: TimeAmount
    /// How long a connection may wait between requests, or from its start to its first request's
    /// head (the TLS handshake included), before it is closed: a peer that opens connections and
    /// sends nothing, or half a header, must not hold them (and the process's files) for ever.
    public let idleTimeout: TimeAmount

    public init(address: ListenAddress, tls: TLSIdentity?, clientCertificates: ClientCertificates = .required,
                maximumBodySize: Int = 16 << 20, drainTimeout: TimeAmount = .seconds(65), idleTimeout: TimeAmount = .seconds(60)) {
        self.address = address
        self.tls = tls
        self.clientCertificates = clientCertificates
        self.maximumBodySize = maximumBodySize
        self.drainTimeout = drainTimeout
        self.idleTimeout = idleTimeout
    }

    /// Serves until SIGTERM or SIGINT. `onListening` gets the URL with the port actually bound.
    public func run(_ responder: @escaping ServerResponder, onListening: @escaping @Sendable (String) async -> Void) async throws {
        let ssl: NIOSSLContext?
        do {
            ssl = try tls.map { try NIOSSLContext(configuration: $0.serverConfiguration(clientCertificates: clientCertificates)) }
        } catch {
            throw NetError.tlsSetup(String(describing: error))
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let connections = OpenConnections()
        let limit = maximumBodySize, idle = idleTimeout
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let ssl { try sync.addHandler(NIOSSLServerHandler(context: ssl)) }
                    // Outbound headers are checked by `ExchangeHandler.write` (bytes, not characters: NIO's
                    // check walked the characters of every value, a large signature header among them).
                    try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true,
                                                         withOutboundHeaderValidation: false)
                    try sync.addHandler(ExchangeHandler(responder: responder, maximumBodySize: limit, secure: ssl != nil, idleTimeout: idle))
                    connections.add(channel)
                }
            }
        let listener: Channel
        do {
            listener = try await bootstrap.bind(host: address.host, port: address.port).get()
        } catch {
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)).lowercased() } ?? String(describing: error)
            throw NetError.cannotListen(address: "\(address.host):\(address.port)", reason: reason)
        }
        let port = listener.localAddress?.port ?? address.port
        let host = address.host.contains(":") ? "[\(address.host)]" : address.host
        let stop = SignalTrap { _, count in if count == 1 { _ = listener.close() } }
        await onListening("\(ssl == nil ? "http" : "https")://\(host):\(port)")
        try? await listener.closeFuture.get()
        stop.release()
        // Draining: requests in flight are answered (and logged); idle connections close now.
        let open = connections.all()
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(ExchangeHandler.Quiesce()) }
        let drained = EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: group.next())
        let timeout = group.next().scheduleTask(in: drainTimeout) { for channel in open { channel.close(promise: nil) } }
        try? await drained.get()
        timeout.cancel()
    }
}

/// The connections a server has open, so a graceful stop can reach them.
final class OpenConnections: @unchecked Sendable {
    // @unchecked: `channels` is guarded by `lock`.
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: Channel] = [:]

    func add(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        lock.withLock { channels[id] = channel }
        channel.closeFuture.whenComplete { _ in self.lock.withLock { _ = self.channels.removeValue(forKey: id) } }
    }

    func all() -> [Channel] { lock.withLock { Array(channels.values) } }
}

/// One connection's requests: collects each (head, body up to the limit), hands it to the
/// responder on this event loop, writes the answer. NIO's pipelining handler keeps answers in order.
final class ExchangeHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: all state is touched on the channel's event loop only.
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Asks a connection to close once its request in flight is answered.
    struct Quiesce: Sendable {}

    let responder: ServerResponder
    let maximumBodySize: Int
    let secure: Bool
    let idleTimeout: TimeAmount
    /// Since when the connection has waited for the client: for a request head, or for more of a
    /// body (nil while a request is answered).
    private var idleSince: NIODeadline? = .now()
    /// Checks `idleSince` now and then: one timer per connection, not one per request.
    private var sweeper: RepeatedTask?
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false
    private var inFlight = 0
    private var quiescing = false
    /// The client certificate, read from the TLS handler once per connection (it cannot change).
    private var peer: Data??

    init(responder: @escaping ServerResponder, maximumBodySize: Int, secure: Bool, idleTimeout: TimeAmount = .seconds(60)) {
        self.responder = responder
        self.maximumBodySize = maximumBodySize
        self.secure = secure
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        idleSince = .now()
        let every = min(.seconds(10), TimeAmount.nanoseconds(max(idleTimeout.nanoseconds / 4, 1_000_000)))
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        sweeper = context.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in
            let (handler, context) = bound.value
            if let since = handler.idleSince, NIODeadline.now() - since >= handler.idleTimeout { context.close(promise: nil) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        sweeper?.cancel()
        sweeper = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // Waiting for the body now: a client that stops sending it is closed like an idle one.
            idleSince = .now()
            self.head = head
            body = nil
            tooLarge = false
            if let declared = head.headers.first(name: "content-length").flatMap(Int.init), declared > maximumBodySize {
                // Answered (413) without waiting for a body that would only be thrown away; the
                // connection then closes, since the rest of the body may still come.
                tooLarge = true
                self.head = nil
                dispatch(head, keepAlive: false, context: context)
            }
        case .body(var part):
            guard !tooLarge else { return }
            idleSince = .now()
            if (body?.readableBytes ?? 0) + part.readableBytes > maximumBodySize {
                tooLarge = true
                body = nil
            } else if body == nil {
                body = part
            } else {
                body!.writeBuffer(&part)  // safe: checked non-nil on the line above
            }
        case .end:
            guard let head else { return }
            self.head = nil
            dispatch(head, keepAlive: head.isKeepAlive, context: context)
        }
    }

    /// Hands a whole request (or one refused for its declared size) to the responder.
    private func dispatch(_ head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        idleSince = nil  // answering: the responder's time is its own (a proxy waits up to 60 s)
        let request = ServerRequest(method: head.method, target: head.uri, headers: head.headers, body: body ?? ByteBuffer(),
                                    peerCertificateDER: peerCertificate(context), bodyTooLarge: tooLarge)
        body = nil
        inFlight += 1
        let version = head.version
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        responder(request, loop).hop(to: loop).whenComplete { result in
            let (handler, context) = bound.value
            let response = (try? result.get()) ?? ExchangeHandler.internalError
            handler.write(response, keepAlive: keepAlive, version: version, context: context)
        }
    }

    private func peerCertificate(_ context: ChannelHandlerContext) -> Data? {
        guard secure else { return nil }
        if let peer { return peer }
        let der = (try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate)
            .flatMap { $0 }.flatMap { try? Data($0.toDERBytes()) }
        peer = .some(der)
        return der
    }

    private func write(_ response: ServerResponse, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        guard response.headers.allSatisfy({ Self.isValidHeader(name: $0.0, value: $0.1) }) else {
            // A responder's bug must not become a split response.
            return write(Self.internalError, keepAlive: keepAlive, version: version, context: context)
        }
        inFlight -= 1
        if inFlight == 0, head == nil { idleSince = .now() }
        let close = !keepAlive || (quiescing && inFlight == 0)
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 4)
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        headers.add(name: "Date", value: HTTPDate.now())
        headers.add(name: "Server", value: "mgov")
        if close { headers.replaceOrAdd(name: "Connection", value: "close") } else if version == .http1_0 { headers.add(name: "Connection", value: "keep-alive") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        if response.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil) }
        if close {
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    /// What a connection is answered when its responder failed or answered something unsendable.
    static let internalError = ServerResponse(status: 500, headers: [("Content-Type", "application/json")],
                                              body: ByteBuffer(string: #"{"error":"internal error"}"#))

    /// RFC 9110: a name is a token; a value has no CR, LF or NUL (what NIO's own check allows too).
    static func isValidHeader(name: String, value: String) -> Bool {
        guard !name.isEmpty, name.utf8.allSatisfy({ tokenBytes[Int($0)] }) else { return false }
        var value = value
        // memchr: a signature header is over a kilobyte, and a byte loop was 3% of a request.
        return value.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return true }
            return memchr(base, 0x0D, bytes.count) == nil && memchr(base, 0x0A, bytes.count) == nil && memchr(base, 0, bytes.count) == nil
        }
    }

    private static let tokenBytes: [Bool] = (0..<256).map { c in
        c > 0x20 && c < 0x7F && !"\"(),/:;<=>?@[\\]{}".utf8.contains(UInt8(c))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is Quiesce {
            quiescing = true
            if inFlight == 0 && head == nil { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A refused handshake or a broken connection: nothing to answer on it.
        context.close(promise: nil)
    }
}

/// The `Date` header's text (RFC 9110 IMF-fixdate), made once a second.
enum HTTPDate {
    private static let cache = DateHeaderCache()

    static func now() -> String { cache.current() }
}

final class DateHeaderCache: @unchecked Sendable {
    // @unchecked: `second` and `text` are guarded by `lock`.
    private let lock = NSLock()
    private var second = 0
    private var text = ""
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    func current() -> String {
        var now = time(nil)
        lock.lock()
        defer { lock.unlock() }
        if now != second {
            var parts = tm()
            gmtime_r(&now, &parts)
            func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
            text = "\(Self.days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(Self.months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
            second = now
        }
        return text
    }
}
