/// A set of recordings (`SongIndex.recordings` values) made for one request: what a
/// `Set<Int32>` answers, by open addressing with a multiplicative hash instead of a seeded
/// SipHash (a request tests hundreds of rows against the playlist's and the ranking's
/// recordings), sized by what it is expected to hold rather than by the song index (a bit a row
/// zeroed 125 KB a set at a million songs). Any Int32 is a member it can hold: recordings are
/// only compared, never used as an index into memory.
struct RecordingSet {
    /// The slots, a power of two of them, `empty` or a member (widened, so no member is `empty`).
    private var slots: [Int64]
    private var count = 0
    private static let empty = Int64.min

    /// An empty set with room for `capacity` members before it grows.
    init(capacity: Int) {
        var size = 8
        while size < 2 * capacity { size *= 2 }
        slots = [Int64](repeating: Self.empty, count: size)
    }

    /// The slot holding `recording`, or the empty slot where it would go.
    @inline(__always)
    private func slot(_ recording: Int32) -> Int {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: recording)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while slots[i] != Self.empty && slots[i] != Int64(recording) { i = (i &+ 1) & mask }
        return i
    }

    /// Whether `recording` is in the set.
    @inline(__always)
    func contains(_ recording: Int32) -> Bool {
        slots[slot(recording)] != Self.empty
    }

    /// Adds `recording`; whether it was not in the set before.
    @discardableResult @inline(__always)
    mutating func insert(_ recording: Int32) -> Bool {
        let i = slot(recording)
        guard slots[i] == Self.empty else { return false }
        slots[i] = Int64(recording)
        count += 1
        // At most half full: probes stay short.
        if 2 * count > slots.count { grow() }
        return true
    }

    @inline(never)
    private mutating func grow() {
        let members = slots.filter { $0 != Self.empty }
        slots = [Int64](repeating: Self.empty, count: slots.count * 2)
        for member in members { slots[slot(Int32(member))] = member }
    }
}
