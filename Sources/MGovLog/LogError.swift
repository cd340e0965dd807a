import MGovCore

/// Errors of the audit log, as sentences a user can act on.
public indirect enum LogError: UserFacingError, Equatable {
    case missingField(String)
    case invalidField(String, String)
    case invalidType(String)
    case invalidTime(String)
    case reservedName(String)
    case invalidName(String)
    case fieldTooLarge(String, bytes: Int)
    case eventTooLarge(bytes: Int)
    case invalidJSON(String)
    /// A batch failed: which line, and why.
    case badLine(Int, LogError)
    case emptyBatch
    case noSuchEntry(UInt64, size: UInt64)
    case sizeOutOfRange(UInt64, size: UInt64)
    /// A consistency proof's old size is larger than its new one.
    case sizesReversed(old: UInt64, new: UInt64)
    /// A time-range query without its legal basis; `parameter` is how the caller gives one.
    case legalBasisRequired(parameter: String)
    case invalidFilter(String)
    case invalidCheckpoint(String)
    case checkpointSignatureInvalid(String)
    case checkpointKeyMismatch(String)
    case invalidProof(String)
    case unknownFormat(String)
    case treeDamaged(String)
    case verificationFailed(seq: UInt64, String)
    case proofRejected(String)
    case signatureRejected(String)

    public var exitStatus: ExitStatus {
        switch self {
        case .treeDamaged, .checkpointSignatureInvalid, .checkpointKeyMismatch, .verificationFailed, .proofRejected, .signatureRejected: return .refused
        default: return .failure
        }
    }

    public var description: String {
        switch self {
        case let .missingField(name):
            return "the event has no \(name) (MLog requires event_type and event_time)"
        case let .invalidField(name, why):
            return "\(name) \(why)"
        case let .invalidType(type):
            return "event_type '\(type)' is not of the form System.Object.Action (three or more dot-separated names of letters, digits and _, each starting with a letter)"
        case let .invalidTime(text):
            return "event_time '\(text)' is not a time (use YYYY-MM-DD[THH:MM:SS[.SSS][Z|±HH[MM]]])"
        case let .reservedName(name):
            return "the field name '\(name)' is reserved (names starting with _ or @ belong to the log)"
        case let .invalidName(name):
            return "the field name '\(name)' is not allowed (1 to 128 letters, digits, '_', '-' or '.')"
        case let .fieldTooLarge(name, bytes):
            return "the field \(name) holds \(bytes) bytes; MLog allows at most \(LogEvent.maximumFieldBytes) per string"
        case let .eventTooLarge(bytes):
            return "the event is \(bytes) bytes; MLog allows at most \(LogEvent.maximumEventBytes) bytes per event"
        case let .invalidJSON(detail):
            return "invalid JSON: \(detail)"
        case let .badLine(line, error):
            return "line \(line): \(error.description); nothing from this batch was logged"
        case .emptyBatch:
            return "no events were given (pass --type, or NDJSON on stdin)"
        case let .noSuchEntry(seq, size):
            return size == 0 ? "the log is empty: there is no entry \(seq)" : "there is no entry \(seq): the log holds entries 0 to \(size - 1)"
        case let .sizeOutOfRange(requested, size):
            return "the log has \(size) entries, so no tree of size \(requested) can be proved"
        case let .sizesReversed(old, new):
            return "the older tree (\(old) entries) cannot be larger than the newer (\(new)): a log only grows"
        case let .legalBasisRequired(parameter):
            return "a query by time range needs \(parameter) (it is itself logged, as in MLog)"
        case let .invalidFilter(text):
            return "the filter '\(text)' is not of the form FIELD=VALUE"
        case let .invalidCheckpoint(why):
            return "not a checkpoint: \(why)"
        case let .checkpointSignatureInvalid(why):
            return "the checkpoint's signature does not verify: \(why)"
        case let .checkpointKeyMismatch(why):
            return "the checkpoint was not signed by the given key: \(why)"
        case let .invalidProof(why):
            return "not a proof mgov can read: \(why)"
        case let .treeDamaged(why):
            return "the log is damaged: \(why)"
        case let .verificationFailed(seq, why):
            return "the log does not verify: first bad entry \(seq): \(why)"
        case let .proofRejected(why):
            return "the proof is not valid: \(why)"
        case let .signatureRejected(why):
            return "signature rejected: \(why)"
        case let .unknownFormat(name):
            return "unknown export format '\(name)' (use ndjson, syslog, cef or otel)"
        }
    }
}
