/// Builds CSV bytes row by row: text quoted only when it must be (RFC 4180), numbers in their
/// shortest round-trip form, LF line ends.
///
/// The bytes live in one growable allocation written through a raw pointer, with one capacity
/// check per field. The pointer and count are the struct's own fields (a class's would cost a
/// runtime exclusivity check on every byte); the allocation is owned by a small class so it
/// is freed with the last copy. A writer is filled through one variable: copies share bytes.
public struct CSVWriter {
    private final class Storage {
        var pointer: UnsafeMutablePointer<UInt8>
        init(capacity: Int) { pointer = .allocate(capacity: capacity) }
        deinit { pointer.deallocate() }
    }

    private var storage: Storage
    private var base: UnsafeMutablePointer<UInt8>
    /// The number of bytes written.
    public private(set) var count = 0
    private var capacity: Int
    private var atRowStart = true

    public init(reservingCapacity capacity: Int = 4096) {
        self.capacity = Swift.max(64, capacity)
        storage = Storage(capacity: self.capacity)
        base = storage.pointer
    }

    /// Calls `body` with the bytes written so far.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeRawBufferPointer(start: base, count: count)) }
    }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        capacity = Swift.max(needed, capacity * 2)
        let larger = Storage(capacity: capacity)
        larger.pointer.update(from: base, count: count)
        storage = larger
        base = larger.pointer
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func separate() {
        if atRowStart { atRowStart = false } else { put(UInt8(ascii: ",")) }
    }

    /// Writes a whole row of text fields (a header).
    public mutating func row(_ fields: [String]) {
        for field in fields { text(field) }
        endRow()
    }

    /// Writes a text field, quoting it when it holds a comma, a quote or a line end.
    @inline(__always)
    public mutating func text(_ pointer: UnsafePointer<UInt8>, count length: Int) {
        reserve(2 * length + 3)
        separate()
        guard Self.needsQuotes(pointer, count: length) else {
            (base + count).update(from: pointer, count: length)
            count += length
            return
        }
        put(UInt8(ascii: "\""))
        for k in 0..<length {
            if pointer[k] == UInt8(ascii: "\"") { put(UInt8(ascii: "\"")) }
            put(pointer[k])
        }
        put(UInt8(ascii: "\""))
    }

    /// Whether text holds a comma, a quote or a line end: eight bytes at a time
    /// (`Numerics.bytes(of:equalTo:)`), then byte by byte for the rest.
    @inline(__always)
    static func needsQuotes(_ pointer: UnsafePointer<UInt8>, count length: Int) -> Bool {
        @inline(__always) func holds(_ word: UInt64, _ byte: UInt8) -> UInt64 { Numerics.bytes(of: word, equalTo: byte) }
        var k = 0
        while k &+ 8 <= length {
            let word = UInt64(littleEndian: UnsafeRawPointer(pointer + k).loadUnaligned(as: UInt64.self))
            if holds(word, UInt8(ascii: ",")) | holds(word, UInt8(ascii: "\"")) | holds(word, UInt8(ascii: "\n"))
                | holds(word, UInt8(ascii: "\r")) != 0 {
                return true
            }
            k &+= 8
        }
        while k < length {
            let byte = pointer[k]
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                return true
            }
            k &+= 1
        }
        return false
    }

    public mutating func text(_ value: String) {
        var copy = value
        copy.withUTF8 { text($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }

    /// Writes value `i` of a text column.
    @inline(__always)
    public mutating func text(_ column: TextColumn, _ i: Int) {
        let range = column.range(i)
        column.bytes.withUnsafeBufferPointer { text($0.baseAddress! + range.lowerBound, count: range.count) }
    }

    /// Writes value `i` of a text column as already-formatted CSV (one or more fields).
    @inline(__always)
    public mutating func raw(_ column: TextColumn, _ i: Int) {
        let range = column.range(i)
        column.bytes.withUnsafeBufferPointer { raw(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Writes bytes that are already formatted CSV (one or more fields).
    @inline(__always)
    public mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count + 1)
        separate()
        if let source = bytes.baseAddress { (base + count).update(from: source, count: bytes.count) }
        count += bytes.count
    }

    /// Writes text, quoted when it must be.
    @inline(__always)
    public mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        text(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: bytes.count)
    }

    /// Writes a number; NaN is written as an empty field, as pandas writes a missing value.
    @inline(__always)
    public mutating func number(_ value: Double) {
        reserve(NumberFormat.maxLength + 1)
        separate()
        if !value.isNaN { count += NumberFormat.write(value, to: base + count) }
    }

    /// Writes a feature's value as the song base and X files hold it (`NumberFormat.writeFeature`).
    @inline(__always)
    public mutating func feature(_ value: Double, integer: Bool) {
        reserve(NumberFormat.maxLength + 1)
        separate()
        count += NumberFormat.writeFeature(value, integer: integer, to: base + count)
    }

    /// Writes a whole number.
    @inline(__always)
    public mutating func integer(_ value: Int) {
        reserve(21)
        separate()
        count += NumberFormat.write(value, to: base + count)
    }

    @inline(__always)
    public mutating func endRow() {
        reserve(1)
        put(UInt8(ascii: "\n"))
        atRowStart = true
    }
}
