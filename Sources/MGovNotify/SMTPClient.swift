import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP reply: a code and its text lines (multi-line replies joined).
public struct SMTPReply: Sendable, CustomStringConvertible {
    public let code: Int
    public let lines: [String]

    public var isPositive: Bool { (200..<400).contains(code) }
    public var isTemporary: Bool { (400..<500).contains(code) }
    public var description: String { "\(code) \(lines.joined(separator: " / "))" }
}

/// What became of one message handed to the server.
public enum SMTPOutcome: Sendable, Equatable {
    case accepted(String)
    case temporaryFailure(String)
    case permanentFailure(String)
}

public enum SMTPError: Error, CustomStringConvertible {
    /// The connection or the session failed: nothing more can go over it. Temporary.
    case connection(String)
    /// The server refused the session (e.g. AUTH failed): `permanent` for 5xx.
    case session(String, permanent: Bool)

    public var description: String {
        switch self {
        case .connection(let text): return text
        case .session(let text, _): return text
        }
    }
}

/// What the channel has received but the client not yet read, for the STARTTLS check. Touched on
/// the channel's event loop only.
final class SMTPWireState: @unchecked Sendable {
    /// Bytes the decoder holds that do not make a whole line yet.
    var undecodedBytes = 0
    /// Replies handed to the client's stream.
    var replies = 0
}

/// Splits the server's bytes into replies (RFC 5321 4.2: `250-more`, then `250 last`).
final class SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var code: Int?
    private var lines: [String] = []
    let state: SMTPWireState

    init(_ state: SMTPWireState) { self.state = state }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPError.connection("the server sent a line longer than 4,096 bytes") }
            state.undecodedBytes = buffer.readableBytes + (lines.isEmpty ? 0 : 1)
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        var line = buffer.readString(length: length) ?? ""
        // Swift compares Characters, and "\r\n" is one: trim by scalars.
        while let last = line.unicodeScalars.last, last == "\n" || last == "\r" { line.unicodeScalars.removeLast() }
        guard line.utf8.count >= 3, let value = Int(line.prefix(3)), (200..<600).contains(value) else {
            throw SMTPError.connection("the server sent something that is not an SMTP reply: \(line.prefix(80))")
        }
        let separator = line.dropFirst(3).first
        lines.append(String(line.dropFirst(4)))
        if let code, code != value { throw SMTPError.connection("a multi-line SMTP reply changed its code") }
        if separator == "-" {
            code = value
        } else {
            state.replies += 1
            context.fireChannelRead(wrapInboundOut(SMTPReply(code: value, lines: lines)))
            code = nil
            lines = []
        }
        state.undecodedBytes = buffer.readableBytes + (lines.isEmpty ? 0 : 1)
        return .continue
    }
}

/// Hands replies to the async side; errors, idle timeouts and the connection's end finish the stream.
final class ReplyStreamHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: used only on the channel's event loop.
    typealias InboundIn = SMTPReply
    let continuation: AsyncThrowingStream<SMTPReply, Error>.Continuation

    init(_ continuation: AsyncThrowingStream<SMTPReply, Error>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { continuation.yield(unwrapInboundIn(data)) }
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        continuation.finish(throwing: SMTPError.connection(SMTPClient.describe(error)))
        context.close(promise: nil)
    }
    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish(throwing: SMTPError.connection("the server closed the connection"))
    }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            continuation.finish(throwing: SMTPError.connection("the server did not answer within \(Int(SMTPClient.replyTimeout.nanoseconds / 1_000_000_000)) s"))
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// An SMTP client session (RFC 5321): EHLO, STARTTLS (RFC 3207), AUTH PLAIN/LOGIN (RFC 4954),
/// pipelined envelopes (RFC 2920) and several messages over one connection.
public final class SMTPClient {
    /// RFC 5321 4.5.3.2 gives servers 5 minutes for most replies and 10 after the final "." (an
    /// early give-up there is how duplicates happen); one 10-minute limit covers every wait.
    public static let replyTimeout = TimeAmount.minutes(10)
    let settings: SMTPSettings
    let channel: Channel
    private var replies: AsyncThrowingStream<SMTPReply, Error>.AsyncIterator
    private(set) var extensions: [String: String] = [:]
    public private(set) var isTLS: Bool
    let wire: SMTPWireState
    private var consumedReplies = 0
    /// Whether the last `send` got as far as writing the message's content (so the server may have it).
    public private(set) var handedOver = false

