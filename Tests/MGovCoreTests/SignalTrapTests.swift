import Dispatch
import Foundation
import MGovCore
import Testing

/// The process's own SIGTERM goes to the trap in force (these tests send it to themselves).
@Suite(.serialized) struct SignalTrapTests {
    /// Which trap a signal reached, as the handlers report it.
    final class Reached: @unchecked Sendable {
        private let lock = NSLock()
        private var names: [String] = []
        private let arrived = DispatchSemaphore(value: 0)
        func note(_ name: String) { lock.withLock { names.append(name) }; arrived.signal() }
        /// Notes not read yet.
        var unread: Int { lock.withLock { names.count } }
        func next() -> String? {
            guard arrived.wait(timeout: .now() + 10) == .success else { return nil }
            return lock.withLock { names.removeFirst() }
        }
    }

    @Test func everyTrapCatchesTheSignalsSentWhileItLivesNotOnlyTheFirst() throws {
        let reached = Reached()
        for round in 1...3 {
            let trap = SignalTrap { signal, count in reached.note("round \(round): signal \(signal), \(count) so far") }
            kill(getpid(), SIGTERM)
            #expect(reached.next() == "round \(round): signal \(SIGTERM), 1 so far")
            usleep(600_000)  // later than `SignalTrap.coalescing`: a signal of its own
            kill(getpid(), SIGTERM)
            #expect(reached.next() == "round \(round): signal \(SIGTERM), 2 so far")
            trap.release()
        }
    }

    @Test func signalsCloserThanHalfASecondAreOne() throws {
        let reached = Reached()
        let trap = SignalTrap { signal, count in reached.note("\(count)") }
        kill(getpid(), SIGINT)
        kill(getpid(), SIGTERM)  // as `timeout` signals the process and its group
        #expect(reached.next() == "1")
        usleep(600_000)
        #expect(reached.unread == 0, "the second of the two reached no handler")
        kill(getpid(), SIGINT)
        #expect(reached.next() == "2", "the second signal counted is the one that came later")
        trap.release()
    }

    @Test func theLatestTrapTakesTheSignalUntilItIsReleased() throws {
        let reached = Reached()
        let outer = SignalTrap { _, _ in reached.note("outer") }
        let inner = SignalTrap { _, _ in reached.note("inner") }
        kill(getpid(), SIGTERM)
        #expect(reached.next() == "inner")
        inner.release()
        kill(getpid(), SIGTERM)
        #expect(reached.next() == "outer")
        usleep(600_000)
        do {
            let dropped = SignalTrap { _, _ in reached.note("dropped") }
            _ = dropped
        }
        kill(getpid(), SIGTERM)
        #expect(reached.next() == "outer", "a trap let go without release() is out of force too")
        outer.release()
    }
}
