import Dispatch

/// An archive entry's bytes as another thread inflates them: a `ByteStream` whose producer may
/// run ahead of the reader by at most `ahead` pieces, so that inflating (on one core) overlaps
/// with parsing what came before, and the entry is never held whole. Pieces read are handed back
/// for the next ones, so the stream's memory is allocated (and its pages faulted in) once.
final class InflatingStream: ByteStream, @unchecked Sendable {  // the producer's side under `lock`
    /// What a producer meets once the reader has stopped.
    struct Cancelled: Error {}

    private let lock = Lock()
    private var pieces: [[UInt8]] = []
    /// Pieces read, kept for the producer to fill again.
    private var spare: [[UInt8]] = []
    private var head = 0
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    /// Free places for pieces not yet read, and pieces (or the end) ready to be read.
    private let space: DispatchSemaphore, ready = DispatchSemaphore(value: 0)
    // The reader's side: the piece being read, and whether the end was met.
    private var current: [UInt8] = []
    private var position = 0
    private var ended = false

    /// The entry's size as its header declares it (checked against the limit, not yet against
    /// what it inflates to).
    let expectedBytes: Int?

    init(ahead: Int, expectedBytes: Int? = nil) {
        self.expectedBytes = expectedBytes
        // Counted up from zero: libdispatch traps when a semaphore is freed below the value it
        // was made with, as `space` is when the reader stops with pieces unread.
        space = DispatchSemaphore(value: 0)
        for _ in 0..<ahead { space.signal() }
    }

    /// The producer hands over a copy of `chunk`, waiting while `ahead` pieces are unread;
    /// throws `Cancelled` once the reader has stopped.
    func push(_ chunk: UnsafeRawBufferPointer) throws {
        space.wait()
        lock.lock()
        guard !cancelled else {
            lock.unlock()
            throw Cancelled()
        }
        var piece = spare.popLast() ?? []
        lock.unlock()
        piece.removeAll(keepingCapacity: true)
        piece.append(contentsOf: chunk.bindMemory(to: UInt8.self))
        lock.lock()
        pieces.append(piece)
        lock.unlock()
        ready.signal()
    }

    /// The producer is done: the data ended (`nil`) or `failure` stopped it.
    func finish(_ failure: (any Error)?) {
        lock.lock()
        finished = true
        self.failure = failure
        lock.unlock()
        ready.signal()
    }

    /// The reader stops: a producer waiting for space, or pushing later, meets `Cancelled`.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
        space.signal()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while position == current.count {
            if ended {
                let failure = lock.withLock { self.failure }
                if let failure { throw failure }
                return 0
            }
            ready.wait()
            lock.lock()
            if head < pieces.count {
                spare.append(current)
                current = pieces[head]
                pieces[head] = []
                head += 1
                if head >= 64 {
                    pieces.removeFirst(head)
                    head = 0
                }
                lock.unlock()
                position = 0
                space.signal()
            } else {
                ended = true
                spare = []
                current = []
                position = 0
                lock.unlock()
            }
        }
        let count = Swift.min(buffer.count, current.count - position)
        current.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<(position + count)])) }
        position += count
        return count
    }
}
