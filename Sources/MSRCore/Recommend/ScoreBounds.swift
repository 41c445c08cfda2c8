import CMemory

/// Every track's collaborative score `x · y_t` (`CollaborativeFilter.scores`, Float32) held
/// within a bound, from a byte copy of the track factors: integer products over a quarter of
/// the factors' bytes instead of the Float32 dot products of every track. The hybrid scores
/// exactly only the tracks whose bound reaches its best ones (`Recommender.boundedWarmPicks`),
/// so its picks are the exact ones, bit for bit.
///
/// The tracks' values are `scale * q_tj` (one scale, the largest |y_tj| over 127; q in
/// -127...127), each within `residual` of its factor value; a playlist's factor is `unit_x *
/// xq_j` (xq in -63...63, within `ex` of x_j). Then, with `c_t = unit_x * scale * Σ_j xq_j q_tj`
/// (exact integers),
///
///     |x · y_t - c_t| <= ex * Σ_j |scale q_tj| + |x|₁ * residual
///
/// (x y = x̂ ŷ + (x - x̂) ŷ + x (y - ŷ)), and the Float32 kernel's sum is within 132 roundings
/// of 2^-24 of `Σ_j |x_j y_tj| <= |x|₂ |y_t|₂` (eight lanes of at most 128 products each for
/// the most factors a file may have, 1,024, and three to add the lanes): 2^-16 |x|₂ |y_t|₂
/// holds it with room.
struct ScoreBounds: Sendable {
    /// Tracks, and groups of four values a row (the factors' stride over four).
    let count: Int
    let groups: Int
    /// The tracks' q values, sixteen rows a block as `msr_block_dots_kind` reads them (rows past
    /// `count` zero).
    let blocks: [Int8]
    /// Each row's product sum starts at -64 times the sum of its q values: the playlist's values
    /// are shifted by 64 into 1...127, the unsigned operand of the byte products.
    let starts: [Int32]
    /// The tracks' one scale.
    let scale: Double
    /// Over every track: the largest |y_tj - scale q_tj|, the largest Σ_j |scale q_tj| and the
    /// largest Euclidean length |y_t|₂, each rounded up.
    let residual: Double, absoluteSum: Double, length: Double

    /// The playlist values' shift (`starts`), and the largest |xq_j|: 63 + 64 is at most 127, so
    /// AVX2's pair products (two of 127 x 127) cannot saturate 16 bits.
    static let shift = 64
    static let playlistLevels = 63.0
    static let trackLevels = 127.0

    /// The byte copy of `tracks` (read in place, `stride` values a row, padding zeros).
    init(_ tracks: FactorMatrix) {
        let count = tracks.rows, groups = tracks.stride / 4
        self.count = count
        self.groups = groups
        let blockCount = (count + 15) / 16
        var largest: Float = 0
        for t in 0..<count {
            let row = tracks.row(t)
            for j in 0..<tracks.factors { largest = Swift.max(largest, abs(row[j])) }
        }
        let scale = Double(largest) / Self.trackLevels, inverse = scale > 0 ? 1 / scale : 0
        var blocks = [Int8](repeating: 0, count: blockCount * groups * 64)
        var starts = [Int32](repeating: 0, count: blockCount * 16)
        var residual = 0.0, absoluteSum = 0.0, length = 0.0
        blocks.withUnsafeMutableBufferPointer { out in
            for t in 0..<count {
                let row = tracks.row(t), base = (t &>> 4) &* groups &* 64 &+ (t & 15) &* 4
                var sum: Int32 = 0, absolute = 0.0, squares = 0.0
                for j in 0..<tracks.factors {
                    // Any rounding would do: the residual is measured, not assumed.
                    let value = Double(row[j])
                    let q = Swift.min(Swift.max((value * inverse).rounded(.toNearestOrEven), -Self.trackLevels), Self.trackLevels)
                    out[base &+ (j &>> 2) &* 64 &+ (j & 3)] = Int8(q)
                    sum &+= Int32(q)
                    residual = Swift.max(residual, abs(value - scale * q))
                    absolute += abs(scale * q)
                    squares += value * value
                }
                starts[t] = -Int32(Self.shift) &* sum
                absoluteSum = Swift.max(absoluteSum, absolute)
                length = Swift.max(length, squares.squareRoot())
            }
        }
        self.blocks = blocks
        self.starts = starts
        self.scale = scale
        // Each a sum or product of a few Doubles: 2^-40 above covers their rounding.
        let up = 1 + 0x1p-40
        self.residual = residual * up
        self.absoluteSum = absoluteSum * up
        self.length = length * up
    }

    /// A playlist's integer sums against every track.
    struct Products {
        /// `Σ_j xq_j q_tj` of each track, as a Float (exact: at most 1,024 x 63 x 127, under 2^24),
        /// then zeros to a multiple of 16.
        var sums: [Float]
        /// What a sum is worth in score units (`unit_x * scale`): `c_t = unit * sums[t]`.
        var unit: Double
        /// Every track's Float32 score is within `radius` of its `c_t`.
        var radius: Double
    }

    /// The sums of the playlist factor `x` (`groups * 4` values, padding zeros) against every
    /// track, or nil for a factor that is zero (every score 0), not finite or so large its
    /// scores could overflow: the caller then scores every track.
    func products(_ x: UnsafePointer<Float>) -> Products? {
        let n = groups * 4
        var largest = 0.0, absolute = 0.0, squares = 0.0
        for j in 0..<n {
            let value = Double(x[j])
            guard value.isFinite else { return nil }
            largest = Swift.max(largest, abs(value))
            absolute += abs(value)
            squares += value * value
        }
        let norm = squares.squareRoot()
        guard largest > 0, norm * length < 1e30, scale > 0 else { return nil }
        let unit = largest / Self.playlistLevels
        var shifted = [UInt8](repeating: 0, count: n)
        var error = 0.0
        for j in 0..<n {
            let value = Double(x[j])
            let q = Swift.min(Swift.max((value / unit).rounded(.toNearestOrEven), -Self.playlistLevels), Self.playlistLevels)
            shifted[j] = UInt8(Int(q) + Self.shift)
            error = Swift.max(error, abs(value - unit * q))
        }
        let sums = [Float](unsafeUninitializedCapacity: starts.count) { sums, initialized in
            blocks.withUnsafeBufferPointer { blocks in
                starts.withUnsafeBufferPointer { starts in
                    _ = msr_block_dots_kind(-1, blocks.baseAddress, starts.count / 16, groups, shifted, starts.baseAddress, sums.baseAddress)
                }
            }
            initialized = starts.count
        }
        let radius = (error * (1 + 0x1p-40) * absoluteSum + absolute * (1 + 0x1p-40) * residual + 0x1p-16 * norm * length)
            * (1 + 0x1p-20) + 1e-30
        return Products(sums: sums, unit: unit * scale, radius: radius)
    }
}
