/// `evaluate_recommender`: the held-out playlists `msr-evaluate --recommender` builds from the
/// test split.
public struct RecommenderEvaluationParams: Sendable, Equatable {
    /// How many playlists.
    public var playlists = 500
    /// Each playlist's length is drawn uniformly from `minTracks...maxTracks`.
    public var minTracks = 10
    public var maxTracks = 30
    /// Share of the playlists mixing two genres (two thirds of the tracks from the first);
    /// the others hold one genre.
    public var mixedShare = 0.5
    /// Songs recommended per playlist: precision is precision@k.
    public var k = 10
    /// Seed of the playlists' draw.
    public var randomState: UInt64 = 42

    public init() {}

    /// Reads the section; unknown keys and out-of-range values are errors naming the key.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        playlists = try section.optional("playlists")?.int(min: 1) ?? playlists
        minTracks = try section.optional("min_tracks")?.int(min: 1) ?? minTracks
        let maxValue = section.optional("max_tracks")
        maxTracks = try maxValue?.int(min: minTracks) ?? Swift.max(maxTracks, minTracks)
        mixedShare = try section.optional("mixed_share")?.double(min: 0, max: 1) ?? mixedShare
        k = try section.optional("k")?.int(min: 1) ?? k
        randomState = UInt64(try section.optional("random_state")?.int(min: 0) ?? Int(randomState))
        try section.finish()
    }
}
