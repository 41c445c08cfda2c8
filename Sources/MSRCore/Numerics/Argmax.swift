extension Numerics {
    /// The index of the largest of each row's `width` values (row-major), the first on ties, as
    /// numpy's `argmax(axis=1)`.
    public static func argmax(_ values: [Double], width: Int) -> [Int32] {
        precondition(width > 0)
        return (0..<(values.count / width)).map { i in
            var best = 0
            for k in 1..<width where values[i * width + k] > values[i * width + best] { best = k }
            return Int32(best)
        }
    }
}
