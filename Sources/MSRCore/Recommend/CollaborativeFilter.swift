/// The collaborative half of the recommender, on a factorisation's rows (`TrackFactors`): a
/// playlist's score for every track (`x · y_t`, its factor `x` folded in from the tracks the
/// factorisation knows, as `implicit`'s `recalculate_user`), and the tracks nearest a track by
/// cosine between factors. `Recommender` maps these rows to the song index's.
public struct CollaborativeFilter: Sendable {
    /// The fold-in, which holds the model.
    public let foldIn: FoldIn
    /// Each track factor's Euclidean length (cosines), made at the first cosine asked for: a
    /// cold msr-predict recommending for a playlist needs none (a million instructions saved).
    let lengths: Lazily<[Float]>
    /// The scores' byte copy, when asked for at load: what ranking many playlists saves (about
    /// 18 µs of CPU a hybrid playlist) a cold one would pay to make (about 5 ms at 9,205 tracks
    /// of 64 factors).
    let bounds: ScoreBounds?

    /// Prepares `model`: its fold-in, and with `bounded` the byte copy that bounds every score
    /// (`ScoreBounds`) and the fold-in's tracks solved in advance (`FoldIn`), for a process that
    /// will rank more than `boundsPayOff` playlists.
    public init(_ model: TrackFactors, bounded: Bool = false) {
        foldIn = FoldIn(model, prepared: bounded)
        let tracks = foldIn.tracks, count = model.count
        lengths = Lazily { (0..<count).map { FactorKernels.dot(tracks.row($0), tracks.row($0), tracks.stride).squareRoot() } }
        bounds = bounded ? ScoreBounds(tracks) : nil
    }

    /// How many playlists a process ranks before the scores' byte copy pays for its making
    /// (msr-predict: 300 hybrid playlists took as long either way).
    public static let boundsPayOff = 256

    /// The factorisation.
    public var model: TrackFactors { foldIn.model }

    /// The factor row of a track id, if a training playlist held the track.
    public func row(of id: String) -> Int? {
        model.index.find(id)
    }

    /// Every track's score for a playlist holding the tracks at `rows` (factor rows; repeats
    /// count once): `x · y_t`. Nil when `rows` is empty (no track known to the factorisation) or
    /// the playlist's equations are not positive definite (a fit without regularization).
    public func scores(rows: [Int]) -> [Float]? {
        factor(rows: rows).map(scores(of:))
    }

    /// The folded-in factor of a playlist holding the tracks at `rows`, or nil (see `scores`).
    public func factor(rows: [Int]) -> [Float]? {
        rows.isEmpty ? nil : foldIn.factor(rows: rows)
    }

    /// Every track's score `x · y` for the playlist factor `x`.
    public func scores(of factor: [Float]) -> [Float] {
        scores(against: padded(factor))
    }

    /// Track `row`'s factor.
    public func trackFactor(_ row: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: foldIn.tracks.row(row), count: model.params.factors))
    }

    /// Every track's cosine with `factor` (a zero factor scores 0).
    public func cosines(of factor: [Float]) -> [Float] {
        let length = factor.reduce(0) { $0 + $1 * $1 }.squareRoot(), lengths = lengths.value
        return scores(of: factor).enumerated().map { i, dot in
            let product = lengths[i] * length
            return product > 0 ? dot / product : 0
        }
    }

    /// `factor` padded with zeros to the rows' stride, as the kernels read it.
    func padded(_ factor: [Float]) -> [Float] {
        factor + [Float](repeating: 0, count: foldIn.tracks.stride - factor.count)
    }

    /// Track `t`'s score `x · y_t`, `x` padded (`padded`): the very value `scores` gives it.
    func score(_ t: Int, against x: UnsafePointer<Float>) -> Float {
        FactorKernels.dot(foldIn.tracks.row(t), x, foldIn.tracks.stride)
    }

    /// `x · y_t` for every track, `x` padded to the rows' stride: eight tracks at a time.
    private func scores(against x: [Float]) -> [Float] {
        let tracks = foldIn.tracks, stride = tracks.stride, count = model.count
        return x.withUnsafeBufferPointer { x in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                var t = 0
                while t + 8 <= count {
                    let eight = FactorKernels.dot8(tracks.row(t), stride: stride, x.baseAddress!, stride)
                    for k in 0..<8 { out[t + k] = eight[k] }
                    t += 8
                }
                while t < count {
                    out[t] = FactorKernels.dot(tracks.row(t), x.baseAddress!, stride)
                    t += 1
                }
                initialized = count
            }
        }
    }
}
