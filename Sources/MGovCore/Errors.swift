import Foundation

/// How a command ended, as the process exit code (DESIGN.md §4).
public enum ExitStatus: Int32, Sendable {
    /// The operation succeeded.
    case success = 0
    /// The operation ran and said no: signature invalid, access denied, chain untrusted.
    case refused = 1
    /// Bad input or a runtime error.
    case failure = 2
    /// The command line itself was wrong (argument-parser's own code).
    case usage = 64
}

/// An error whose description is a sentence a user can act on.
///
/// Every module has one error enum conforming to this; the CLI prints
/// `mgov: <description>` and exits with `exitStatus`, in one place.
public protocol UserFacingError: Error, CustomStringConvertible, Sendable {
    var exitStatus: ExitStatus { get }
}

extension UserFacingError {
    public var exitStatus: ExitStatus { .failure }
}

/// Errors of the shared core: home, store, profiles, secrets, files.
public enum CoreError: UserFacingError, Equatable {
    case homeUnusable(path: String, reason: String)
    /// A folder to write into (a CA's, --out-dir) that cannot be made or used.
    case folderUnusable(String, reason: String)
    case storeUnreadable(path: String, reason: String)
    /// A command that only reads found no store (it would have made an empty one and reported on it).
    case noStore(home: String)
    case storeFromNewerVersion(path: String, unknownMigrations: [String])
    case storeBusy(path: String)
    case invalidIdentity(String, reason: String)
    case invalidProfileName(String)
    case profileExists(String)
    case profileNotFound(String)
    case noProfileSelected
    case defaultProfileDeletion(String)
    case unknownProfileSetting(String)
    case invalidSetting(key: String, reason: String)
    case invalidEndpoint(String, reason: String)
    case fileNotFound(String)
    case fileUnreadable(String, reason: String)
    case fileUnwritable(String, reason: String)
    case passwordUnavailable(String)
    case passwordFileUnreadable(String, reason: String)
    case invalidTime(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .homeUnusable(path, reason):
            return "cannot use \(path) as the mgov home: \(reason)"
        case let .folderUnusable(path, reason):
            return "cannot use the folder \(path): \(reason)"
        case let .storeUnreadable(path, reason):
            let lowered = reason.lowercased()
            let advice = lowered.contains("not a valid") || lowered.contains("damaged") ? " (is it an mgov store? move it aside or pick another --home)"
                : lowered.contains("readonly") || lowered.contains("read-only") ? " (mgov writes to its store even to read it: check the permissions of the folder and its mgov.sqlite files)"
                : ""
            return "the store \(path) cannot be opened: \(reason)\(advice)"
        case let .noStore(home):
            return "no mgov store in \(home) (a mistyped --home or MGOV_HOME? a command that records something creates one)"
        case let .storeFromNewerVersion(path, unknown):
            return "the store \(path) was written by a newer mgov (unknown migrations: \(unknown.joined(separator: ", "))); upgrade mgov to use it"
        case let .storeBusy(path):
            return "the store \(path) stayed locked by another process; try again"
        case let .invalidIdentity(text, reason):
            return "'\(text)' is not a valid member identity: \(reason) (expected INSTANCE/CLASS/MEMBER[/SUBSYSTEM], e.g. MD/GOV/1003600123456/SUBSYS)"
        case let .invalidProfileName(name):
            return "'\(name)' is not a valid profile name: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        case let .profileExists(name):
            return "a profile named '\(name)' already exists (use 'mgov profile set' to change it, or delete it first)"
        case let .profileNotFound(name):
            return "no profile named '\(name)' (see 'mgov profile list')"
        case .noProfileSelected:
            return "no profile selected: pass --profile NAME, set MGOV_PROFILE, or make one the default with 'mgov profile use NAME'"
        case let .defaultProfileDeletion(name):
            return "'\(name)' is the default profile; pass --force to delete it anyway"
        case let .unknownProfileSetting(key):
            return "unknown profile setting '\(key)' (known: identity, key, cert, pkcs12, trust, endpoint.NAME, output)"
        case let .invalidSetting(key, reason):
            return "invalid value for '\(key)': \(reason)"
        case let .invalidEndpoint(text, reason):
            return "invalid endpoint '\(text)': \(reason) (expected NAME=URL, e.g. provider=https://10.0.0.5:8443)"
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .fileUnreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .fileUnwritable(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .passwordUnavailable(what):
            return "a password is needed for \(what), but none was given: use --password-file FILE or MGOV_PASSWORD (stdin is not a terminal, so mgov will not prompt)"
        case let .passwordFileUnreadable(path, reason):
            return "cannot read the password file \(path): \(reason)"
        case let .invalidTime(text):
            return "'\(text)' is not a time mgov understands (use RFC 3339, e.g. 2026-11-23T10:00:00Z, or a date 2026-11-23)"
        case let .invalidArgument(text):
            return text
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .defaultProfileDeletion: return .refused  // a refused action, as DESIGN.md §1 has it
        default: return .failure
        }
    }
}
