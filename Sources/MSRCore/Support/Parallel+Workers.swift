import Dispatch
import FoundationEssentials
import Glibc

extension Parallel {
    /// `body` over consecutive blocks of `0..<count` of at most `size` items, taken in turn by
    /// `workers` threads, each with its own `scratch` made once (no allocation per block or
    /// item); the results in block order.
    ///
    /// Blocks are handed out one at a time, so uneven blocks (playlists of 5 and 250 tracks)
    /// spread over the threads. What a block computes must depend on its range alone, never on
    /// which thread ran it: then the results, and any sum of them taken in block order, are the
    /// same whatever `workers` is.
    public static func blocks<Scratch, T>(_ count: Int, size: Int, workers: Int = width, scratch: @Sendable () -> Scratch,
                                          _ body: @Sendable (inout Scratch, Range<Int>) -> T) -> [T] {
        precondition(size > 0)
        let blockCount = (count + size - 1) / size
        let range = { @Sendable (k: Int) in k * size ..< Swift.min(count, (k + 1) * size) }
        let threads = Swift.max(1, Swift.min(workers, blockCount))
        if threads == 1 {
            var own = scratch()
            return (0..<blockCount).map { body(&own, range($0)) }
        }
        // Block numbers handed out in order, each once.
        let taken = Counter()
        let results = Results<T>(count: blockCount)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var own = scratch()
            while case let k = taken.increment() - 1, k < blockCount { results.set(k, body(&own, range(k))) }
        }
        return results.values
    }
}
