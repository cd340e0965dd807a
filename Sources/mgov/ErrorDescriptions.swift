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

extension String {
    /// The message as said of `file`: "FILE: message", named once even when it names the file
    /// already (XML errors do).
    func said(of file: String, as label: String = "") -> String {
        let message = hasPrefix("\(file): ") ? String(dropFirst(file.count + 2)) : self
        return "\(file): \(label)\(message)"
    }
}
