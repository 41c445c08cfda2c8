/// `evaluate_recommender`: the held-out playlists `msr-evaluate --recommender` builds from the
/// test split. Each key's range, default and meaning are declared once, in `fields`.
///
/// The limits keep the stage within minutes and tens of megabytes: every playlist is answered
/// by three methods, each scanning the whole catalogue up to three times, and the draws and
/// answers are held in memory (20,000,000 playlists crashed the stage; k of a million ran for
/// hours). 10,000 playlists of 500 tracks hold 40 MB of draws.
public struct RecommenderEvaluationParams: ParamsSection {
    /// `playlists`, see `fields`.
    public var playlists = 500
    /// `min_tracks`, see `fields`.
    public var minTracks = 10
    /// `max_tracks`, see `fields`.
    public var maxTracks = 30
    /// `mixed_share`, see `fields`.
    public var mixedShare = 0.5
    /// `k`, see `fields`.
    public var k = 10
    /// `random_state`, see `fields`.
    public var randomState: UInt64 = 42

    public init() {}

    public static let name = "evaluate_recommender"
    public static let summary = "the recommender's offline evaluation on held-out playlists drawn from the test split"

    /// The longest playlist.
    static let maxTracksLimit = 500

    /// The keys in reading order.
    public static let fields: [ParamField<RecommenderEvaluationParams>] = [
        .int("playlists", { $0.playlists }, { $0.playlists = $1 }, 1...10_000, doc: "Playlists drawn (20 times the default at most)."),
        .int("min_tracks", { $0.minTracks }, { $0.minTracks = $1 }, 1...maxTracksLimit, doc: "Shortest playlist: each length is drawn uniformly from `min_tracks` to `max_tracks`."),
        // At least min_tracks, read before it; absent, it is raised to min_tracks.
        ParamField("max_tracks", .int(1...maxTracksLimit), doc: "Longest playlist, at least `min_tracks`.",
                   read: { section, value in section.maxTracks = try value.int(min: section.minTracks, max: maxTracksLimit) },
                   whenAbsent: { section in section.maxTracks = Swift.max(section.maxTracks, section.minTracks) },
                   text: { "\($0.maxTracks)" }),
        .number("mixed_share", { $0.mixedShare }, { $0.mixedShare = $1 }, min: 0, max: 1,
                doc: "Share of the playlists mixing two genres (two thirds of the tracks from the first); the others hold one."),
        .int("k", { $0.k }, { $0.k = $1 }, 1...100, doc: "Songs recommended per playlist: precision is precision@k."),
        .seed("random_state", { $0.randomState }, { $0.randomState = $1 }, doc: "Seed of the playlists' draw."),
    ]
}
