import Dispatch
import Foundation
import MGovCore

/// While it lives (until `release()`), SIGTERM and SIGINT do not end the process: `handler` runs
/// on a queue of its own with the signal and how many have come so far. Then the default action
/// returns.
final class SignalTrap: @unchecked Sendable {
    // @unchecked: the state is guarded by `lock`; the sources live as long as the object.
    private let lock = NSLock()
    private var count = 0
    private var last: Int32?
    private var sources: [DispatchSourceSignal] = []
    /// A queue of its own: a global queue's threads may all be busy (a batch's concurrentPerform),
    /// and the signal must be handled while they are.
    private static let queue = DispatchQueue(label: "mgov.signals")

    init(_ handler: @escaping @Sendable (_ signal: Int32, _ count: Int) -> Void) {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: Self.queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                self.count += 1
                self.last = number
                let count = self.count
                self.lock.unlock()
                handler(number, count)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit { release() }

    /// The last signal that came, if any.
    var caught: Int32? { lock.lock(); defer { lock.unlock() }; return last }

    /// Gives SIGTERM and SIGINT their default action back.
    func release() {
        lock.lock()
        let sources = self.sources
        self.sources = []
        lock.unlock()
        guard !sources.isEmpty else { return }
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }

    /// The exit status a shell gives a process ended by `signal`.
    static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }

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
