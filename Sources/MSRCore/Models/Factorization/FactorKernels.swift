/// The vector operations of the ALS updates, on Float32 rows padded to a multiple of 8 (the
/// padding holds zeros). A dot product keeps eight partial sums, one per lane, added in one
/// fixed order at the end: the result depends on the inputs alone, never on the thread, and
/// the compiler turns the eight lanes into vector instructions. Written on plain scalars and
/// `while` loops, which stay fast in a debug build (the tests'), where SIMD types are not.
enum FactorKernels {
    /// The lanes of one step; a row's stride is a multiple of it.
    static let lanes = 8

    /// The stride of rows of `factors` values: `factors` rounded up to a multiple of `lanes`.
    static func stride(_ factors: Int) -> Int { (factors + lanes - 1) / lanes * lanes }

    /// `a . b` over `n` values (a multiple of 8).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
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
        return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
    }

    /// `y += a * x` over `n` values.
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var j = 0
        while j < n {
            y[j] += a * x[j]
            j += 1
        }
    }

    /// `p = r + beta * p` over `n` values.
    @inline(__always)
    static func scaleAdd(_ r: UnsafePointer<Float>, _ beta: Float, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        var j = 0
        while j < n {
            p[j] = r[j] + beta * p[j]
            j += 1
        }
    }

    /// `out = sign * M x` for the symmetric `n x n` row-major matrix `M`.
    @inline(__always)
    static func symmetricProduct(_ matrix: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                 _ n: Int, sign: Float = 1) {
        var j = 0
        while j < n {
            out[j] = sign * dot(matrix + j * n, x, n)
            j += 1
        }
    }
}
