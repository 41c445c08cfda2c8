import CMemory
import FoundationEssentials
import Glibc

/// Multi-class log loss on raw scores (one per class), through the softmax: the loss every
/// multi-class booster here minimises.
///
/// Gradients and hessians are scikit-learn's HistGradientBoosting ones: for class `k` with
/// probability `p`, `p - [y == k]` and `p (1 - p)`.
public enum SoftmaxLoss {
    /// Probabilities from raw scores, in place (`scores` has `classes` values per row).
    @inline(__always)
    public static func softmax(_ scores: UnsafeMutablePointer<Double>, classes: Int) {
        var largest = -Double.infinity
        for k in 0..<classes { largest = max(largest, scores[k]) }
        var sum = 0.0
        for k in 0..<classes {
            scores[k] = exp(scores[k] - largest)
            sum += scores[k]
        }
        for k in 0..<classes { scores[k] /= sum }
    }

    /// The rows of a block of `normalize`'s for `n` rows: a block per core at least (the
    /// embedded data's 8,539 rows are one block of 16,384 otherwise: a serial step between
    /// rounds), whole quads of rows.
    static func normalizerBlock(rows n: Int) -> Int {
        min(16_384, max(1024, (n + Parallel.width - 1) / Parallel.width + 3) & ~3)
    }

