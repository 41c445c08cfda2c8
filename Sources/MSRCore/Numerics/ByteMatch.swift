extension Numerics {
    /// The high bit of each byte of `word` that equals `byte`, and no other bit: eight bytes
    /// compared at once. A byte of `x = word ^ (byte * 0x0101...)` is zero exactly when its high
    /// bit stays clear in `((x & 0x7F...) + 0x7F...) | x`, where no carry crosses into the next
    /// byte (the usual `(x - 0x01...) & ~x & 0x80...` also flags some bytes after a match).
    @inline(__always)
    static func bytes(of word: UInt64, equalTo byte: UInt8) -> UInt64 {
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return ~(((x & lows) &+ lows) | x) & ~lows
    }
}
