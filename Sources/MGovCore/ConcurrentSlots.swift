import Foundation

/// One slot per item of parallel work (`DispatchQueue.concurrentPerform`),
/// written from several threads and read once the work is done.
public final class ConcurrentSlots<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private var slots: [Value?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The value put in slot `index`, or nil while it is empty.
    public subscript(index: Int) -> Value? {
        get { lock.lock(); defer { lock.unlock() }; return slots[index] }
        set { lock.lock(); slots[index] = newValue; lock.unlock() }
    }
}
