import MGovCore

/// Errors of the HTTP server and client scaffolding, as sentences.
public enum NetError: UserFacingError, Equatable {
    case invalidListenAddress(String)
    case invalidURL(String, reason: String)
    case plainHTTPRefused(String)
    case noCertificate(profile: String)
    case noTrustAnchors(profile: String)
    case tlsSetup(String)
    case cannotListen(address: String, reason: String)
    case unreachable(String, reason: String)
    /// The TLS handshake with a peer failed over its or this side's certificate.
    case tlsRefused(String, reason: String)
    case httpStatus(url: String, status: Int, body: String)

    /// Why a URL was refused or a peer failed, without the URL (for callers that name it themselves,
    /// or must not show it).
    public var reasonText: String {
        switch self {
        case let .invalidURL(_, reason), let .unreachable(_, reason), let .tlsRefused(_, reason): return reason
        default: return description
        }
    }

    /// An untrusted or refused certificate is a "no" (1), like an untrusted chain elsewhere.
    public var exitStatus: ExitStatus {
        if case .tlsRefused = self { return .refused }
        return .failure
    }

    public var description: String {
        switch self {
        case let .invalidListenAddress(text):
            return "'\(text)' is not an address to listen on (use HOST:PORT, e.g. 127.0.0.1:8443; port 0 picks a free one)"
        case let .invalidURL(text, reason):
            return "'\(text)' is not a usable URL: \(reason)"
        case let .plainHTTPRefused(url):
            return "\(url) is plain HTTP; mgov talks to peers over mutual TLS only (use https://; plain HTTP to loopback is for tests, with the command's --insecure-http or --insecure flag)"
        case let .noCertificate(profile):
            return "the profile \(profile) has no certificate for TLS (set one: mgov profile set \(profile) cert FILE, or pkcs12 FILE)"
        case let .noTrustAnchors(profile):
            return "the profile \(profile) has no trust anchors to check peers with (mgov profile set \(profile) trust FILE)"
        case let .tlsSetup(detail):
            return "cannot set up TLS: \(detail)"
        case let .cannotListen(address, reason):
            return "cannot listen on \(address): \(reason)"
        case let .unreachable(url, reason):
            return "cannot reach \(url): \(reason)"
        case let .tlsRefused(url, reason):
            return "no TLS session with \(url): \(reason)"
        case let .httpStatus(url, status, body):
            return "\(url) answered \(status)\(body.isEmpty ? "" : ": \(body)")"
        }
    }
}
