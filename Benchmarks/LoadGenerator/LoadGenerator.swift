// mgov-load: a small HTTP/1.1 load generator for the benchmarks under Benchmarks/.
//
// wrk cannot present a client certificate, and a provider under mutual TLS refuses a client
// without one; curl's parallel mode can, but spends more CPU per request than the servers it
// measures. This one keeps N keep-alive connections (TLS with an optional client certificate),
// each sending its next request as soon as the previous answer is complete, the way wrk does,
// and prints requests/s and latency percentiles. It runs on SwiftNIO directly (the layer
// async-http-client is built on) so that its own cost per request stays small on a 2-core machine
// it shares with the server.
//
//   mgov-load URL [--paths FILE] [--requests N] [--connections N] [--threads N]
//             [--cacert PEM] [--cert PEM --key PEM] [-H 'Name: value']... [--json]
//   mgov-load --serve-constant FILE https://HOST:PORT --cert PEM --key PEM --cacert PEM
//
// --serve-constant is the other side, for a floor: mgov's own HTTP server (MGovNet's
// EventLoopHTTPServer: NIO, NIOSSL with client certificates required, the same handler as
// `connect serve`) answering every request with FILE's bytes, without the provider's checks,
// signature or audit event. It prints `listening on URL` and serves until SIGTERM.
//
// With --paths, each request's target (path and query) is the next line of FILE, cycled;
// otherwise every request asks for URL's own path. Each connection sends one request first
// (TLS handshake included); the clock starts when every connection has had its answer.
import ArgumentParser
import Foundation
import MGovNet
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

@main
struct LoadGenerator: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mgov-load", abstract: "Keep-alive HTTP/1.1 load over N connections, with client certificates.")

    @Argument(help: "http:// or https:// URL of the server (its path is the target without --paths).") var url: String
    @Option(help: "Request targets, one per line, cycled.") var paths: String?
    @Option(help: "Requests to time (after one warm-up request per connection).") var requests = 20_000
    @Option(help: "Keep-alive connections.") var connections = 32
    @Option(help: "Event-loop threads of the generator.") var threads = 1
    @Option(help: "Trust anchors (PEM) for the server's certificate.") var cacert: String?
    @Option(help: "Client certificate chain (PEM).") var cert: String?
    @Option(help: "Client private key (PEM).") var key: String?
    @Option(name: .customShort("H"), help: "A request header, 'Name: value' (repeatable).") var header: [String] = []
    @Flag(help: "One JSON object instead of the text line.") var json = false
    @Option(help: "Serve FILE's bytes as every answer on URL (mTLS with --cert, --key, --cacert) instead of generating load.")
    var serveConstant: String?

    func validate() throws {
        guard requests > 0, connections > 0, threads > 0 else { throw ValidationError("--requests, --connections and --threads are 1 or more") }
        guard (cert == nil) == (key == nil) else { throw ValidationError("--cert and --key go together") }
        if serveConstant != nil, cert == nil || cacert == nil { throw ValidationError("--serve-constant needs --cert, --key and --cacert") }
    }

    func run() throws {
        if let serveConstant { return try serve(serveConstant) }
        guard let target = URLComponents(string: url), let scheme = target.scheme, let host = target.host else { throw ValidationError("not a URL: \(url)") }
        let secure = scheme == "https"
        let port = target.port ?? (secure ? 443 : 80)
        var headers = HTTPHeaders([("Host", port == (secure ? 443 : 80) ? host : "\(host):\(port)")])
        for line in header {
            guard let colon = line.firstIndex(of: ":") else { throw ValidationError("a header is 'Name: value': \(line)") }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let ownPath = (target.percentEncodedPath.isEmpty ? "/" : target.percentEncodedPath) + (target.percentEncodedQuery.map { "?" + $0 } ?? "")
        let targets = try paths.map { try String(contentsOfFile: $0, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init) } ?? [ownPath]
        guard !targets.isEmpty else { throw ValidationError("\(paths ?? "") has no targets") }

        var ssl: NIOSSLContext?
        if secure {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let cacert { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cacert)) }
            if let cert, let key {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
            // The chain is verified; the name is not, so a benchmark can dial 127.0.0.1 whatever the certificate names.
            tls.certificateVerification = .noHostnameVerification
            ssl = try NIOSSLContext(configuration: tls)
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        defer { try? group.syncShutdownGracefully() }
        let plan = Plan(targets: targets, headers: headers, total: requests)
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let ssl { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: ssl, serverHostname: nil)) }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(Connection(plan: plan))
                }
            }
        var channels: [Channel] = []
        for _ in 0..<connections { channels.append(try bootstrap.connect(host: host, port: port).wait()) }
        defer { for channel in channels { try? channel.close().wait() } }
        let handlers = try channels.map { try $0.pipeline.handler(type: Connection.self).wait() }

        // Warm-up: one request on each connection (the TLS handshake happens here).
        try EventLoopFuture.andAllSucceed(zip(channels, handlers).map { channel, handler in
            channel.eventLoop.flatSubmit { handler.warmUp(channel.eventLoop) }
        }, on: group.next()).wait()

        let start = DispatchTime.now().uptimeNanoseconds
        let results = try EventLoopFuture.whenAllSucceed(zip(channels, handlers).map { channel, handler in
            channel.eventLoop.flatSubmit { handler.load(channel.eventLoop) }
        }, on: group.next()).wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        var latencies = results.flatMap(\.latencies)
        latencies.sort()
        let failures = results.reduce(0) { $0 + $1.failures }
        func percentile(_ q: Double) -> Double { latencies.isEmpty ? 0 : Double(latencies[min(latencies.count - 1, Int(q * Double(latencies.count)))]) / 1e6 }
        let rate = Double(latencies.count) / seconds
        if json {
            let object: [String: Any] = ["requests": latencies.count, "seconds": seconds, "requests_per_second": rate, "p50_ms": percentile(0.5),
                                         "p90_ms": percentile(0.9), "p99_ms": percentile(0.99), "non_2xx": failures, "connections": connections]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "%.0f %.2f %.2f %d", rate, percentile(0.5), percentile(0.99), failures))
        }
    }
}

