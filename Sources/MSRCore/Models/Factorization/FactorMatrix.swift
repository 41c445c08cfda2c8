/// Dense Float32 factors, one row per playlist or track, each row padded with zeros to a
/// multiple of 8 values (`FactorKernels`): one contiguous buffer that the row updates write
/// concurrently, each thread its own rows; or the rows of a factors file, read in place.
final class FactorMatrix: @unchecked Sendable {
    let rows: Int
    let factors: Int
    /// Values per row in memory: `factors` rounded up to a multiple of 8.
    let stride: Int
    /// The values; a mapped matrix's are the file's pages, mapped read-only: never written.
    let storage: UnsafeMutablePointer<Float>
    /// The mapping a matrix read in place lives in (nil: the storage is the matrix's own).
    private let region: MappedRegion?

    /// Zeros.
    init(rows: Int, factors: Int) {
        self.rows = rows
        self.factors = factors
        stride = FactorKernels.stride(factors)
        storage = .allocate(capacity: Swift.max(1, rows * stride))
        storage.initialize(repeating: 0, count: Swift.max(1, rows * stride))
        region = nil
    }

    /// Rows of `factors` values, packed (`packed()`'s layout).
    convenience init(packed values: [Float], factors: Int) {
        self.init(rows: values.count / factors, factors: factors)
        values.withUnsafeBufferPointer { values in
            for i in 0..<rows { (storage + i * stride).update(from: values.baseAddress! + i * factors, count: factors) }
        }
    }

    /// The `rows` padded rows at byte `offset` of `region` (4-byte aligned, within its bounds:
    /// checked by the caller), read in place.
    init(region: MappedRegion, offset: Int, rows: Int, factors: Int) {
        self.rows = rows
        self.factors = factors
        stride = FactorKernels.stride(factors)
        precondition(offset % 4 == 0 && offset + rows * stride * 4 <= region.bytes.count)
        if rows == 0 {
            storage = .allocate(capacity: 1)
            storage.initialize(to: 0)
            self.region = nil
        } else {
            storage = UnsafeMutablePointer(mutating: (region.bytes.baseAddress! + offset).assumingMemoryBound(to: Float.self))
            self.region = region
        }
    }

    deinit {
        if region == nil { storage.deallocate() }
    }

    /// Row `i`'s `stride` values.
    @inline(__always)
    func row(_ i: Int) -> UnsafeMutablePointer<Float> { storage + i * stride }

    /// Every value uniform in [0, `scale`), as implicit starts its factors: value `j` of the
    /// packed rows is draw `offset + j` of SplitMix64(`seed`), so that rows can be filled
    /// concurrently and the result does not depend on the threads.
    func fillUniform(seed: UInt64, offset: UInt64, scale: Float, workers: Int) {
        let factors = factors
        _ = Parallel.blocks(rows, size: 1024, workers: workers, scratch: {}) { _, block in
            var generator = SplitMix64(seed: seed, skipping: offset + UInt64(block.lowerBound * factors))
            for i in block {
                let row = self.row(i)
                for j in 0..<factors { row[j] = Float(generator.unit()) * scale }
            }
        }
    }

    /// The rows without their padding, row-major `rows x factors`.
    func packed() -> [Float] {
        var values = [Float](repeating: 0, count: rows * factors)
        for i in 0..<rows {
            for j in 0..<factors { values[i * factors + j] = storage[i * stride + j] }
        }
        return values
    }

    /// `FᵀF + regularization I`, `stride x stride` row-major (zero beyond `factors`): the sum
    /// over blocks of 4,096 rows, each block's in Float32 and the blocks' in Float64, in block
    /// order.
    func gram(regularization: Float = 0, workers: Int) -> [Float] {
        let (stride, factors) = (stride, factors)
        let partials = Parallel.blocks(rows, size: 4096, workers: workers, scratch: {}) { _, block -> [Float] in
            var sum = [Float](repeating: 0, count: stride * stride)
            let storage = self.storage
            sum.withUnsafeMutableBufferPointer { out in
                for i in block {
                    let y = storage + i * stride
                    for j in 0..<factors where y[j] != 0 {
                        FactorKernels.axpy(y[j], y, out.baseAddress! + j * stride, stride)
                    }
                }
            }
            return sum
        }
        var total = [Double](repeating: 0, count: stride * stride)
        for partial in partials {
            for k in 0..<total.count { total[k] += Double(partial[k]) }
        }
        var gram = total.map(Float.init)
        for j in 0..<factors { gram[j * stride + j] += regularization }
        return gram
    }

    /// `FᵀF` (`gram()`), `factors x factors` row-major without the padding.
    func packedGram(workers: Int) -> [Float] {
        let gram = gram(workers: workers)
        return (0..<factors * factors).map { gram[($0 / factors) * stride + $0 % factors] }
    }

    /// Whether every value is a finite number: the sum of every `x - x`, eight lanes at a time,
    /// is zero, since `x - x` is 0 for a finite `x` and NaN for an infinity or a NaN (no branch
    /// per value: a million tracks' factors are checked at load).
    var isFinite: Bool {
        var sum = SIMD8<Float>()
        let count = rows * stride
        var i = 0
        while i < count {
            let values = UnsafeRawPointer(storage + i).loadUnaligned(as: SIMD8<Float>.self)
            sum += values - values
            i += 8
        }
        return sum == SIMD8<Float>()
    }

    /// Whether every row's padding (the values after `factors`) is zero.
    var paddingIsZero: Bool {
        factors == stride || (0..<rows).allSatisfy { i in (factors..<stride).allSatisfy { storage[i * stride + $0] == 0 } }
    }
}
