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
    /// block per core at a time, each window's results handed to `take` in order: memory holds
    /// two windows' results, not every block's. `take` runs on the calling thread while the next
    /// window is made on the others (a file's `write`, the kernel copying into the page cache,
    /// overlaps the formatting of what follows instead of leaving the cores idle).
    public static func windows<T>(_ count: Int, size block: Int, _ body: @Sendable (Range<Int>) -> T,
                                  take: (T) throws -> Void) rethrows {
        let window = block * width
        let make = { @Sendable (start: Int) in
            blocks(Swift.min(window, count - start), size: block) { body((start + $0.lowerBound) ..< (start + $0.upperBound)) }
        }
        guard count > 0 else { return }
        try withoutActuallyEscaping(make) { make in
            var ready = make(0)
            var first = window
            while true {
                let next = first < count ? Pending(make, first) : nil
                // The next window is waited for before leaving, `take` thrown or not: it runs
                // `body`, which must not outlive this call.
                do {
                    for result in ready { try take(result) }
                } catch {
                    _ = next?.wait()
                    throw error
                }
                guard let next else { return }
                ready = next.wait()
                first += window
            }
        }
    }

    /// A window being made on the pool's threads.
    private final class Pending<T>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var results: [T] = []
        /// Dropped before `done` is signalled: the closure must be released by the time the
        /// caller's `withoutActuallyEscaping` ends, not whenever the queue lets go of its task.
        private var make: (@Sendable (Int) -> [T])?

        init(_ make: @escaping @Sendable (Int) -> [T], _ start: Int) {
            self.make = make
            DispatchQueue.global().async { [self] in
                results = self.make!(start)
                self.make = nil
                done.signal()
            }
        }

        /// The window's results, once made (taken: call once).
        func wait() -> [T] {
            done.wait()
            defer { results = [] }
            return results
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
