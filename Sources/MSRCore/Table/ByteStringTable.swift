import FoundationEssentials
import Glibc

/// An open-addressing hash table from byte strings to dense ids (0, 1, 2, ... in first-seen
/// order), hashing bytes in place: interning a CSV cell or testing a uri for a duplicate
/// allocates nothing.
public struct ByteStringTable: Sendable {
    /// The distinct keys in id order.
    public private(set) var keys = TextColumn()
    private var slots: [Int32]
    private var mask: Int

    public init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// A table whose ids are `keys`' rows, built without copying a key; nil when a key is
    /// listed twice.
    public init?(distinct keys: TextColumn) {
        self.init(capacity: keys.count)
        self.keys = keys
        let filled = keys.bytes.withUnsafeBufferPointer { bytes -> Bool in
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for id in 0..<keys.count {
                let range = keys.range(id)
                let (slot, found) = probe(base + range.lowerBound, range.count, stored: base)
                guard found == nil else { return false }
                slots[slot] = Int32(id)
            }
            return true
        }
        guard filled else { return nil }
    }

    public var count: Int { keys.count }

    /// The id of the bytes, inserting them when new; `inserted` tells which.
    @inline(__always)
    public mutating func insert(_ pointer: UnsafePointer<UInt8>, count: Int) -> (id: Int, inserted: Bool) {
        let (slot, found) = probe(pointer, count)
        if let found { return (found, false) }
        let id = keys.count
        keys.append(pointer, count: count)
        slots[slot] = Int32(id)
        if keys.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The id of the bytes, or `nil` when absent.
    @inline(__always)
    public func find(_ pointer: UnsafePointer<UInt8>, count: Int) -> Int? {
        probe(pointer, count).id
    }

    /// Where the bytes are: their `id`, or nil and the empty `slot` they would take.
    @inline(__always)
    private func probe(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> (slot: Int, id: Int?) {
        keys.bytes.withUnsafeBufferPointer { probe(pointer, count, stored: $0.baseAddress ?? UnsafePointer(bitPattern: 1)!) }
    }

    /// `probe`, the keys' bytes at `stored` (a loop over many keys reaches them once).
    @inline(__always)
    private func probe(_ pointer: UnsafePointer<UInt8>, _ count: Int, stored: UnsafePointer<UInt8>) -> (slot: Int, id: Int?) {
        var slot = Int(truncatingIfNeeded: Self.hash(pointer, count)) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return (slot, nil) }
            let range = keys.range(Int(id))
            if range.count == count && memcmp(stored + range.lowerBound, pointer, count) == 0 { return (slot, Int(id)) }
            slot = (slot + 1) & mask
        }
    }

    /// Value `i` of a text column, inserted when new (no `String` is made); `inserted` tells which.
    @discardableResult
    public mutating func insert(_ column: TextColumn, _ i: Int) -> (id: Int, inserted: Bool) {
        let range = column.range(i)
        return column.bytes.withUnsafeBufferPointer {
            insert(($0.baseAddress ?? UnsafePointer(bitPattern: 1)!) + range.lowerBound, count: range.count)
        }
    }

    /// Inserts a `String` key; returns its id.
    @discardableResult
    public mutating func insert(_ key: String) -> Int {
        var copy = key
        return copy.withUTF8 { insert($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count).id }
    }

    /// The id of a `String` key, or `nil`.
    public func find(_ key: String) -> Int? {
        var copy = key
        return copy.withUTF8 { find($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        keys.bytes.withUnsafeBufferPointer { stored in
            for id in 0..<keys.count {
                let range = keys.range(id)
                var slot = Int(truncatingIfNeeded: Self.hash(stored.baseAddress! + range.lowerBound, range.count)) & mask
                while slots[slot] >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(id)
            }
        }
    }

    /// FNV-1a over the bytes, then a final mix so that linear probing spreads well.
    @inline(__always)
    static func hash(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var hash = Numerics.fnv1a(pointer, count: count)
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }
}
