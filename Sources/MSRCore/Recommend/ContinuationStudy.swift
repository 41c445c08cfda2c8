/// The playlist-continuation part of `msr-evaluate --recommender` (`"continuation"` in
/// `metrics/reco_metrics.json`): the training playlists msr-factorize reads are split
/// (`ContinuationSplit`, seeded by `evaluate_recommender.random_state`), a factorisation is
/// fitted on the training part alone with the `factorize` params (the held-out playlists must
/// not teach the model what it is asked), and each held-out playlist is continued by every method
/// through the same calls msr-predict makes: popularity, content, cf and hybrid.
public struct ContinuationStudy: Sendable {
    /// The figures of each method, in the order reported.
    public var methods: [(name: String, random: ContinuationEvaluation.Result, firstShown: ContinuationEvaluation.Result)]
    /// Playlists read, trained on, and held out.
    public var playlists: Int
    public var training: Int
    public var heldOut: Int
    /// The cases of the "first tracks shown" scenario (held-out playlists longer than that).
    public var firstShownCases: Int

    /// Splits `playlists`, fits on the training part and scores every method; `recommender`
    /// gives the content models (its own factorisation, if any, is not used).
    public init(playlists: TrainingPlaylists, recommender: Recommender, params: Params, progress: (String) -> Void = { _ in }) throws {
        let lists = (0..<playlists.count).map { Array(playlists.tracks[playlists.starts[$0]..<playlists.starts[$0 + 1]]) }
        let split = ContinuationSplit(playlists: lists, seed: params.evaluateRecommender.randomState)
        let training = split.training.map { lists[$0] }

        // The training part's matrix, its tracks renumbered in order of appearance, so that a
        // track only held-out playlists hold has no factor.
        var local: [Int32: Int32] = [:], uris = TextColumn(), starts = [0], tracks: [Int32] = []
        for playlist in training {
            for track in playlist {
                if local[track] == nil {
                    local[track] = Int32(uris.count)
                    uris.append(playlists.uris[Int(track)])
                }
                tracks.append(local[track]!)
            }
            starts.append(tracks.count)
        }
        var matrix = InteractionMatrix(starts: starts, tracks: tracks, trackCount: uris.count)
        if params.factorize.bm25 { matrix = matrix.weightedByBM25() }
        progress("fitting the factors on \(training.count) training playlists")
        let fit = try ImplicitALS(params: params.factorize).fit(matrix)
        let model = TrackFactors(uris: uris, playlistCounts: matrix.playlistsPerTrack, factors: fit.trackFactors,
                                 params: params.factorize, playlists: matrix.playlistCount, pairs: matrix.pairCount)
        let content = recommender
        let both = try Recommender(classifier: recommender.classifier, mixtures: recommender.mixtures, catalog: recommender.catalog,
                                   scaler: recommender.scaler, collaborative: CollaborativeFilter(model))

        // Answers are track numbers of `playlists`; a recommended song no playlist holds cannot
        // be a hidden track, and gets a number of its own below zero.
        var numbers: [String: Int32] = [:]
        for i in 0..<playlists.uris.count { numbers[playlists.uris[i]] = Int32(i) }
        let known = numbers, hybrid = params.hybrid, allURIs = playlists.uris
        func answer(_ method: RecommendMethod) -> ContinuationEvaluation.Recommend {
            { shown, count in
                let playlist = Playlist(tracks: shown.map { Playlist.Track(id: allURIs[Int($0)], given: allURIs[Int($0)]) })
                let engine = method == .content ? content : both
                // A playlist none of whose tracks the method knows gets no answer, and scores 0.
                guard let result = try? engine.recommend(playlist, k: count, method: method, hybrid: hybrid) else { return ([], []) }
                return (result.picks.map { known[$0.uri] ?? Int32(-1 - $0.row) }, result.picks.map(\.score))
            }
        }
        let popularity = PopularityRecommender(training: training)
        let coldRandom = ContinuationEvaluation.coldTracks(split.randomHidden, training: training)
        let coldFirst = ContinuationEvaluation.coldTracks(split.firstShown, training: training)
        var methods: [(name: String, random: ContinuationEvaluation.Result, firstShown: ContinuationEvaluation.Result)] = []
        let recommenders: [(String, ContinuationEvaluation.Recommend)] = [
            ("popularity", { popularity.recommend(shown: $0, count: $1) }),
            ("content", answer(.content)), ("cf", answer(.cf)), ("hybrid", answer(.hybrid)),
        ]
        for (name, recommend) in recommenders {
            progress("continuing \(split.randomHidden.count) held-out playlists by \(name)")
            methods.append((name, ContinuationEvaluation.score(split.randomHidden, cold: coldRandom, recommend: recommend),
                            ContinuationEvaluation.score(split.firstShown, cold: coldFirst, recommend: recommend)))
        }
        self.methods = methods
        self.playlists = playlists.count
        self.training = training.count
        heldOut = split.randomHidden.count
        firstShownCases = split.firstShown.count
    }

    /// `"continuation"`: each method's figures (a random 20% of each held-out playlist hidden),
    /// and the same with only the first 5 tracks shown under `"first_5"`.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["playlists": .int(playlists), "training_playlists": .int(training),
                                            "held_out_playlists": .int(heldOut)]
        var first: [String: JSONValue] = ["cases": .int(firstShownCases)]
        for method in methods {
            members[method.name] = method.random.json
            first[method.name] = method.firstShown.json
        }
        members["first_5"] = .object(first)
        return .object(members)
    }
}
