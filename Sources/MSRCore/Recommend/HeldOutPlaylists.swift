/// Playlists drawn from held-out songs, for the offline evaluation of the recommender: seeded,
/// so the same test split and params give the same playlists.
public struct HeldOutPlaylists: Sendable {
    /// One playlist: its songs (rows of the song index) and the genres it was drawn from, the
    /// first being its majority genre.
    public struct Draw: Sendable, Equatable {
        public var rows: [Int]
        public var genres: [Int32]
    }

    public private(set) var draws: [Draw] = []

    /// Draws `params.playlists` playlists from `rows` (song index rows), whose genres are
    /// `labels[row]`. A single-genre playlist takes all its songs from one genre; a mixed one two
    /// thirds (rounded up) from a first genre and the rest from a second. Only genres with enough
    /// held-out songs are drawn; none having enough is an error.
    public init(rows: [Int], labels: [Int32], params: RecommenderEvaluationParams) throws {
        var byGenre: [Int32: [Int]] = [:]
        for row in rows { byGenre[labels[row], default: []].append(row) }
        let genres = byGenre.keys.sorted()
        var generator = SplitMix64(seed: params.randomState)
        for _ in 0..<params.playlists {
            let size = params.minTracks + generator.below(params.maxTracks - params.minTracks + 1)
            let mixed = generator.unit() < params.mixedShare
            let shares = mixed ? [(size * 2 + 2) / 3, size - (size * 2 + 2) / 3] : [size]
            var chosen: [Int32] = []
            var songs: [Int] = []
            for share in shares {
                let eligible = genres.filter { !chosen.contains($0) && byGenre[$0]!.count >= share }
                guard !eligible.isEmpty else {
                    throw MSRError(.badData, "evaluate_recommender: no genre has \(share) held-out songs for a playlist "
                        + "of \(size) tracks (lower max_tracks, or raise transform.test_size)")
                }
                let genre = eligible[generator.below(eligible.count)]
                chosen.append(genre)
                songs += generator.sample(share, from: byGenre[genre]!)
            }
            draws.append(Draw(rows: songs, genres: chosen))
        }
    }
}