extension LoadGenerator {
    /// `--serve-constant`: EventLoopHTTPServer with a responder that answers at once.
    func serve(_ file: String) throws {
        guard let target = URLComponents(string: url), target.scheme == "https", let host = target.host, let cert, let key, let cacert else {
            throw ValidationError("--serve-constant listens on an https://HOST:PORT URL")
        }
        let body = try Data(contentsOf: URL(fileURLWithPath: file))
        let tls = TLSIdentity(certificateChain: try NIOSSLCertificate.fromPEMFile(cert), privateKey: try NIOSSLPrivateKey(file: key, format: .pem),
                              trustAnchors: try NIOSSLCertificate.fromPEMFile(cacert))
        let server = EventLoopHTTPServer(address: ListenAddress(host: host, port: target.port ?? 443), tls: tls)
        let answer = ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: ByteBuffer(bytes: body))
        let finished = DispatchSemaphore(value: 0)
        let outcome = NIOLockedValueBox<(any Error)?>(nil)
        Task {
            do {
                try await server.run({ _, loop in loop.makeSucceededFuture(answer) }) { url in FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8)) }
            } catch {
                outcome.withLockedValue { $0 = error }
            }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.withLockedValue({ $0 }) { throw error }
    }
}

/// What every connection draws from: the targets and the count of requests still to send.
final class Plan: Sendable {
    let targets: [String]
    let headers: HTTPHeaders
    private let next = NIOLockedValueBox(0)
    let total: Int

    init(targets: [String], headers: HTTPHeaders, total: Int) {
        self.targets = targets
        self.headers = headers
        self.total = total
    }

    /// The next request's number, or nil when all are taken.
    func take() -> Int? {
        next.withLockedValue { n in
            guard n < total else { return nil }
            n += 1
            return n - 1
        }
    }
}

struct ConnectionResult: Sendable {
    var latencies: [UInt64] = []
    var failures = 0
}

/// One keep-alive connection: sends a request, waits for the whole answer, sends the next.
final class Connection: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: every member is touched on the channel's event loop only.
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let plan: Plan
    var context: ChannelHandlerContext?
    var sentAt: UInt64 = 0
    var status: UInt = 0
    var result = ConnectionResult()
    var warming: EventLoopPromise<Void>?
    var loading: EventLoopPromise<ConnectionResult>?

    init(plan: Plan) { self.plan = plan }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func warmUp(_ loop: EventLoop) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        warming = promise
        send(target: plan.targets[0])
        return promise.futureResult
    }

    func load(_ loop: EventLoop) -> EventLoopFuture<ConnectionResult> {
        let promise = loop.makePromise(of: ConnectionResult.self)
        loading = promise
        sendNext()
        return promise.futureResult
    }

    func sendNext() {
        guard let n = plan.take() else {
            loading?.succeed(result)
            loading = nil
            return
        }
        send(target: plan.targets[n % plan.targets.count])
    }

    func send(target: String) {
        guard let context else { return }
        sentAt = DispatchTime.now().uptimeNanoseconds
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: plan.headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = head.status.code
        case .body: break
        case .end:
            if let warming {
                self.warming = nil
                warming.succeed()
                return
            }
            result.latencies.append(DispatchTime.now().uptimeNanoseconds - sentAt)
            if !(200..<300).contains(status) { result.failures += 1 }
            sendNext()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ChannelError.eof)
    }

    func fail(_ error: Error) {
        warming?.fail(error)
        warming = nil
        loading?.fail(error)
        loading = nil
    }
}
