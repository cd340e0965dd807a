import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The operating-system account that ran mgov: who performed what an operator's command records
/// (a grant, a service added, a profile changed). The member identity (`event_source`) says which
/// organisation acted; this says which of its administrators' accounts did.
public struct OperatorAccount: Sendable, Equatable {
    /// The login name of the process's real user id, or `uid N` when the system knows no name for it.
    public let name: String
    /// Run by sudo as root: the account that ran sudo (sudo's `SUDO_USER`), else nil.
    public let sudoFrom: String?

    public init(name: String, sudoFrom: String? = nil) {
        self.name = name
        self.sudoFrom = sudoFrom
    }

    /// This process's account. `environment` is read for sudo's `SUDO_USER`, taken only when the
    /// real user is root and sudo's `SUDO_UID` is set too (any other account could set it by hand).
    public static func current(environment: [String: String]) -> OperatorAccount {
        let uid = getuid()
        var sudoFrom: String?
        if uid == 0, environment["SUDO_UID"] != nil, let user = environment["SUDO_USER"], !user.isEmpty, user.utf8.count <= 64 {
            sudoFrom = user
        }
        return OperatorAccount(name: loginName(uid) ?? "uid \(uid)", sudoFrom: sudoFrom)
    }

    static func loginName(_ uid: uid_t) -> String? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        return buffer.withUnsafeMutableBufferPointer { bytes -> String? in
            guard let base = bytes.baseAddress, getpwuid_r(uid, &entry, base, bytes.count, &found) == 0, found != nil,
                  let name = entry.pw_name else { return nil }
            let text = String(cString: name)
            return text.isEmpty ? nil : text
        }
    }
}
