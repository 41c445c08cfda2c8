import Synchronization

/// Runs async work one at a time per key (a user), the others for that key waiting in the order
/// they came; different keys never wait for each other. A user's `exclude_seen` recommendations
/// read the songs already recommended to them and record the new ones under it, so two requests
/// at once cannot both pick a song neither had seen.
final class OnePerKey<Key: Hashable & Sendable>: Sendable {
    /// For each key in use, the waiting tasks (the running one is not in it).
    private let waiting = Mutex<[Key: [CheckedContinuation<Void, Never>]]>([:])

    /// `body`'s result, once every earlier `run` for `key` has returned.
    func run<T>(_ key: Key, _ body: () async throws -> T) async rethrows -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    /// Keys in use now (for tests: an idle one holds no memory).
    var keysInUse: Int { waiting.withLock { $0.count } }

    private func acquire(_ key: Key) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = waiting.withLock { waiting in
                guard waiting[key] != nil else {
                    waiting[key] = []
                    return true
                }
                waiting[key]!.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }

    /// Hands the key to the next waiting task, or frees it.
    private func release(_ key: Key) {
        let next = waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
            guard var queue = waiting[key], !queue.isEmpty else {
                waiting[key] = nil
                return nil
            }
            let first = queue.removeFirst()
            waiting[key] = queue
            return first
        }
        next?.resume()
    }
}
