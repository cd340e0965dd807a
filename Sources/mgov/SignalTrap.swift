import Foundation
import MGovCore

/// What the commands do on SIGINT or SIGTERM.
extension SignalTrap {
    /// For commands that write one file: a signal removes what is half-written (`PartialFiles`)
    /// and stops the process.
    static func removingPartialFiles(_ console: Console) -> SignalTrap {
        SignalTrap { signal, _ in
            let removed = PartialFiles.removeAll()
            console.error("interrupted\(removed > 0 ? ": the file being written was removed" : "")")
            _exit(exitStatus(signal))
        }
    }

    /// For loops that finish the work in hand before stopping: the first signal asks for that
    /// (and says so on `console`), a second one stops at once.
    static func gracefulStop(_ console: Console, saying message: String) -> SignalTrap {
        SignalTrap { signal, count in
            if count > 1 { _exit(exitStatus(signal)) }
            console.info(message)
        }
    }
}
