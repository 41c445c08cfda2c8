/// How a playlist's songs are found (`msr-predict --method`, msr-serve's `method`).
public enum RecommendMethod: String, Sendable, CaseIterable, Equatable {
    /// By audio features: the genre classifier, its mixture component and the nearest songs
    /// (`Recommender.recommend`).
    case content
    /// By co-occurrence in playlists: the playlist's factor folded in from its tracks (`FoldIn`)
    /// and every track scored by dot product (`CollaborativeFilter`).
    case cf
    /// Both rankings blended (`HybridParams`).
    case hybrid

    /// The method used when none is asked: hybrid when the factors exist, content otherwise.
    public static func standard(factorsAvailable: Bool) -> RecommendMethod {
        factorsAvailable ? .hybrid : .content
    }
}
