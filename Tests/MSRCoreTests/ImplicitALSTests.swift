@testable import MSRCore
import MSRTestSupport
import XCTest

/// Implicit ALS: the row updates against the normal equations solved by hand, the loss against
/// its definition summed over every pair, the fold-in, BM25, and the same bytes on any number
/// of threads.
final class ImplicitALSTests: XCTestCase {
    /// `playlists` playlists of 3 to 12 tracks among `tracks`, each drawn around one of four
    /// groups of tracks (so that the factors have structure to find); every track is in one.
    static func matrix(playlists: Int, tracks: Int, seed: UInt64 = 7) -> InteractionMatrix {
        var generator = SplitMix64(seed: seed)
        var starts = [0], members: [Int32] = []
        for p in 0..<playlists {
            let group = p % 4
            for _ in 0..<(3 + generator.below(10)) {
                let track = generator.unit() < 0.8 ? (group * tracks / 4 + generator.below(tracks / 4)) : generator.below(tracks)
                members.append(Int32(track))
            }
            starts.append(members.count)
        }
        // Every track in some playlist, as in msr's matrices (tracks are the ones seen).
        members += (0..<Int32(tracks)).map { $0 }
        starts.append(members.count)
        return InteractionMatrix(starts: starts, tracks: members, trackCount: tracks)
    }

