/// A row's `(gradient, hessian)` as a tree grower reads it: in Float64 (`SIMD2<Double>`, the
/// softmax fit's) or in Float32 (`FloatPair`, the one-vs-rest fit's: half the memory a row);
/// summed in Float64 either way.
protocol GradientPair: BitwiseCopyable {
    /// The pair in Float64.
    var wide: SIMD2<Double> { get }
}

extension SIMD2: GradientPair where Scalar == Double {
    @inline(__always) var wide: SIMD2<Double> { self }
}

/// A `(gradient, hessian)` pair in Float32.
struct FloatPair: GradientPair {
    var pair: SIMD2<Float>

    @inline(__always) var wide: SIMD2<Double> { SIMD2<Double>(pair) }
}
