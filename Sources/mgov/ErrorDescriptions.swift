import Foundation
import MGovCore
import MGovXML

/// Errors from libraries that are not `UserFacingError`, given sentences and exit codes.
enum ErrorDescriptions {
    static func describe(_ error: Error) -> (message: String, status: ExitStatus)? {
        switch error {
        case let error as XMLError:
            return (error.description, .failure)
        default:
            return nil
        }
    }
}
