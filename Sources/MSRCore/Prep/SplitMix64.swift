/// The seeded generator behind every random choice in msr (Steele, Lea and Flood's SplitMix64).
///
/// The standard library's generator cannot be seeded and its shuffle may change between Swift
/// releases, so msr draws from this one and shuffles with its own Fisher-Yates: the same seed
/// gives the same split on every machine and release.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The step the state advances by at each draw.
    static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    public init(seed: UInt64) {
        state = seed
    }

    /// The generator of `seed` after `draws` calls of `next()`: each draw depends on its
    /// position alone, so separate parts of one stream can be drawn concurrently.
    public init(seed: UInt64, skipping draws: UInt64) {
        state = seed &+ draws &* Self.increment
    }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (Lemire's unbiased multiply-and-reject).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Shuffles `values` in place (Fisher-Yates, from the end).
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }
}
