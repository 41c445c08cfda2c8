/// The lower Cholesky factor of a symmetric positive definite `d x d` matrix (row-major), or
/// `nil` when the matrix is not positive definite.
func choleskyLower(_ matrix: [Double], dimension d: Int) -> [Double]? {
    var lower = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
        for j in 0...i {
            var sum = matrix[i * d + j]
            for k in 0..<j { sum -= lower[i * d + k] * lower[j * d + k] }
            if i == j {
                guard sum > 0 else { return nil }
                lower[i * d + i] = sum.squareRoot()
            } else {
                lower[i * d + j] = sum / lower[j * d + j]
            }
        }
    }
    return lower
}
