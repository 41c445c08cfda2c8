/// What msr-factorize keeps of a factorisation (`models/factors.msrf`): every track of the
/// training playlists with its factor, how many training playlists hold it, and the params the
/// factors were fitted with. A playlist's factor is not kept: it is solved from its tracks when
/// needed (`FoldIn`), for a training playlist as for a new one.
public struct TrackFactors: Sendable, Equatable {
    /// The tracks' 22-character Spotify ids, in the factorisation's order.
    public var uris: TextColumn
    /// Training playlists holding each track (at least 1): BM25's track lengths, and popularity.
    public var playlistCounts: [Int32]
    /// `uris.count x params.factors` Float32 values, row-major.
    public var factors: [Float]
    /// The params of the fit (`params.factors` is the factors per track).
    public var params: FactorizeParams
    /// The training playlists (the matrix's rows) and their distinct (playlist, track) pairs.
    public var playlists: Int
    /// The pairs: the sum of `playlistCounts`.
    public var pairs: Int

    /// A model from its parts: one count and `params.factors` factors per uri.
    public init(uris: TextColumn, playlistCounts: [Int32], factors: [Float], params: FactorizeParams, playlists: Int, pairs: Int) {
        precondition(playlistCounts.count == uris.count && factors.count == uris.count * params.factors)
        self.uris = uris
        self.playlistCounts = playlistCounts
        self.factors = factors
        self.params = params
        self.playlists = playlists
        self.pairs = pairs
    }

    /// The tracks.
    public var count: Int { uris.count }

    /// Track `i`'s factor.
    public func factor(_ i: Int) -> ArraySlice<Float> {
        factors[(i * params.factors)..<((i + 1) * params.factors)]
    }

    /// Each track's row, by uri.
    public func rows() -> [String: Int] {
        var rows: [String: Int] = [:]
        rows.reserveCapacity(count)
        for i in 0..<count { rows[uris[i]] = i }
        return rows
    }
}
