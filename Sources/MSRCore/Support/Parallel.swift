import Dispatch
import FoundationEssentials
import Glibc

/// Runs work on every core and hands back the results in order.
public enum Parallel {
    /// The cores work is spread over, read once: Foundation reads them from the cgroup's files
    /// at each ask (two files opened and read, some 40 µs: msr-train asked twice a round).
    public static let width = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `body(k)` for k in `0..<count`, run concurrently; the results in index order.
    public static func map<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        // One task runs here: no thread pool to start (it costs a short command milliseconds).
        if count == 1 { return [body(0)] }
        let results = Results<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { k in results.set(k, body(k)) }
        return results.values
    }

    /// `body` over consecutive blocks of `0..<count` of at most `block` items; results in order.
    public static func blocks<T>(_ count: Int, size block: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        let blocks = (count + block - 1) / block
        return map(blocks) { k in body(k * block ..< Swift.min(count, (k + 1) * block)) }
    }

    /// `body` over consecutive blocks of `0..<count` of at most `block` items, a window of one
    /// block per core at a time, each window's results handed to `take` in order before the next
    /// is made: memory holds a window's results, not every block's.
    public static func windows<T>(_ count: Int, size block: Int, _ body: @Sendable (Range<Int>) -> T,
                                  take: (T) throws -> Void) rethrows {
        let window = block * width
        var first = 0
        while first < count {
            let start = first, items = Swift.min(window, count - first)
            for result in blocks(items, size: block, { body((start + $0.lowerBound) ..< (start + $0.upperBound)) }) {
                try take(result)
            }
            first += items
        }
    }

    /// One slot per task; each task fills only its own.
    final class Results<T>: @unchecked Sendable {
        private var slots: [T?]
        private let lock = Lock()

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ k: Int, _ value: T) {
            lock.lock()
            slots[k] = value
            lock.unlock()
        }

        var values: [T] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}
