/// The vector operations of the ALS updates, on Float32 rows padded to a multiple of 8 (the
/// padding holds zeros). A dot product keeps eight partial sums, one per lane, added in one
/// fixed order at the end: the result depends on the inputs alone, never on the thread.
/// Release builds compute on `SIMD8<Float>` (the compiler's own vectorising of eight scalar
/// sums pairs them two by two, with shuffles: 15% slower fits); debug builds (the tests'), where
/// SIMD types are ten times slower than scalars, on plain scalars in the same order, so both
/// give the same bits (a debug and a release build's factors of the embedded slice compared byte
/// for byte when this was written).
enum FactorKernels {
    /// The lanes of one step; a row's stride is a multiple of it.
    static let lanes = 8

    /// The stride of rows of `factors` values: `factors` rounded up to a multiple of `lanes`.
    static func stride(_ factors: Int) -> Int { (factors + lanes - 1) / lanes * lanes }

    /// `a . b` over `n` values (a multiple of 8).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        #if DEBUG
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0, s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        var j = 0
        while j < n {
            s0 += a[j] * b[j]
            s1 += a[j + 1] * b[j + 1]
            s2 += a[j + 2] * b[j + 2]
            s3 += a[j + 3] * b[j + 3]
            s4 += a[j + 4] * b[j + 4]
            s5 += a[j + 5] * b[j + 5]
            s6 += a[j + 6] * b[j + 6]
            s7 += a[j + 7] * b[j + 7]
            j += 8
        }
        return ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))
        #else
        var sum = SIMD8<Float>()
        var j = 0
        while j < n {
            sum += load(a + j) * load(b + j)
            j += 8
        }
        let half = sum.lowHalf + sum.highHalf
        return (half[0] + half[2]) + (half[1] + half[3])
        #endif
    }

    /// `a[k] . b` for the eight rows `a[0]`, `a[0] + stride`, ... over `n` values, each summed
    /// exactly as `dot` sums it: eight dot products side by side, so each one's additions wait on
    /// its own (one `dot` after another waits on every addition before the next), and each of
    /// `b`'s values loaded once for the eight.
    @inline(__always)
    static func dot8(_ a: UnsafePointer<Float>, stride: Int, _ b: UnsafePointer<Float>, _ n: Int) -> SIMD8<Float> {
        #if DEBUG
        return SIMD8((0..<8).map { dot(a + $0 * stride, b, n) })
        #else
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var s4 = SIMD8<Float>(), s5 = SIMD8<Float>(), s6 = SIMD8<Float>(), s7 = SIMD8<Float>()
        let a1 = a + stride, a2 = a1 + stride, a3 = a2 + stride, a4 = a3 + stride, a5 = a4 + stride
        let a6 = a5 + stride, a7 = a6 + stride
        var j = 0
        while j < n {
            let x = load(b + j)
            s0 += load(a + j) * x
            s1 += load(a1 + j) * x
            s2 += load(a2 + j) * x
            s3 += load(a3 + j) * x
            s4 += load(a4 + j) * x
            s5 += load(a5 + j) * x
            s6 += load(a6 + j) * x
            s7 += load(a7 + j) * x
            j &+= 8
        }
        return SIMD8(lowHalf: totals(s0, s1, s2, s3), highHalf: totals(s4, s5, s6, s7))
        #endif
    }

    #if !DEBUG
    /// Each of four sums' lanes added as `dot` adds them, (lane 0 + lane 2) + (lane 1 + lane 3)
    /// of its halves' sum, the four in vector lanes side by side (a nested function summing one,
    /// which the compiler did not inline, cost a call per track: 2% of the instructions of 1,000
    /// hybrid predictions, 4% of msr-serve's samples under a hybrid load).
    @inline(__always)
    private static func totals(_ s0: SIMD8<Float>, _ s1: SIMD8<Float>, _ s2: SIMD8<Float>, _ s3: SIMD8<Float>) -> SIMD4<Float> {
        let h0 = s0.lowHalf + s0.highHalf, h1 = s1.lowHalf + s1.highHalf
        let h2 = s2.lowHalf + s2.highHalf, h3 = s3.lowHalf + s3.highHalf
        let p = SIMD4(h0[0], h1[0], h0[1], h1[1]) + SIMD4(h0[2], h1[2], h0[3], h1[3])
        let q = SIMD4(h2[0], h3[0], h2[1], h3[1]) + SIMD4(h2[2], h3[2], h2[3], h3[3])
        return SIMD4(p[0], p[1], q[0], q[1]) + SIMD4(p[2], p[3], q[2], q[3])
    }
    #endif

    /// `y += a * x` over `n` values (a multiple of 8).
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        #if DEBUG
        var j = 0
        while j < n {
            y[j] += a * x[j]
            j += 1
        }
        #else
        let scale = SIMD8<Float>(repeating: a)
        var j = 0
        while j < n {
            UnsafeMutableRawPointer(y + j).storeBytes(of: load(y + j) + scale * load(x + j), as: SIMD8<Float>.self)
            j += 8
        }
        #endif
    }

    #if !DEBUG
    /// The eight values at `p`.
    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    #endif

    /// `p = r + beta * p` over `n` values.
    @inline(__always)
    static func scaleAdd(_ r: UnsafePointer<Float>, _ beta: Float, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        var j = 0
        while j < n {
            p[j] = r[j] + beta * p[j]
            j += 1
        }
    }

    /// `out += Σ_k weight(k, y_k · v) y_k` over the pairs `range` of a sparse row, `y_k` being
    /// the row `columns[k]` of `y`. The dots of a chunk of `chunk` pairs are all taken before
    /// the chunk's axpys (into `weights`, `chunk` values), so independent dots overlap in the
    /// pipeline instead of each axpy waiting for its dot; the arithmetic and its order are those
    /// of one dot and one axpy per pair.
    @inline(__always)
    static func accumulate(_ range: Range<Int>, columns: UnsafeBufferPointer<Int32>, y: UnsafePointer<Float>,
                           _ v: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int,
                           weights: UnsafeMutablePointer<Float>, chunk: Int, weight: (Int, Float) -> Float) {
        var start = range.lowerBound
        while start < range.upperBound {
            let end = Swift.min(start + chunk, range.upperBound)
            var k = start
            while k < end {
                weights[k - start] = weight(k, dot(y + Int(columns[k]) * n, v, n))
                k += 1
            }
            k = start
            while k < end {
                axpy(weights[k - start], y + Int(columns[k]) * n, out, n)
                k += 1
            }
            start = end
        }
    }

    /// `out = sign * M x` for the symmetric `n x n` row-major matrix `M`: the sum of its rows
    /// (its columns) scaled by `x`, axpys without a horizontal sum.
    @inline(__always)
    static func symmetricProduct(_ matrix: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                 _ n: Int, sign: Float = 1) {
        out.update(repeating: 0, count: n)
        var j = 0
        while j < n {
            axpy(sign * x[j], matrix + j * n, out, n)
            j += 1
        }
    }
}
