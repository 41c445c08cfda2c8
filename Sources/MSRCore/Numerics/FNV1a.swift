extension Numerics {
    /// FNV-1a's 64-bit offset basis: the hash of no bytes.
    public static let fnv1aOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// FNV-1a's 64-bit prime.
    public static let fnv1aPrime: UInt64 = 0x0000_0100_0000_01b3

    /// The 64-bit FNV-1a hash of `bytes`, continuing from `hash`.
    @inline(__always)
    public static func fnv1a<Bytes: Sequence<UInt8>>(_ bytes: Bytes, from hash: UInt64 = fnv1aOffsetBasis) -> UInt64 {
        var hash = hash
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* fnv1aPrime }
        return hash
    }

    /// The 64-bit FNV-1a hash of the `count` bytes at `pointer` (hot loops: no sequence).
    @inline(__always)
    public static func fnv1a(_ pointer: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var hash = fnv1aOffsetBasis
        for k in 0..<count { hash = (hash ^ UInt64(pointer[k])) &* fnv1aPrime }
        return hash
    }
}