    private init(settings: SMTPSettings, channel: Channel, replies: AsyncThrowingStream<SMTPReply, Error>, tls: Bool, wire: SMTPWireState) {
        self.wire = wire
        self.settings = settings
        self.channel = channel
        self.replies = replies.makeAsyncIterator()
        self.isTLS = tls
    }

    /// Connects, greets, upgrades to TLS as the settings say and logs in when a password is given.
    public static func connect(_ settings: SMTPSettings, password: String?) async throws -> SMTPClient {
        let (stream, continuation) = AsyncThrowingStream<SMTPReply, Error>.makeStream()
        let tls = settings.implicitTLS ? try makeTLSContext(settings) : nil
        let wire = SMTPWireState()
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: settings.host.isIPAddress ? nil : settings.host))
                        }
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: replyTimeout))
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder(wire)))
                        try channel.pipeline.syncOperations.addHandler(ReplyStreamHandler(continuation))
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            throw SMTPError.connection("cannot connect to \(settings.host):\(settings.port): \(describe(error))")
        }
        let client = SMTPClient(settings: settings, channel: channel, replies: stream, tls: settings.implicitTLS, wire: wire)
        do {
            try await client.open(password: password)
        } catch {
            client.close()
            throw error
        }
        return client
    }

    private func open(password: String?) async throws {
        let greeting = try await reply()
        guard greeting.code == 220 else { throw SMTPError.session("the server refused the session: \(greeting)", permanent: greeting.code >= 500) }
        try await hello()
        let offered = extensions["STARTTLS"] != nil
        let mustUpgrade = settings.startTLS == .required || (password != nil && !settings.isLoopback)
        if !isTLS, settings.startTLS != .never, offered || mustUpgrade {
            guard offered else { throw SMTPError.session("\(settings.host) does not offer STARTTLS, which this channel requires", permanent: true) }
            let answer = try await command("STARTTLS")
            guard answer.code == 220 else { throw SMTPError.session("STARTTLS refused: \(answer)", permanent: answer.code >= 500) }
            let context = try Self.makeTLSContext(settings)
            let handler = try NIOSSLClientHandler(context: context, serverHostname: settings.host.isIPAddress ? nil : settings.host)
            // Anything the server sent after its 220 arrived in plain text and must not be read as
            // if it came over TLS (the STARTTLS command injection flaw): check and upgrade in one
            // turn of the event loop, so nothing can slip in between.
            let wire = self.wire, consumed = consumedReplies, channel = self.channel
            let clean = try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Bool> in
                guard wire.undecodedBytes == 0, wire.replies == consumed else { return channel.eventLoop.makeSucceededFuture(false) }
                return channel.pipeline.addHandler(handler, position: .first).map { true }
            }.get()
            guard clean else {
                throw SMTPError.session("\(settings.host) sent more after agreeing to STARTTLS; refusing to go on (possible injection)", permanent: false)
            }
            isTLS = true
            try await hello()  // RFC 3207: forget what was said before TLS
        }
        if let password {
            guard let user = settings.user else { throw SMTPError.session("a password was given but the address names no user (smtp://USER@host)", permanent: true) }
            guard isTLS || settings.isLoopback else {
                throw SMTPError.session("refusing to send the password to \(settings.host) without TLS", permanent: true)
            }
            try await authenticate(user: user, password: password)
        }
    }

    private func hello() async throws {
        let answer = try await command("EHLO \(settings.heloName)")
        extensions = [:]
        if answer.code == 250 {
            for line in answer.lines.dropFirst() {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                if let name = parts.first { extensions[name.uppercased()] = parts.count > 1 ? parts[1] : "" }
            }
            return
        }
        let fallback = try await command("HELO \(settings.heloName)")
        guard fallback.code == 250 else { throw SMTPError.session("the server refused EHLO and HELO: \(fallback)", permanent: fallback.code >= 500) }
    }

    private func authenticate(user: String, password: String) async throws {
        let mechanisms = Set((extensions["AUTH"] ?? "").uppercased().split(separator: " ").map(String.init))
        var answer: SMTPReply
        if mechanisms.contains("PLAIN") {
            let token = Data("\u{0}\(user)\u{0}\(password)".utf8).base64EncodedString()
            answer = try await command("AUTH PLAIN \(token)")
        } else if mechanisms.contains("LOGIN") {
            answer = try await command("AUTH LOGIN")
            if answer.code == 334 { answer = try await command(Data(user.utf8).base64EncodedString()) }
            if answer.code == 334 { answer = try await command(Data(password.utf8).base64EncodedString()) }
        } else {
            throw SMTPError.session("\(settings.host) offers no AUTH PLAIN or LOGIN (offers: \(mechanisms.sorted().joined(separator: " ")))", permanent: true)
        }
        guard answer.code == 235 else { throw SMTPError.session("login as \(user) failed: \(answer)", permanent: answer.code >= 500) }
    }

    /// Sends one message: envelope pipelined when the server allows, then the content.
    /// Throws only when the connection is unusable; the server's verdict is the outcome.
    public func send(_ email: OutgoingEmail) async throws -> SMTPOutcome {
        handedOver = false
        for address in [email.from, email.to] where !RecipientAddress.isEmail(address) {
            return .permanentFailure("'\(address.debugDescription)' is not an address mgov sends to")
        }
        let envelope = ["MAIL FROM:<\(email.from)>", "RCPT TO:<\(email.to)>", "DATA"]
        var answers: [SMTPReply] = []
        if extensions["PIPELINING"] != nil {
            try await write(envelope.map { $0 + "\r\n" }.joined())
            for _ in envelope { answers.append(try await reply()) }
        } else {
            for line in envelope {
                let answer = try await command(line)
                answers.append(answer)
                if !answer.isPositive { break }
            }
        }
        if let data = answers.last, answers.count == 3, data.code == 354 {
            var content = MIME.dotStuffed(email.content)
            content.append(contentsOf: Array(".\r\n".utf8))
            handedOver = true
            try await channel.writeAndFlush(ByteBuffer(bytes: content)).get()
            let final = try await reply()
            if final.code != 250 || !answers[0].isPositive || !answers[1].isPositive {
                // The transaction failed. Some servers (aiosmtpd after an error in its handler) keep
                // its envelope, and would refuse the next message's MAIL as nested: start afresh.
                // This message's fate is known; a connection that fails here fails the next send.
                _ = try? await command("RSET")
            }
            if answers[0].isPositive && answers[1].isPositive {
                return final.code == 250 ? .accepted(final.description) : final.isTemporary ? .temporaryFailure(final.description) : .permanentFailure(final.description)
            }
            // A server that said yes to DATA after refusing the sender or recipient (RFC 2920 says it must not).
            let refusal = answers.first { !$0.isPositive }!  // safe: MAIL or RCPT was refused to get here
            return refusal.isTemporary ? .temporaryFailure(refusal.description) : .permanentFailure(refusal.description)
        }
        let refusal = answers.first { !$0.isPositive } ?? answers.last!  // safe: the first reply is always read
        _ = try await command("RSET")
        return refusal.isTemporary ? .temporaryFailure(refusal.description) : .permanentFailure(refusal.description)
    }

    /// QUIT and close; errors ignored (the messages' fate is already known).
    public func quit() async {
        _ = try? await command("QUIT")
        close()
    }

    public func close() {
        channel.close(promise: nil)
    }

    // MARK: Wire

    private func command(_ line: String) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try await reply()
    }

    private func write(_ text: String) async throws {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
        } catch {
            throw SMTPError.connection("writing to \(settings.host) failed: \(Self.describe(error))")
        }
    }

    private func reply() async throws -> SMTPReply {
        guard let reply = try await replies.next() else { throw SMTPError.connection("the server closed the connection") }
        consumedReplies += 1
        return reply
    }

    static func makeTLSContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let ca = settings.caFile { configuration.trustRoots = .file(ca) }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SMTPError.session("cannot set up TLS: \(describe(error))", permanent: true)
        }
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? SMTPError { return error.description }
        if let error = error as? NIOSSLError { return "TLS failed (\(error))" }
        if let error = error as? IOError { return error.description }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") { return "connection timed out" }
        return text
    }
}

extension String {
    var isIPAddress: Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, self, &v4) == 1 || inet_pton(AF_INET6, self, &v6) == 1
    }
}
