/// A set of recordings (`SongIndex.recordings` values) made for one request: a bit per song
/// index row, and a list for a value outside the rows (a damaged index's: recordings are only
/// compared, never used as an index into memory). What a `Set<Int32>` answers, without hashing:
/// a request tests hundreds of rows against the playlist's and the ranking's recordings.
struct RecordingSet {
    private var words: [UInt64]
    private let rows: Int
    private var others: [Int32] = []

    /// An empty set for recordings of a song index of `rows` rows.
    init(rows: Int) {
        self.rows = rows
        words = [UInt64](repeating: 0, count: (rows + 63) / 64)
    }

    /// Whether `recording` is in the set.
    @inline(__always)
    func contains(_ recording: Int32) -> Bool {
        let i = Int(recording)
        guard i >= 0 && i < rows else { return others.contains(recording) }
        return words[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    /// Adds `recording`; whether it was not in the set before.
    @discardableResult @inline(__always)
    mutating func insert(_ recording: Int32) -> Bool {
        let i = Int(recording)
        guard i >= 0 && i < rows else {
            if others.contains(recording) { return false }
            others.append(recording)
            return true
        }
        let bit: UInt64 = 1 << UInt64(i & 63), word = words[i >> 6]
        words[i >> 6] = word | bit
        return word & bit == 0
    }
}