    /// The normal equations of row `u` of `confidences` against `y`, solved in Float64 by
    /// Gaussian elimination: what every update must give.
    static func exactRow(_ u: Int, confidences: SparseRows, y: FactorMatrix, regularization: Double) -> [Double] {
        let k = y.factors
        var a = [Double](repeating: 0, count: k * k), b = [Double](repeating: 0, count: k)
        for i in 0..<y.rows {
            for j in 0..<k { for m in 0..<k { a[j * k + m] += Double(y.row(i)[j]) * Double(y.row(i)[m]) } }
        }
        for j in 0..<k { a[j * k + j] += regularization }
        for index in confidences.range(u) {
            let row = y.row(Int(confidences.columns[index])), c = Double(abs(confidences.values[index]))
            for j in 0..<k {
                if confidences.values[index] > 0 { b[j] += c * Double(row[j]) }
                for m in 0..<k { a[j * k + m] += (c - 1) * Double(row[j]) * Double(row[m]) }
            }
        }
        // Gaussian elimination with partial pivoting.
        for column in 0..<k {
            let pivot = (column..<k).max { abs(a[$0 * k + column]) < abs(a[$1 * k + column]) }!
            for m in 0..<k { a.swapAt(column * k + m, pivot * k + m) }
            b.swapAt(column, pivot)
            for row in (column + 1)..<k {
                let factor = a[row * k + column] / a[column * k + column]
                for m in column..<k { a[row * k + m] -= factor * a[column * k + m] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: k)
        for row in stride(from: k - 1, through: 0, by: -1) {
            var sum = b[row]
            for m in (row + 1)..<k { sum -= a[row * k + m] * x[m] }
            x[row] = sum / a[row * k + row]
        }
        return x
    }

    /// The largest difference between two sets of rows, relative to each value (at least 1).
    static func largestDifference(_ a: [Float], _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
    }

    func testBothUpdatesSolveTheNormalEquationsAndConjugateGradientReachesTheExactSolve() {
        let matrix = Self.matrix(playlists: 24, tracks: 40)
        let k = 6
        let y = FactorMatrix(rows: matrix.trackCount, factors: k)
        y.fillUniform(seed: 3, offset: 0, scale: 0.5, workers: 1)
        let confidences = ImplicitALS.confidences(matrix.byPlaylist, alpha: 40)
        let expected = (0..<matrix.playlistCount).flatMap { Self.exactRow($0, confidences: confidences, y: y, regularization: 0.1) }

        let exact = FactorMatrix(rows: matrix.playlistCount, factors: k)
        XCTAssertNil(CholeskyUpdate.update(exact, from: y, confidences: confidences, regularization: 0.1, workers: 2))
        XCTAssertLessThan(Self.largestDifference(exact.packed(), expected), 1e-5, "the Cholesky solve")

        func conjugateGradient(steps: Int) -> [Float] {
            let x = FactorMatrix(rows: matrix.playlistCount, factors: k)
            x.fillUniform(seed: 5, offset: 0, scale: 0.01, workers: 1)
            ConjugateGradientUpdate.update(x, from: y, confidences: confidences, regularization: 0.1, steps: steps, workers: 2)
            return x.packed()
        }
        XCTAssertLessThan(Self.largestDifference(conjugateGradient(steps: 3 * k), expected), 1e-3,
                          "k steps solve a k x k system, a few more absorb the rounding")
        XCTAssertGreaterThan(Self.largestDifference(conjugateGradient(steps: 1), expected), 1e-2, "one step does not")
    }

    /// The loss the fit reports is implicit's definition, summed here over every pair.
    func testTheLossIsTheConfidenceWeightedErrorOverEveryPair() {
        let matrix = Self.matrix(playlists: 20, tracks: 16)
        let k = 4
        let x = FactorMatrix(rows: matrix.playlistCount, factors: k), y = FactorMatrix(rows: matrix.trackCount, factors: k)
        x.fillUniform(seed: 1, offset: 0, scale: 0.6, workers: 1)
        y.fillUniform(seed: 2, offset: 0, scale: 0.6, workers: 1)
        let confidences = ImplicitALS.confidences(matrix.byPlaylist, alpha: 40)
        var sum = 0.0, weights = 0.0, norms = 0.0
        for p in 0..<x.rows {
            for t in 0..<y.rows {
                let entry = confidences.range(p).first { confidences.columns[$0] == Int32(t) }
                let c = entry.map { Double(abs(confidences.values[$0])) } ?? 1
                let preference = entry.map { confidences.values[$0] > 0 ? 1.0 : 0 } ?? 0
                let score = (0..<k).reduce(0.0) { $0 + Double(x.row(p)[$1]) * Double(y.row(t)[$1]) }
                sum += c * (preference - score) * (preference - score)
                weights += c
            }
        }
        for p in 0..<x.rows { for j in 0..<k { norms += Double(x.row(p)[j] * x.row(p)[j]) } }
        for t in 0..<y.rows { for j in 0..<k { norms += Double(y.row(t)[j] * y.row(t)[j]) } }
        let expected = (sum + 0.5 * norms) / weights
        XCTAssertEqual(ImplicitALS.loss(confidences, x, y, regularization: 0.5, workers: 2), expected, accuracy: expected * 1e-5)
    }

    func testTheLossFallsAtEveryIteration() throws {
        let matrix = Self.matrix(playlists: 120, tracks: 80)
        for solver in FactorizeParams.Solver.allCases {
            var params = FactorizeParams()
            params.factors = 8
            params.iterations = 12
            params.solver = solver
            var reported: [Double] = []
            let fit = try ImplicitALS(params: params).fit(matrix, workers: 2) { iteration, loss in
                XCTAssertEqual(iteration, reported.count + 1)
                reported.append(loss)
            }
            XCTAssertEqual(fit.losses, reported)
            XCTAssertEqual(fit.losses.count, 12)
            for (before, after) in zip(fit.losses, fit.losses.dropFirst()) {
                XCTAssertLessThan(after, before, "\(solver): \(fit.losses)")
            }
            XCTAssertLessThan(fit.losses.last!, fit.losses.first! * 0.9, "\(solver) learns something")
        }
    }

    /// A training playlist folded in from its tracks gets (nearly) the factor the fit gave it,
    /// and exactly the playlist's next exact update from the fitted track factors (the same
    /// confidences, BM25 weights included).
    func testTheFoldInOfATrainingPlaylistGivesItsTrainedFactor() throws {
        let plain = Self.matrix(playlists: 80, tracks: 60)
        for (solver, bm25) in [(FactorizeParams.Solver.cg, false), (.cholesky, false), (.cg, true)] {
            var params = FactorizeParams()
            params.factors = 6
            params.iterations = 40
            params.regularization = 0.1
            params.solver = solver
            params.bm25 = bm25
            let matrix = bm25 ? plain.weightedByBM25() : plain
            let fit = try ImplicitALS(params: params).fit(matrix, workers: 2)
            let model = TrackFactors(uris: TextColumn((0..<60).map { String(format: "%022d", $0) }), playlistCounts: matrix.playlistsPerTrack,
                                     factors: fit.trackFactors, params: params, playlists: matrix.playlistCount, pairs: matrix.pairCount)
            let foldIn = FoldIn(model)
            let next = FactorMatrix(rows: matrix.playlistCount, factors: 6)
            XCTAssertNil(CholeskyUpdate.update(next, from: FactorMatrix(packed: fit.trackFactors, factors: 6),
                                               confidences: ImplicitALS.confidences(matrix.byPlaylist, alpha: 40), regularization: 0.1,
                                               workers: 1))
            for p in [0, 1, 17, 42, 79] {
                let rows = matrix.byPlaylist.range(p).map { Int(matrix.byPlaylist.columns[$0]) }
                // Repeats count once, as in the matrix.
                let folded = try XCTUnwrap(foldIn.factor(rows: rows + rows.prefix(2)))
                let trained = Array(fit.playlistFactors[(p * 6)..<((p + 1) * 6)])
                let error = zip(folded, trained).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +).squareRoot()
                let norm = trained.map { Double($0 * $0) }.reduce(0, +).squareRoot()
                XCTAssertLessThan(error, 0.02 * norm, "\(solver), bm25 \(bm25), playlist \(p): \(folded) vs \(trained)")
                let exact = (0..<6).map { Double(next.row(p)[$0]) }
                XCTAssertLessThan(Self.largestDifference(folded, exact), 1e-5, "\(solver), bm25 \(bm25), playlist \(p)")
            }
            XCTAssertEqual(foldIn.factor(rows: []), [Float](repeating: 0, count: 6), "no track: zeros, as implicit")
        }
    }

    /// A playlist of fewer distinct tracks than factors is solved through a system of its own
    /// size (`LowRankFoldIn`): the full solve's factor within rounding, the very same bits
    /// whether the model's tracks were solved at load or as asked; larger playlists, and pairs of
    /// confidence 1 or less, take the full solve.
    func testASmallPlaylistsSolveOfItsOwnSizeGivesTheFullSolvesFactor() throws {
        let matrix = Self.matrix(playlists: 120, tracks: 300)
        var params = FactorizeParams()
        params.factors = 24
        params.iterations = 6
        params.regularization = 0.01
        let fit = try ImplicitALS(params: params).fit(matrix, workers: 2)
        let model = TrackFactors(uris: TextColumn((0..<300).map { String(format: "%022d", $0) }), playlistCounts: matrix.playlistsPerTrack,
                                 factors: fit.trackFactors, params: params, playlists: matrix.playlistCount, pairs: matrix.pairCount)
        let asked = FoldIn(model), prepared = FoldIn(model, prepared: true)
        let lowRank = try XCTUnwrap(asked.lowRank)
        XCTAssertEqual([asked.lowRank?.isPrepared, prepared.lowRank?.isPrepared], [false, true])
        // Over the limit of values solved at load, tracks are solved as asked.
        let overLimit = try XCTUnwrap(LowRankFoldIn(gram: asked.gram, tracks: asked.tracks, prepared: true, limit: 300 * 24 - 1))
        XCTAssertFalse(overLimit.isPrepared)
        XCTAssertEqual(LowRankFoldIn(gram: asked.gram, tracks: asked.tracks, prepared: true, limit: 300 * 24)?.isPrepared, true)
        var generator = SplitMix64(seed: 11)
        for size in [1, 2, 5, 12, 20, 23, 24, 25, 40] {
            var rows = [Int]()
            while rows.count < size { rows = (rows + [generator.below(300)]).sortedUnique() }
            let confidences = [Float](repeating: 41, count: size)
            let full = try XCTUnwrap(asked.fullFactor(rows: rows, confidences: confidences))
            let factor = try XCTUnwrap(asked.factor(rows: rows + rows.prefix(3)))
            XCTAssertEqual(prepared.factor(rows: rows), factor, "\(size) tracks: the same bits")
            XCTAssertEqual(overLimit.factor(rows: rows, confidences: confidences) ?? full, factor, "\(size) tracks")
            XCTAssertEqual(lowRank.factor(rows: rows, confidences: confidences) ?? full, factor, "\(size) tracks")
            XCTAssertEqual(lowRank.factor(rows: rows, confidences: confidences) == nil, size >= 24, "\(size) tracks")
            XCTAssertLessThan(Self.largestDifference(factor, full.map(Double.init)), 2e-5, "\(size) tracks: \(factor) vs \(full)")
            if size < 24 {
                var weighted = confidences
                weighted[0] = -1
                XCTAssertNil(lowRank.factor(rows: rows, confidences: weighted), "a pair of weight 0")
                weighted[0] = 1
                XCTAssertNil(lowRank.factor(rows: rows, confidences: weighted), "a pair of confidence 1")
            }
        }
        params.regularization = 0
        let singular = TrackFactors(uris: model.uris, playlistCounts: model.playlistCounts, factors: [Float](repeating: 0, count: 300 * 24),
                                    params: params, playlists: model.playlists, pairs: model.pairs)
        XCTAssertNil(FoldIn(singular).lowRank, "YᵀY + λI not positive definite")
        XCTAssertNil(FoldIn(singular).factor(rows: [3]), "as the full solve")
    }

    func testBM25WeightsByHand() {
        // Tracks 0..4; playlists {0, 1}, {0}, {0, 1, 2}, {3, 4, 3}: track lengths 3, 2, 1, 1, 1 (mean 1.6).
        let matrix = InteractionMatrix(starts: [0, 2, 3, 6, 9], tracks: [1, 0, 0, 2, 1, 0, 3, 4, 3], trackCount: 5)
        XCTAssertEqual(matrix.byPlaylist.columns, [0, 1, 0, 0, 1, 2, 3, 4], "sorted, a repeat once")
        XCTAssertEqual(matrix.playlistsPerTrack, [3, 2, 1, 1, 1])
        let weighted = matrix.weightedByBM25()
        // (K1 + 1) / (K1 * norm_t + 1) * idf_p, norm_t = 0.2 + 0.8 * length_t / 1.6, idf_p = ln 5 - ln(1 + pairs_p).
        let norm = [0.2 + 0.8 * 3 / 1.6, 0.2 + 0.8 * 2 / 1.6, 0.2 + 0.8 / 1.6, 0.2 + 0.8 / 1.6, 0.2 + 0.8 / 1.6]
        let idf = [log(5.0) - log(3.0), log(5.0) - log(2.0), log(5.0) - log(4.0), log(5.0) - log(3.0)]
        let pairs: [(p: Int, t: Int)] = [(0, 0), (0, 1), (1, 0), (2, 0), (2, 1), (2, 2), (3, 3), (3, 4)]
        for (k, pair) in pairs.enumerated() {
            XCTAssertEqual(Double(weighted.byPlaylist.values[k]), 101 / (100 * norm[pair.t] + 1) * idf[pair.p], accuracy: 1e-6, "\(pair)")
        }
        XCTAssertEqual(Double(weighted.byPlaylist.values[0]), 0.3017157193003804, accuracy: 1e-6, "implicit's bm25_weight")
        XCTAssertEqual(Double(weighted.byPlaylist.values[5]), 0.3174295589117631, accuracy: 1e-6)
        XCTAssertEqual(weighted.byTrack, weighted.byPlaylist.transposed(), "both orders carry the same weights")
        XCTAssertEqual(weighted.byTrack.values[0], weighted.byPlaylist.values[0], "track 0, playlist 0")
    }

    func testTheTransposeListsEachColumnsRowsInOrder() {
        let rows = SparseRows(rowCount: 3, columnCount: 4, starts: [0, 2, 2, 5], columns: [1, 3, 0, 1, 2], values: [1, 2, 3, 4, 5])
        let columns = rows.transposed()
        XCTAssertEqual(columns.starts, [0, 1, 3, 4, 5])
        XCTAssertEqual(columns.columns, [2, 0, 2, 2, 0])
        XCTAssertEqual(columns.values, [3, 1, 4, 5, 2])
        XCTAssertEqual(columns.transposed(), rows)
    }

    /// Each row's update reads the other side alone and every sum runs in a fixed order: the
    /// same seed gives the same factors and loss on one thread or many, and another seed others.
    func testTheFitIsTheSameOnAnyNumberOfThreads() throws {
        let matrix = Self.matrix(playlists: 300, tracks: 120)
        for solver in FactorizeParams.Solver.allCases {
            var params = FactorizeParams()
            params.factors = 10
            params.iterations = 3
            params.solver = solver
            let one = try ImplicitALS(params: params).fit(matrix, workers: 1)
            XCTAssertEqual(try ImplicitALS(params: params).fit(matrix, workers: 2), one, "\(solver)")
            XCTAssertEqual(try ImplicitALS(params: params).fit(matrix, workers: 7), one, "\(solver)")
            params.randomState = 43
            XCTAssertNotEqual(try ImplicitALS(params: params).fit(matrix, workers: 2).trackFactors, one.trackFactors)
        }
    }

    /// The start is implicit's: uniform in [0, 0.01), the playlists' values first, the same
    /// draws however the rows are split between threads.
    func testTheStartIsSeededAndIndependentOfTheThreads() {
        let a = FactorMatrix(rows: 3000, factors: 5), b = FactorMatrix(rows: 3000, factors: 5)
        a.fillUniform(seed: 42, offset: 10, scale: 0.01, workers: 1)
        b.fillUniform(seed: 42, offset: 10, scale: 0.01, workers: 3)
        XCTAssertEqual(a.packed(), b.packed())
        var generator = SplitMix64(seed: 42)
        for _ in 0..<10 { _ = generator.next() }
        XCTAssertEqual(a.packed()[0], Float(generator.unit()) * 0.01)
        XCTAssertTrue(a.packed().allSatisfy { $0 >= 0 && $0 <= 0.01 })
        XCTAssertEqual(a.row(0)[5], 0, "the padding holds zeros")
    }

    func testTheExactSolverRefusesEquationsThatAreNotPositiveDefinite() {
        var a = Self.laidOut([1, 2, 2, 1], 2), b: [Double] = [1, 1]
        XCTAssertFalse(CholeskySolve.solveInPlace(&a, &b, dimension: 2), "[[1, 2], [2, 1]] is indefinite")
        a = Self.laidOut([4, 2, 2, 5], 2)
        b = [2, 6]
        XCTAssertTrue(CholeskySolve.solveInPlace(&a, &b, dimension: 2))
        XCTAssertEqual(b[0], -0.125, accuracy: 1e-12)
        XCTAssertEqual(b[1], 1.25, accuracy: 1e-12)
        // Tracks whose factors are all zero and no regularization: nothing to solve against.
        let matrix = InteractionMatrix(starts: [0, 1, 1, 3], tracks: [0, 0, 1], trackCount: 2)
        let x = FactorMatrix(rows: 3, factors: 3), y = FactorMatrix(rows: 2, factors: 3)
        let confidences = ImplicitALS.confidences(matrix.byPlaylist, alpha: 40)
        XCTAssertEqual(CholeskyUpdate.update(x, from: y, confidences: confidences, regularization: 0, workers: 1), 0)
        XCTAssertNil(CholeskyUpdate.update(x, from: y, confidences: confidences, regularization: 0.01, workers: 1))
        XCTAssertEqual(FactorizationError.notPositiveDefinite(side: "playlist", row: 0).message,
                       "factorize: the normal equations of playlist 0 are not positive definite: raise factorize.regularization "
                       + "or use factorize.solver cg")
    }

    /// The factorisation runs on the upper triangle, row by row of `U = Lᵀ`, each entry taking
    /// its terms in the order of the plain row-by-row Cholesky of the lower triangle, and so does
    /// the substitution: the same bits as those, at every dimension (vector widths and their
    /// remainders), and the same refusal.
    func testTheExactSolverGivesThePlainCholeskysBits() {
        func plain(_ a: inout [Double], _ b: inout [Double], _ d: Int) -> Bool {
            for i in 0..<d {
                for j in 0...i {
                    var sum = a[i * d + j]
                    for m in 0..<j { sum -= a[i * d + m] * a[j * d + m] }
                    if i == j {
                        guard sum > 0, sum.isFinite else { return false }
                        a[i * d + i] = sum.squareRoot()
                    } else {
                        a[i * d + j] = sum / a[j * d + j]
                    }
                }
            }
            for i in 0..<d {
                var sum = b[i]
                for m in 0..<i { sum -= a[i * d + m] * b[m] }
                b[i] = sum / a[i * d + i]
            }
            for i in stride(from: d - 1, through: 0, by: -1) {
                var sum = b[i]
                for m in (i + 1)..<d { sum -= a[m * d + i] * b[m] }
                b[i] = sum / a[i * d + i]
            }
            return true
        }
        var generator = SplitMix64(seed: 17)
        for d in [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 31, 64, 70] {
            // A = M Mᵀ + d I: positive definite; then one made indefinite.
            let m = (0..<(d * d)).map { _ in generator.unit() - 0.5 }
            var a = [Double](repeating: 0, count: d * d)
            for i in 0..<d { for j in 0..<d { a[i * d + j] = (0..<d).reduce(i == j ? Double(d) : 0) { $0 + m[i * d + $1] * m[j * d + $1] } } }
            let b = (0..<d).map { _ in generator.unit() }
            var (a1, b1, a2, b2) = (a, b, Self.laidOut(a, d), b)
            XCTAssertTrue(plain(&a1, &b1, d))
            XCTAssertTrue(CholeskySolve.solveInPlace(&a2, &b2, dimension: d))
            let w = CholeskySolve.stride(d)
            XCTAssertTrue((0..<d).allSatisfy { i in (d..<w).allSatisfy { a2[i * w + $0] == 0 } }, "the padding stays zero")
            let lower = (0..<d).flatMap { i in (0...i).map { a1[i * d + $0].bitPattern } }
            XCTAssertEqual((0..<d).flatMap { i in (0...i).map { a2[$0 * w + i].bitPattern } }, lower, "dimension \(d)")
            XCTAssertEqual(b2.map(\.bitPattern), b1.map(\.bitPattern), "dimension \(d)")
            var bad = a
            bad[(d - 1) * d + (d - 1)] = -1
            var (a3, b3) = (Self.laidOut(bad, d), b)
            XCTAssertFalse(CholeskySolve.solveInPlace(&a3, &b3, dimension: d), "dimension \(d)")
        }
    }

    /// The equations' entries take their pairs' terms in batches held in registers: the same bits
    /// as one pair after another adding `((C - 1) y_j) y_m` to every entry (and `C p y_j` to the
    /// right side), across batch boundaries, factor counts around the vector width, and negative
    /// confidences (a pair not preferred).
    func testTheEquationsAreThePairByPairSumsBitForBit() {
        var generator = SplitMix64(seed: 23)
        for k in [1, 3, 4, 5, 8, 10, 16, 64, 65] {
            let stride = FactorKernels.stride(k)
            let gramValues = (0..<(stride * stride)).map { _ in Float(generator.unit()) }
            var gram = gramValues
            for i in 0..<k { gram[i * stride + i] += Float(k) }  // positive definite with the pairs' terms
            for count in [0, 1, 15, 16, 17, 40] {
                var rows = (0..<(count * stride)).map { _ in Float(generator.unit() - 0.5) }
                for p in 0..<count { for j in k..<stride { rows[p * stride + j] = 0 } }
                let values = (0..<count).map { _ in Float(generator.unit() * 80 - 20) }
                // The reference: one pair after another into every entry of the lower triangle.
                var a = [Double](repeating: 0, count: k * k), b = [Double](repeating: 0, count: k)
                for j in 0..<k { for m in 0...j { a[j * k + m] = Double(gram[j * stride + m]) } }
                // The solver reads the upper triangle: the lower one's sums mirrored into it.
                for p in 0..<count {
                    let confidence = Double(abs(values[p])), preferred = values[p] > 0 ? Double(values[p]) : 0
                    for j in 0..<k {
                        let yj = Double(rows[p * stride + j])
                        b[j] += preferred * yj
                        let scale = (confidence - 1) * yj
                        for m in 0...j { a[j * k + m] += scale * Double(rows[p * stride + m]) }
                    }
                }
                for j in 0..<k { for m in 0..<j { a[m * k + j] = a[j * k + m] } }
                var expected = [Float](repeating: 0, count: stride)
                a = Self.laidOut(a, k)
                if count > 0, CholeskySolve.solveInPlace(&a, &b, dimension: k) {
                    for j in 0..<k { expected[j] = Float(b[j]) }
                }
                var out = [Float](repeating: .nan, count: stride)
                let equations = CholeskyUpdate.Equations(factors: k)
                let solved = rows.withUnsafeMutableBufferPointer { rows in
                    equations.solve(gram: gram, stride: stride, pairs: (0..<count).map { (rows.baseAddress! + $0 * stride, values[$0]) },
                                    into: &out)
                }
                XCTAssertTrue(solved, "factors \(k), pairs \(count)")
                XCTAssertEqual(out.map(\.bitPattern), expected.map(\.bitPattern), "factors \(k), pairs \(count)")
                guard count > 0 else { continue }
                // The Float64 factor and solution too, which the Float32 factor's rounding hides.
                let w = CholeskySolve.stride(k)
                let upper = { (a: [Double]) in (0..<k).flatMap { i in (i..<k).map { a[i * w + $0].bitPattern } } }
                XCTAssertEqual(upper(equations.matrix), upper(a), "factors \(k), pairs \(count)")
                XCTAssertEqual(equations.vector.map(\.bitPattern), b.map(\.bitPattern), "factors \(k), pairs \(count)")
            }
        }
    }

    /// The `d x d` row-major `a` in `CholeskySolve`'s layout: rows of `CholeskySolve.stride(d)`
    /// values, the padding zero.
    static func laidOut(_ a: [Double], _ d: Int) -> [Double] {
        let w = CholeskySolve.stride(d)
        var out = [Double](repeating: 0, count: d * w)
        for i in 0..<d { for j in 0..<d { out[i * w + j] = a[i * d + j] } }
        return out
    }
}
