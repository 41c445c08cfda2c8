/// A new playlist's factor from its tracks, as the `implicit` library's `recalculate_user`:
/// the exact solve of the playlist's normal equations against the fitted track factors
///
///     (YᵀY + λI + Σ_t (C_t - 1) y_t y_tᵀ) x = Σ_t C_t y_t
///
/// with the fit's confidence (`1 + alpha * r`, r = 1 or the pair's BM25 weight from the
/// tracks' training counts). Make one per loaded model (it holds YᵀY) and share it: predict
/// and serve score a playlist by `x · y_t` for every track. A playlist of fewer distinct tracks
/// than factors is solved through a system of its tracks' size (`LowRankFoldIn`).
public struct FoldIn: Sendable {
    /// The fitted track factors.
    public let model: TrackFactors
    /// `YᵀY + λI`, padded to the kernels' stride.
    let gram: [Float]
    let tracks: FactorMatrix
    let bm25: BM25?
    /// The small playlists' solve (nil when `YᵀY + λI` is not positive definite).
    let lowRank: LowRankFoldIn?

    /// Prepares the fold-in for `model`: `YᵀY + λI` from the model's `YᵀY`; with `prepared`,
    /// each track's part of a small playlist's solve as well (about 30 ms at 9,205 tracks of 64
    /// factors, for a process that folds in many playlists; the same results either way).
    public init(_ model: TrackFactors, prepared: Bool = false) {
        self.model = model
        let k = model.params.factors
        tracks = model.matrix
        var gram = [Float](repeating: 0, count: tracks.stride * tracks.stride)
        for i in 0..<k {
            for j in 0..<k { gram[i * tracks.stride + j] = model.gram[i * k + j] }
            gram[i * tracks.stride + i] += Float(model.params.regularization)
        }
        self.gram = gram
        lowRank = LowRankFoldIn(gram: gram, tracks: tracks, prepared: prepared)
        bm25 = model.params.bm25 ? BM25(trackLengths: model.playlistCounts) : nil
    }

    /// The factor (`params.factors` values) of a playlist holding the tracks at these rows of
    /// the model (repeats count once); zeros for no track, as implicit; nil when the equations
    /// are not positive definite (a fit without regularization).
    public func factor(rows: [Int]) -> [Float]? {
        let distinct = rows.sortedUnique()
        precondition(distinct.allSatisfy { $0 >= 0 && $0 < model.count })
        let alpha = Float(model.params.alpha)
        let confidences: [Float] = distinct.map { row in
            let value = bm25.map { Float($0.weight(trackLength: Double(model.playlistCounts[row]), playlistPairs: distinct.count)) } ?? 1
            return value > 0 ? 1 + alpha * value : -1
        }
        return lowRank?.factor(rows: distinct, confidences: confidences) ?? fullFactor(rows: distinct, confidences: confidences)
    }

    /// The factor of a playlist holding the tracks at `rows` (distinct) with these confidences
    /// (-1 for a pair of weight 0) from its `k x k` equations; nil when they are not positive
    /// definite.
    func fullFactor(rows distinct: [Int], confidences: [Float]) -> [Float]? {
        let equations = CholeskyUpdate.Equations(factors: model.params.factors)
        let out = WorkVectors(count: 1, length: tracks.stride)
        let tracks = tracks
        guard equations.solve(gram: gram, stride: tracks.stride, pairs: zip(distinct, confidences).lazy.map { (tracks.row($0), $1) },
                              into: out[0]) else { return nil }
        return (0..<model.params.factors).map { out[0][$0] }
    }
}
