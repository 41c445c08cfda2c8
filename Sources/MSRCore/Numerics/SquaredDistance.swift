extension Numerics {
    /// The squared Euclidean distance between the `dimension` values at `a[aStart...]` and at
    /// `b[bStart...]`, summed in index order (points are rows of row-major buffers).
    @inline(__always)
    public static func squaredDistance(_ a: UnsafeBufferPointer<Double>, _ aStart: Int,
                                       _ b: UnsafeBufferPointer<Double>, _ bStart: Int, dimension: Int) -> Double {
        var sum = 0.0
        for j in 0..<dimension {
            let delta = a[aStart + j] - b[bStart + j]
            sum += delta * delta
        }
        return sum
    }
}
