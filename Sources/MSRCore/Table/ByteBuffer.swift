import Foundation

/// A growable byte buffer written through a raw pointer: one capacity check per field rather
/// than one per byte, which is what makes CSV formatting fast.
public final class ByteBuffer {
    public private(set) var base: UnsafeMutablePointer<UInt8>
    public private(set) var count = 0
    private var capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = Swift.max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes; `put` and `advance` may then write that many.
    @inline(__always)
    public func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        let newCapacity = Swift.max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Writes one byte; room must have been reserved.
    @inline(__always)
    public func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// The next free byte, for writers that fill reserved room themselves and then `advance`.
    @inline(__always)
    public var end: UnsafeMutablePointer<UInt8> { base + count }

    @inline(__always)
    public func advance(_ written: Int) { count += written }

    /// Appends bytes, growing as needed.
    @inline(__always)
    public func append(_ pointer: UnsafePointer<UInt8>, count length: Int) {
        reserve(length)
        (base + count).update(from: pointer, count: length)
        count += length
    }

    /// Calls `body` with the bytes written so far, keeping the buffer alive meanwhile.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(start: base, count: count)) }
    }

    /// A copy of the bytes written so far.
    public var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
