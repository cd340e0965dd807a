import CMGovSystem
import Foundation

/// While it lives (until `release()`), SIGTERM and SIGINT do not end the process: `handler` runs
/// with the signal and how many have come so far, on a thread of its own (a batch that keeps every
/// worker thread busy cannot starve it). Then the default action returns.
///
/// The signals reach a handler of mgov's own, installed before `init` returns, which writes them
/// to a pipe that one thread reads. Dispatch's signal sources were not used: on Linux they set
/// their handler up later, on the manager thread (a signal before it was lost while SIGINT was
/// ignored), and only for the first source of a signal in the process.
public final class SignalTrap: @unchecked Sendable {
    // @unchecked: the state is guarded by `lock`; the traps in force by `Self.lock`.
    public typealias Handler = @Sendable (_ signal: Int32, _ count: Int) -> Void
    private let lock = NSLock()
    private var count = 0
    private var last: Int32?
    private var lastTime: UInt64 = 0
    private let handler: Handler
    /// Signals closer together than this are one: `timeout` and a terminal's Ctrl-C signal the
    /// process and its group, which is two signals at once, and a second one means "stop now".
    static let coalescing: UInt64 = 500_000_000  // nanoseconds

    private static let lock = NSLock()
    /// The traps in force, the latest last: a signal goes to the latest. Held weakly, so a trap
    /// let go without `release()` still ends (in `deinit`).
    nonisolated(unsafe) private static var traps: [Entry] = []
    private struct Entry {
        let id: ObjectIdentifier
        weak var trap: SignalTrap?
    }
    nonisolated(unsafe) private static var reading = false

    public init(_ handler: @escaping Handler) {
        self.handler = handler
        Self.lock.lock()
        defer { Self.lock.unlock() }
        let fd = mgov_signals_trap()
        guard fd >= 0 else { return }  // no pipe (out of descriptors): the signals keep their default action
        Self.traps.append(Entry(id: ObjectIdentifier(self), trap: self))
        if !Self.reading {
            Self.reading = true
            let thread = Thread { Self.read(fd) }
            thread.name = "mgov.signals"
            thread.start()
        }
    }

    deinit { release() }

    /// The last signal that came, if any.
    public var caught: Int32? { lock.lock(); defer { lock.unlock() }; return last }

    /// Takes this trap out; when it was the last one, SIGTERM and SIGINT have their default action again.
    public func release() {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        let id = ObjectIdentifier(self)
        guard let index = Self.traps.firstIndex(where: { $0.id == id }) else { return }
        Self.traps.remove(at: index)
        if Self.traps.isEmpty { mgov_signals_default() }
    }

    /// The exit status a shell gives a process ended by `signal`.
    public static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }

    private func deliver(_ signal: Int32) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        if count > 0, now &- lastTime < Self.coalescing {
            lock.unlock()
            return
        }
        count += 1
        last = signal
        lastTime = now
        let count = self.count
        lock.unlock()
        handler(signal, count)
    }

    private static func read(_ fd: Int32) {
        var byte: UInt8 = 0
        while true {
            let n = Foundation.read(fd, &byte, 1)
            if n < 0, errno == EINTR { continue }
            guard n == 1 else { return }
            lock.lock()
            let latest = traps.last?.trap
            lock.unlock()
            latest?.deliver(Int32(byte))
        }
    }
}
