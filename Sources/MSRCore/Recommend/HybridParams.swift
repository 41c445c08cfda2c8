/// `hybrid`: how `--method hybrid` joins the collaborative (cf) and content rankings. Each key's
/// range, default and meaning are declared once, in `fields`.
///
/// A song a training playlist holds (a warm song) keeps its cf score `x · y` (x the playlist's
/// folded-in factor, y the song's). A song no training playlist holds (a cold song) has no
/// factor; among the content method's `candidates` nearest songs, each cold one is given the
/// mean factor ȳ of the warm songs of its genre and mixture component, and scores
/// `cold_weight * x · ȳ`. Both kinds are ranked together by score (equal scores: the content
/// ranking's order). A playlist none of whose tracks a training playlist holds has no factor and
/// gets the content ranking.
///
/// Content does not reorder the warm songs: on the playlists measured (README, "Collaborative
/// filtering"), every blend of the content ranking into the warm songs' order lowered NDCG.
public struct HybridParams: ParamsSection {
    /// `cold_weight`, see `fields`.
    public var coldWeight = 1.0
    /// `candidates`, see `fields`.
    public var candidates = 100

    public init() {}

    public static let name = "hybrid"
    public static let summary = "how the hybrid method joins the collaborative and content rankings (--method hybrid)"

    /// The keys in reading order.
    public static let fields: [ParamField<HybridParams>] = [
        .number("cold_weight", { $0.coldWeight }, { $0.coldWeight = $1 }, min: 0,
                doc: "Scale of a cold song's score (its genre and component's mean factor against the playlist's): 0 leaves cold songs last."),
        .int("candidates", { $0.candidates }, { $0.candidates = $1 }, 1...10_000,
             doc: "Content's nearest songs among which cold songs are scored (at least the songs asked for)."),
    ]
}
