/// `hybrid`: how `--method hybrid` joins the collaborative (cf) and content rankings. Each key's
/// range, default and meaning are declared once, in `fields`.
///
/// A song a training playlist holds (a warm song) scores `x · y / m + popularity_weight * p / P`: x
/// the playlist's folded-in factor, y the song's, m the best `x · y` of any track with a factor,
/// the playlist's own included (1 when none is above 0 or its inverse is no Float); p the song's
/// cell popularity for the playlist, the number of the playlist's distinct songs in the song's
/// genre and mixture component (its cell) times the song's share of the training-playlist count of
/// that cell's warm songs, and P the best p of any track with a factor. A song no training playlist
/// holds (a cold song) has no factor; among the content method's `candidates` nearest songs, each
/// cold one is given the mean factor ȳ of the warm songs of its cell, and scores
/// `cold_weight * x · ȳ / m`. Both kinds are ranked together by score (equal scores: the content
/// ranking's order). A playlist none of whose tracks a training playlist holds has no factor and
/// gets the content ranking.
///
/// The content ranking's order itself does not reorder the warm songs: on the playlists measured
/// (README, "Factorisation"), every blend of it into cf's order lowered NDCG, while the cell
/// popularity (what sound says of where a playlist lives, and what playlists say of a song there)
/// raised it.
public struct HybridParams: ParamsSection {
    /// `cold_weight`, see `fields`.
    public var coldWeight = 1.0
    /// `candidates`, see `fields`.
    public var candidates = 100
    /// `popularity_weight`, see `fields`.
    public var popularityWeight = 0.3

    public init() {}

    public static let name = "hybrid"
    public static let summary = "how the hybrid method joins the collaborative and content rankings (--method hybrid)"

    /// The keys in reading order.
    public static let fields: [ParamField<HybridParams>] = [
        .number("cold_weight", { $0.coldWeight }, { $0.coldWeight = $1 }, min: 0,
                doc: "Scale of a cold song's score (its genre and component's mean factor against the playlist's): 0 leaves cold songs last."),
        .int("candidates", { $0.candidates }, { $0.candidates = $1 }, 1...10_000,
             doc: "Content's nearest songs among which cold songs are scored (at least the songs asked for)."),
        .number("popularity_weight", { $0.popularityWeight }, { $0.popularityWeight = $1 }, min: 0, max: 1000,
                doc: "Weight of a warm song's cell popularity (the playlist's songs in the song's genre and component times the song's share of that cell's playlist count) beside its cf score, each over its best: 0 ranks warm songs by cf alone."),
    ]
}
