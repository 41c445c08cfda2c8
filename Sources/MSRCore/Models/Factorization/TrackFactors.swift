/// What msr-factorize keeps of a factorisation (`models/factors.msrf`): every track of the
/// training playlists with its factor, how many training playlists hold it, and the params the
/// factors were fitted with. A playlist's factor is not kept: it is solved from its tracks when
/// needed (`FoldIn`), for a training playlist as for a new one. A model read from a file uses the
/// file's factor rows in place (mapped, not copied). Its parts are set once, when it is made: the
/// factor rows are read through pointers sized by `params.factors`.
public struct TrackFactors: Sendable, Equatable {
    /// The tracks' rows by their 22-character Spotify ids (its keys, in the factorisation's
    /// order, are the ids).
    let index: ByteStringTable
    /// Training playlists holding each track (at least 1): BM25's track lengths, and popularity.
    public let playlistCounts: [Int32]
    /// The factors, a row per track (padded to the kernels' stride).
    let matrix: FactorMatrix
    /// `YᵀY` of the factors, `params.factors x params.factors` row-major (without the
    /// regularization): the fold-in's matrix, kept so that a reader need not sum an outer product
    /// per track at every start.
    public let gram: [Float]
    /// The params of the fit (`params.factors` is the factors per track).
    public let params: FactorizeParams
    /// The training playlists (the matrix's rows) and their distinct (playlist, track) pairs.
    public let playlists: Int
    /// The pairs: the sum of `playlistCounts`.
    public let pairs: Int

    /// A model from its parts: one count and `params.factors` factors per uri (`factors`
    /// row-major; distinct uris; `YᵀY` summed here, on every core).
    public init(uris: TextColumn, playlistCounts: [Int32], factors: [Float], params: FactorizeParams, playlists: Int, pairs: Int) {
        precondition(factors.count == uris.count * params.factors)
        // What a factors file's reader checks too: each track in 1 to `playlists` playlists, the
        // pairs their sum.
        precondition(playlistCounts.allSatisfy { $0 >= 1 && Int($0) <= playlists }
                     && playlistCounts.reduce(0, { $0 + Int($1) }) == pairs, "playlist counts in [1, playlists], summing to pairs")
        var index = ByteStringTable(capacity: uris.count)
        for i in 0..<uris.count { precondition(index.insert(uris, i).inserted, "a uri listed twice") }
        let matrix = FactorMatrix(packed: factors, factors: params.factors)
        self.init(index: index, playlistCounts: playlistCounts, matrix: matrix, gram: matrix.packedGram(workers: Parallel.width),
                  params: params, playlists: playlists, pairs: pairs)
    }

    /// A model from its parts and its factors' `YᵀY` (a file's).
    init(index: ByteStringTable, playlistCounts: [Int32], matrix: FactorMatrix, gram: [Float], params: FactorizeParams, playlists: Int,
         pairs: Int) {
        precondition(playlistCounts.count == index.count && matrix.rows == index.count && matrix.factors == params.factors
                     && gram.count == params.factors * params.factors)
        self.index = index
        self.playlistCounts = playlistCounts
        self.matrix = matrix
        self.gram = gram
        self.params = params
        self.playlists = playlists
        self.pairs = pairs
    }

    /// The tracks' 22-character Spotify ids, in the factorisation's order.
    public var uris: TextColumn { index.keys }

    /// The tracks.
    public var count: Int { index.count }

    /// `count x params.factors` values, row-major (a copy).
    public var factors: [Float] { matrix.packed() }

    /// Track `i`'s factor (a copy).
    public func factor(_ i: Int) -> [Float] {
        precondition(i >= 0 && i < count)
        return Array(UnsafeBufferPointer(start: matrix.row(i), count: params.factors))
    }

    /// Each track's row, by uri.
    public func rows() -> [String: Int] {
        var rows: [String: Int] = [:]
        rows.reserveCapacity(count)
        for i in 0..<count { rows[uris[i]] = i }
        return rows
    }

    public static func == (a: TrackFactors, b: TrackFactors) -> Bool {
        a.uris == b.uris && a.playlistCounts == b.playlistCounts && a.factors == b.factors && a.gram == b.gram && a.params == b.params
            && a.playlists == b.playlists && a.pairs == b.pairs
    }
}
