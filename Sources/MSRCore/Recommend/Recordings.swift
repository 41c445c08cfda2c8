/// The song index's recordings: songs with the very same standardised feature row are one
/// recording under several ids (915 songs of the embedded base repeat another song's features
/// exactly, and one top-10 once held the same recording six times). A recording is named by its
/// first row in the index. Worked out when the index is written (`SongIndex.encode`).
struct Recordings: Sendable {
    /// Each row's recording: the lowest row with exactly its point.
    let first: [Int32]
    /// Whether another row has the same point: only those rows need a duplicate check.
    let shared: [Bool]

    /// Groups the `count` rows of `points` (row-major, `dimension` values each) by exact point,
    /// through an open-addressing table of row numbers: no allocation per row.
    init(points: [Float], dimension d: Int, count n: Int) {
        var first = [Int32](repeating: 0, count: n)
        var shared = [Bool](repeating: false, count: n)
        var capacity = 16
        while capacity < 2 * n { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        points.withUnsafeBufferPointer { points in
            for i in 0..<n {
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for j in 0..<d {
                    let value = points[i * d + j]
                    // -0.0 == 0.0: one bit pattern for both.
                    hash = (hash ^ UInt64(value == 0 ? 0 : value.bitPattern)) &* 0x100_0000_01b3
                    hash ^= hash >> 29
                }
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let other = Int(slots[slot])
                    if other < 0 {
                        slots[slot] = Int32(i)
                        first[i] = Int32(i)
                        break
                    }
                    var same = true
                    for j in 0..<d where points[i * d + j] != points[other * d + j] {
                        same = false
                        break
                    }
                    if same {
                        first[i] = Int32(other)
                        shared[i] = true
                        shared[other] = true
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        self.first = first
        self.shared = shared
    }
}