    /// Each softmax normaliser of the rows `block` from the class-major raw scores
    /// `scores[k * n + i]` (`rows` per class): the largest score (`largest[i]`) and the sum over
    /// the classes of `e^(score - largest)` (`sums[i]`). Class `k`'s probability of a row is then
    /// one exponential and one division (`pairs`), computed where a class's tree needs it: no
    /// probabilities held for every class and row (730 MB for 800,000 rows and 114 classes).
    /// Eight rows a step in C where the processor has AVX-512 (`msr_normalize_rows`), then four
    /// (`Numerics.exponentials`), then the last ones; the fit's workers take blocks of
    /// `normalizerBlock` rows each.
    ///
    /// With `exponentials` (class-major like the scores), each `e^(score - largest)` is kept
    /// there too, so that `pairs` divides instead of computing it again: the same values, for
    /// the memory of a second copy of the scores (`exponentialsBudget`).
    static func normalize(_ block: Range<Int>, scores: UnsafePointer<Double>, rows n: Int, classes: Int,
                          largest: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>,
                          exponentials kept: UnsafeMutablePointer<Double>?) {
        var i = msr_normalize_rows(scores, n, classes, block.lowerBound, block.upperBound, largest, sums, kept)
        while i + 4 <= block.upperBound {
            let (top, sum) = normalizers(scores + i, stride: n, classes: classes, keeping: kept.map { $0 + i })
            store(top, largest + i)
            store(sum, sums + i)
            i += 4
        }
        if i == block.upperBound { return }
        // The last rows, padded to four with zeros (each lane is computed alone).
        let lanes = block.upperBound - i
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 8 * classes + 8) { padded in
            let base = padded.baseAddress!, values = base + 4 * classes + 8
            base.initialize(repeating: 0, count: 8 * classes + 8)
            for k in 0..<classes { for l in 0..<lanes { base[4 * k + l] = scores[k * n + i + l] } }
            let (top, sum) = normalizers(base, stride: 4, classes: classes, keeping: kept == nil ? nil : values)
            store(top, base + 4 * classes)
            store(sum, base + 4 * classes + 4)
            for l in 0..<lanes {
                largest[i + l] = base[4 * classes + l]
                sums[i + l] = base[4 * classes + 4 + l]
            }
            if let kept {
                for k in 0..<classes { for l in 0..<lanes { kept[k * n + i + l] = values[4 * k + l] } }
            }
        }
    }

    /// The largest of four rows' scores and the sums of `e^(score - largest)`, the rows' scores
    /// of class `k` at `scores + k * stride`; each `e^(score - largest)` also stored at
    /// `keeping + k * stride` when given.
    @inline(__always)
    private static func normalizers(_ scores: UnsafePointer<Double>, stride: Int, classes: Int,
                                    keeping: UnsafeMutablePointer<Double>?) -> (SIMD4<Double>, SIMD4<Double>) {
        var top = SIMD4<Double>(repeating: -.infinity)
        for k in 0..<classes {
            // A compare and a blend (`pointwiseMax` takes a branch per lane for its NaN rules).
            let values = load(scores + k * stride)
            top.replace(with: values, where: values .> top)
        }
        var sum = SIMD4<Double>.zero
        for k in 0..<classes {
            let e = Numerics.exponentials(load(scores + k * stride) - top)
            if let keeping { store(e, keeping + k * stride) }
            sum += e
        }
        return (top, sum)
    }

    /// The most memory `normalize` may keep exponentials in (a copy of the scores): 80 MB for
    /// a million rows of 10 classes; none kept for 800,000 rows of 114 classes.
    public static let exponentialsBudget = 128 << 20

    /// Every row's `(gradient, hessian)` for class `label`, from the class's raw scores and the
    /// rows' normalisers (`normalize`) and labels: with `p` the row's probability of the class
    /// (`e^(score - largest) / sum`), `p - [y == label]` and `p (1 - p)` (at least 1e-16). Four
    /// rows at a time; each row's pair depends on its own values alone.
    ///
    /// With `exponentials` (the class's `e^(score - largest)` that `normalize` kept), those are
    /// divided instead of computed: the same pairs.
    public static func pairs(scores: UnsafePointer<Double>, largest: UnsafePointer<Double>, sums: UnsafePointer<Double>,
                             labels: UnsafePointer<Int32>, label: Int32, rows n: Int, into pairs: UnsafeMutablePointer<SIMD2<Double>>,
                             exponentials: UnsafePointer<Double>? = nil) {
        if let exponentials {
            rowPairs(values: exponentials, largest: largest, sums: sums, labels: labels, label: label, rows: n, into: pairs) { e, _ in e }
        } else {
            rowPairs(values: scores, largest: largest, sums: sums, labels: labels, label: label, rows: n, into: pairs) { s, top in
                Numerics.exponentials(s - top)
            }
        }
    }

    /// `pairs`' loop, `exponential(values, largest)` giving four rows' `e^(score - largest)`.
    @inline(__always)
    private static func rowPairs(values scores: UnsafePointer<Double>, largest: UnsafePointer<Double>, sums: UnsafePointer<Double>,
                                 labels: UnsafePointer<Int32>, label: Int32, rows n: Int, into pairs: UnsafeMutablePointer<SIMD2<Double>>,
                                 exponential: (SIMD4<Double>, SIMD4<Double>) -> SIMD4<Double>) {
        @inline(__always)
        func quad(_ scores: SIMD4<Double>, _ largest: SIMD4<Double>, _ sums: SIMD4<Double>, _ isLabel: SIMD4<Double>)
            -> (SIMD4<Double>, SIMD4<Double>) {
            gradientPairs(probabilities: exponential(scores, largest) / sums, isLabel: isLabel)
        }
        var i = 0
        while i + 4 <= n {
            let (g, h) = quad(load(scores + i), load(largest + i), load(sums + i), isLabel(labels + i, label))
            // Interleaved: (gradient, hessian) of the first row, then of the second, ...
            store(SIMD4(g[0], h[0], g[1], h[1]), UnsafeMutableRawPointer(pairs + i).assumingMemoryBound(to: Double.self))
            store(SIMD4(g[2], h[2], g[3], h[3]), UnsafeMutableRawPointer(pairs + i + 2).assumingMemoryBound(to: Double.self))
            i += 4
        }
        if i == n { return }
        // The last rows, padded to four (each lane is computed alone).
        var s = SIMD4<Double>.zero, top = SIMD4<Double>.zero, sum = SIMD4<Double>(repeating: 1), isLabel = SIMD4<Double>.zero
        for l in 0..<(n - i) {
            s[l] = scores[i + l]
            top[l] = largest[i + l]
            sum[l] = sums[i + l]
            isLabel[l] = labels[i + l] == label ? 1 : 0
        }
        let (g, h) = quad(s, top, sum, isLabel)
        for l in 0..<(n - i) { pairs[i + l] = SIMD2(g[l], h[l]) }
    }

    /// 1 where the four labels from `labels` are `label`, else 0.
    @inline(__always)
    static func isLabel(_ labels: UnsafePointer<Int32>, _ label: Int32) -> SIMD4<Double> {
        SIMD4(labels[0] == label ? 1 : 0, labels[1] == label ? 1 : 0, labels[2] == label ? 1 : 0, labels[3] == label ? 1 : 0)
    }

    /// Four rows' gradients `p - y` and hessians `p(1 - p)` (at least 1e-16) from their
    /// probabilities `p` of the class and `isLabel` (`y`): the softmax's and the logistic loss's.
    @inline(__always)
    static func gradientPairs(probabilities p: SIMD4<Double>, isLabel: SIMD4<Double>) -> (SIMD4<Double>, SIMD4<Double>) {
        let floor = SIMD4<Double>(repeating: 1e-16), spread = p * (1 - p)
        return (p - isLabel, spread.replacing(with: floor, where: spread .< floor))
    }

    /// Four values from `pointer`.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Double>.self)
    }

    /// Four values to `pointer`.
    @inline(__always)
    private static func store(_ values: SIMD4<Double>, _ pointer: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: values, as: SIMD4<Double>.self)
    }

    /// Mean negative log-likelihood of the labels under row-major probabilities, each clipped
    /// to [1e-15, 1 - 1e-15] as scikit-learn's `log_loss` does.
    public static func logLoss(probabilities: [Double], labels: [Int32], classes: Int) -> Double {
        var total = 0.0
        for (i, label) in labels.enumerated() { total -= clippedLog(probabilities[i * classes + Int(label)]) }
        return total / Double(labels.count)
    }

    /// The log of a probability clipped to [1e-15, 1 - 1e-15]: one row's term of `logLoss`.
    @inline(__always)
    static func clippedLog(_ probability: Double) -> Double {
        log(min(max(probability, 1e-15), 1 - 1e-15))
    }
}
