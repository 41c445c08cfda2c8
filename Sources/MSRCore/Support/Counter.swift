/// A count shared across threads: each `increment` returns the count it made (1, 2, 3, ...),
/// so every caller gets a number of its own (finished tasks, the next block or workspace).
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = Lock()

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }

    /// The count made so far.
    var current: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
