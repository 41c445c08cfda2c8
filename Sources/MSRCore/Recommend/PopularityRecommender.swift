/// The baseline every continuation figure is read against: the tracks the training playlists
/// hold most often, the playlist's own tracks left out. Ties (equal counts) keep the lower track
/// number first, so the answer is the same on every run.
public struct PopularityRecommender: Sendable {
    /// Track numbers, most frequent first.
    private let ranked: [Int32]
    /// Each ranked track's count, beside `ranked`.
    private let counts: [Double]

    /// Counts each track once per training playlist that holds it.
    public init(training: [[Int32]]) {
        var count: [Int32: Int] = [:]
        for playlist in training {
            for track in Set(playlist) { count[track, default: 0] += 1 }
        }
        let order = count.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        ranked = order.map(\.key)
        counts = order.map { Double($0.value) }
    }

    /// The `count` most popular tracks not in `shown`, with their counts as scores.
    public func recommend(shown: [Int32], count: Int) -> (tracks: [Int32], scores: [Double]) {
        let excluded = Set(shown)
        var tracks: [Int32] = [], scores: [Double] = []
        tracks.reserveCapacity(count)
        scores.reserveCapacity(count)
        for (track, score) in zip(ranked, counts) where !excluded.contains(track) {
            tracks.append(track)
            scores.append(score)
            if tracks.count == count { break }
        }
        return (tracks, scores)
    }
}
