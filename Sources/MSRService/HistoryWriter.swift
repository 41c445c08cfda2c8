import Foundation
import Synchronization

/// Writes the users' recommendation history off the request path: a request hands its record
/// over and returns; one writer at a time takes every record waiting and writes them in one
/// transaction, so that under load a single commit carries many requests' records instead of
/// each request waiting for a commit of its own.
///
/// Whoever reads the history first calls `flush()`, which returns once every record handed over
/// before it is written: a user always sees their own latest recommendations. A failed batch is
/// reported to `failed` (the service logs it); its records are lost, as an answer already sent
/// cannot be taken back.
final class HistoryWriter: Sendable {
    /// One recommendation to record.
    struct Record: Sendable {
        let userID: Int64
        let time: Date
        /// The answer, as the history keeps it.
        let result: StoredAnswer
    }

    private struct Queue {
        var pending: [Record] = []
        /// `flush()` calls waiting for the next batch to be written.
        var waiters: [CheckedContinuation<Void, Never>] = []
        var writing = false
        /// The writer's pause after a batch while it lasts: a `flush()` cuts it short.
        var pause: Task<Void, Never>?
    }

    private let queue = Mutex(Queue())
    /// The writer's pause after each batch, so that the next one gathers the records of a few
    /// milliseconds: a transaction writes its changed pages whole (the table's last leaf, the
    /// index's), so that back-to-back batches of a few records each wrote several times the
    /// records' bytes. Under load (wrk, 64 connections) 5 ms took the bytes written a request
    /// from 3.1 to 2.6 KB and the server's CPU from 155 to 148 µs a request. A `flush()` (a
    /// history read, an `exclude_seen` request) does not wait for it.
    private let pause: Duration
    private let write: @Sendable ([Record]) async throws -> Void
    private let failed: @Sendable (any Error, Int) -> Void

    /// `write` stores one batch (in one transaction); `failed` hears of a batch that could not
    /// be stored, with its size; `pause` after each batch.
    init(pause: Duration = .milliseconds(5), write: @escaping @Sendable ([Record]) async throws -> Void,
         failed: @escaping @Sendable (any Error, Int) -> Void) {
        self.pause = pause
        self.write = write
        self.failed = failed
    }

    /// Hands a record over; a writer starts when none is running.
    func add(_ record: Record) {
        let start = queue.withLock { queue -> Bool in
            queue.pending.append(record)
            guard !queue.writing else { return false }
            queue.writing = true
            return true
        }
        if start { Task { await drain() } }
    }

    /// Returns once every record added before the call is written (or its batch failed).
    func flush() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let (idle, pause) = queue.withLock { queue -> (Bool, Task<Void, Never>?) in
                guard queue.writing || !queue.pending.isEmpty else { return (true, nil) }
                queue.waiters.append(waiter)
                return (false, queue.pause)
            }
            pause?.cancel()
            if idle { waiter.resume() }
        }
    }

    /// Writes batches until nothing is waiting: a record added during a batch goes in the next.
    private func drain() async {
        while true {
            let (batch, waiters) = queue.withLock { queue -> ([Record], [CheckedContinuation<Void, Never>]) in
                let taken = (queue.pending, queue.waiters)
                queue.pending = []
                queue.waiters = []
                if taken.0.isEmpty && taken.1.isEmpty { queue.writing = false }
                return taken
            }
            if batch.isEmpty && waiters.isEmpty { return }
            if !batch.isEmpty {
                do {
                    try await write(batch)
                } catch {
                    failed(error, batch.count)
                }
            }
            for waiter in waiters { waiter.resume() }
            guard !batch.isEmpty else { continue }
            let pause = Task { [pause] in _ = try? await Task.sleep(for: pause) }
            let flushing = queue.withLock { queue -> Bool in
                queue.pause = pause
                return !queue.waiters.isEmpty
            }
            if flushing { pause.cancel() }
            await pause.value
            queue.withLock { $0.pause = nil }
        }
    }
}
