/// `evaluate_recommender`: the held-out playlists `msr-evaluate --recommender` builds from the
/// test split.
public struct RecommenderEvaluationParams: Sendable, Equatable {
    /// How many playlists, 1 to `maxPlaylists`.
    public var playlists = 500
    /// Each playlist's length is drawn uniformly from `minTracks...maxTracks`, both within
    /// 1...`maxTracksLimit`.
    public var minTracks = 10
    public var maxTracks = 30
    /// Share of the playlists mixing two genres (two thirds of the tracks from the first);
    /// the others hold one genre. In [0, 1].
    public var mixedShare = 0.5
    /// Songs recommended per playlist, 1 to `maxK`: precision is precision@k.
    public var k = 10
    /// Seed of the playlists' draw.
    public var randomState: UInt64 = 42

    // The limits keep the stage within minutes and tens of megabytes: every playlist is answered
    // by three methods, each scanning the whole catalogue up to three times, and the draws and
    // answers are held in memory (20,000,000 playlists crashed the stage; k of a million ran
    // for hours). 10,000 playlists of 500 tracks hold 40 MB of draws.
    /// The most playlists: 20 times the default.
    public static let maxPlaylists = 10_000
    /// The longest playlist.
    public static let maxTracksLimit = 500
    /// The most songs recommended per playlist.
    public static let maxK = 100

    public init() {}

    /// Reads the section; unknown keys and out-of-range values are errors naming the key.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        playlists = try section.optional("playlists")?.int(min: 1, max: Self.maxPlaylists) ?? playlists
        minTracks = try section.optional("min_tracks")?.int(min: 1, max: Self.maxTracksLimit) ?? minTracks
        let maxValue = section.optional("max_tracks")
        maxTracks = try maxValue?.int(min: minTracks, max: Self.maxTracksLimit) ?? Swift.max(maxTracks, minTracks)
        mixedShare = try section.optional("mixed_share")?.double(min: 0, max: 1) ?? mixedShare
        k = try section.optional("k")?.int(min: 1, max: Self.maxK) ?? k
        randomState = UInt64(try section.optional("random_state")?.int(min: 0) ?? Int(randomState))
        try section.finish()
    }
}
