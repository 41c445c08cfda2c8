/// The fold-in's equations for a playlist of fewer distinct tracks than factors, solved through
/// the Woodbury identity: with `G = YᵀY + λI`, `U` the playlist's `n` track rows, `D` the
/// diagonal of their `C_t - 1` (all positive) and `c` their confidences,
///
///     x = (G + Uᵀ D U)⁻¹ Uᵀ c = G⁻¹Uᵀ (D⁻¹ + U G⁻¹ Uᵀ)⁻¹ D⁻¹ c
///
/// an `n x n` system instead of the `k x k` one (a 20-track playlist at 64 factors: 13k
/// multiply-adds instead of 90k). Each track's `G⁻¹ y_t` comes from `G`'s Cholesky factor, made
/// once per model: every track's at load for a process that ranks many playlists, otherwise the
/// playlist's tracks' as asked, by the same arithmetic, so both give a playlist the same bits.
struct LowRankFoldIn: Sendable {
    let factors: Int
    /// The work rows' stride: `factors` rounded up to a multiple of 4.
    private let width: Int
    /// `G`'s upper Cholesky factor (`CholeskySolve`'s layout).
    private let gramFactor: [Double]
    /// Every track's `G⁻¹ y_t`, `factors` values each, when prepared at load.
    private let solved: [Double]?
    private let tracks: FactorMatrix

    /// The most values solved at load (64 MB: 131,072 tracks of 64 factors); a bigger model's
    /// tracks are solved as asked, which costs a playlist about what the full solve does.
    static let preparedLimit = 1 << 23

    /// `G` (`stride x stride`, `FoldIn.gram`) factored, and with `prepared` every track solved
    /// through it when that is at most `limit` values; nil when `G` is not positive definite (a
    /// fit without regularization).
    init?(gram: [Float], tracks: FactorMatrix, prepared: Bool, limit: Int = preparedLimit) {
        let k = tracks.factors, w = CholeskySolve.stride(k)
        var factor = [Double](repeating: 0, count: k * w), none = [Double](repeating: 0, count: k)
        for m in 0..<k {
            for j in m..<k { factor[m * w + j] = Double(gram[m * tracks.stride + j]) }
        }
        guard k > 0, CholeskySolve.solveInPlace(&factor, &none, dimension: k) else { return nil }
        self.factors = k
        width = (k + 3) & ~3
        self.tracks = tracks
        gramFactor = factor
        solved = prepared && tracks.rows * k <= limit ? [Double](unsafeUninitializedCapacity: tracks.rows * k) { out, count in
            for t in 0..<tracks.rows { Self.solve(tracks.row(t), factor, k, into: out.baseAddress! + t * k) }
            count = tracks.rows * k
        } : nil
    }

    /// Whether every track was solved at load.
    var isPrepared: Bool { solved != nil }

    /// Writes `G⁻¹ y` for the track row `y` into `out` (`k` values).
    private static func solve(_ y: UnsafePointer<Float>, _ factor: [Double], _ k: Int, into out: UnsafeMutablePointer<Double>) {
        for j in 0..<k { out[j] = Double(y[j]) }
        factor.withUnsafeBufferPointer { CholeskySolve.substitute($0, UnsafeMutableBufferPointer(start: out, count: k), dimension: k) }
    }

    /// The factor of the playlist holding the tracks at `rows` (distinct, in increasing order)
    /// with these `confidences`; nil when this shortcut does not apply (as many tracks as
    /// factors or more, a confidence that is not above 1, a system not positive definite), for
    /// the full solve.
    func factor(rows: [Int], confidences: [Float]) -> [Float]? {
        let n = rows.count, k = factors, kw = width
        guard n > 0, n < k, confidences.allSatisfy({ $0 > 1 && $0.isFinite }) else { return nil }
        // Each track's G⁻¹ y_t, then y_t, in Float64, `width` values each (zeros past `k`).
        let w = CholeskySolve.stride(n)
        var system = [Double](repeating: 0, count: n * w), right = [Double](repeating: 0, count: n)
        let work = [Double](unsafeUninitializedCapacity: 2 * n * kw) { work, count in
            let z = work.baseAddress!, y = z + n * kw
            for i in 0..<(2 * n) { (z + i * kw + k).initialize(repeating: 0, count: kw - k) }
            for (i, t) in rows.enumerated() {
                let track = tracks.row(t)
                if let solved {
                    solved.withUnsafeBufferPointer { (z + i * kw).initialize(from: $0.baseAddress! + t * k, count: k) }
                } else {
                    Self.solve(track, gramFactor, k, into: z + i * kw)
                }
                for j in 0..<k { y[i * kw + j] = Double(track[j]) }
            }
            // S = D⁻¹ + U G⁻¹ Uᵀ (its upper triangle, in `CholeskySolve`'s layout) and D⁻¹ c.
            system.withUnsafeMutableBufferPointer { system in
                for i in 0..<n {
                    let scale = 1 / (Double(confidences[i]) - 1)
                    for j in i..<n { system[i * w + j] = Self.dot(z + i * kw, y + j * kw, kw) }
                    system[i * w + i] += scale
                    right[i] = Double(confidences[i]) * scale
                }
            }
            count = 2 * n * kw
        }
        guard CholeskySolve.solveInPlace(&system, &right, dimension: n) else { return nil }
        // x = Σ_i (S⁻¹ D⁻¹ c)_i G⁻¹ y_i.
        return [Float](unsafeUninitializedCapacity: k) { x, count in
            work.withUnsafeBufferPointer { z in
                for j in 0..<k {
                    var sum = 0.0
                    for i in 0..<n { sum += right[i] * z[i * kw + j] }
                    x[j] = Float(sum)
                }
            }
            count = k
        }
    }

    /// `a · b` over `n` values (a multiple of 4), four partial sums (one a lane) added in one
    /// fixed order.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var sum = SIMD4<Double>(), j = 0
        while j < n {
            sum += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD4<Double>.self) * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD4<Double>.self)
            j &+= 4
        }
        return (sum[0] + sum[2]) + (sum[1] + sum[3])
    }
}
