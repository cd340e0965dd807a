import Foundation
import MGovCore

/// Errors of notifications, as sentences.
public enum NotifyError: UserFacingError, Equatable {
    case invalidArgument(String)
    case unknownTemplate(String)
    case unknownChannel(String)
    case unknownNotification(String)
    case missingVariable(String, recipient: String)
    case referenceConflict(String)
    case notCancellable(String)
    case inUse(String)

    public var description: String {
        switch self {
        case let .invalidArgument(text), let .notCancellable(text), let .inUse(text): return text
        case let .unknownTemplate(code): return "no template \(code) (see 'mgov notify template list')"
        case let .unknownChannel(name): return "no channel \(name) (see 'mgov notify channel list')"
        case let .unknownNotification(id): return "no notification or message \(id)"
        case let .missingVariable(name, recipient):
            return "the template needs {{\(name)}} but no value was given for \(recipient) (pass --var \(name)=... or a CSV column \(name))"
        case let .referenceConflict(reference):
            return "reference \(reference) was already used for a different notification; nothing was sent (pick a new reference)"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .referenceConflict, .notCancellable, .inUse: return .refused
        default: return .failure
        }
    }
}
