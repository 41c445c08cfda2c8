import FoundationEssentials
import Glibc

/// Playlist-continuation metrics of one ranked answer against a playlist's held-out tracks, as
/// the RecSys Challenge 2018 on the Million Playlist Dataset scored them (on tracks; the
/// challenge's partial credit for a matching artist is left out).
///
/// `ranked` is the answer, best first, with no repeats; `relevant` the held-out tracks (never
/// empty: a playlist with nothing held out is not scored).
public enum ContinuationMetrics {
    /// R-precision: the share of the held-out tracks found among the first |relevant| answers.
    public static func rPrecision<T: Hashable>(ranked: [T], relevant: Set<T>) -> Double {
        precondition(!relevant.isEmpty, "something held out")
        return hits(ranked.prefix(relevant.count), relevant) / Double(relevant.count)
    }

    /// Recall at `k`: the share of the held-out tracks among the first `k` answers.
    public static func recall<T: Hashable>(ranked: [T], relevant: Set<T>, k: Int) -> Double {
        precondition(!relevant.isEmpty, "something held out")
        return hits(ranked.prefix(k), relevant) / Double(relevant.count)
    }

    /// Hit rate at `k`: 1 when any held-out track is among the first `k` answers, else 0.
    public static func hitRate<T: Hashable>(ranked: [T], relevant: Set<T>, k: Int) -> Double {
        ranked.prefix(k).contains(where: relevant.contains) ? 1 : 0
    }

    /// Normalised discounted cumulative gain at `k` (gain 1 for a held-out track at position i,
    /// discounted by log2(i + 1); divided by the gain of the ideal answer, min(|relevant|, k)
    /// held-out tracks first). Answers with equal `scores` are ties, scored as the mean over
    /// their orders (McSherry and Najork 2008): each track of a tie spanning positions a...b gets
    /// the mean of those positions' discounts (positions past `k` count 0), so that the order
    /// a sort happened to leave among equals changes nothing. `scores` runs beside `ranked`.
    public static func ndcg<T: Hashable>(ranked: [T], scores: [Double], relevant: Set<T>, k: Int) -> Double {
        precondition(ranked.count == scores.count, "one score per answer")
        precondition(k >= 1 && !relevant.isEmpty, "k >= 1 and something held out")
        func discount(_ position: Int) -> Double { position <= k ? 1 / log2(Double(position) + 1) : 0 }
        var gain = 0.0
        var start = 0
        while start < ranked.count && start < k {
            var end = start + 1
            while end < ranked.count && scores[end] == scores[start] { end += 1 }
            let found = hits(ranked[start..<end], relevant)
            if found > 0 {
                let mean = (start + 1...end).reduce(0.0) { $0 + discount($1) } / Double(end - start)
                gain += found * mean
            }
            start = end
        }
        let ideal = (1...min(relevant.count, k)).reduce(0.0) { $0 + discount($1) }
        return gain / ideal
    }

    private static func hits<T: Hashable, S: Sequence<T>>(_ answers: S, _ relevant: Set<T>) -> Double {
        Double(answers.reduce(0) { $0 + (relevant.contains($1) ? 1 : 0) })
    }
}
