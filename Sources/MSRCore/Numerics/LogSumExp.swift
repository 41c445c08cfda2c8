import FoundationEssentials
import Glibc

extension Numerics {
    /// `log(sum(exp(values)))` without overflow: the largest value is taken out before the
    /// exponentials (scipy's `logsumexp`). `count` values from `values`.
    @inline(__always)
    public static func logSumExp(_ values: UnsafePointer<Double>, count: Int) -> Double {
        var largest = -Double.infinity
        for k in 0..<count { largest = max(largest, values[k]) }
        var sum = 0.0
        for k in 0..<count { sum += exp(values[k] - largest) }
        return largest + log(sum)
    }
}
