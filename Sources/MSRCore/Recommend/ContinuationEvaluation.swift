/// Scores a recommender on the held-out playlists of a `ContinuationSplit`: each case's shown
/// tracks go in, `ContinuationEvaluation.depth` ranked tracks come out, and the answer is scored
/// against the hidden tracks with `ContinuationMetrics`, overall and on the cold tracks alone
/// (hidden tracks no training playlist holds: what co-occurrence cannot know).
public enum ContinuationEvaluation {
    /// How many tracks each case asks for: the longest cut any figure reads (recall at 500).
    public static let depth = 500

    /// A recommender under evaluation: the shown tracks in, at most `count` other tracks out,
    /// best first, each with its score (equal scores are ties).
    public typealias Recommend = @Sendable (_ shown: [Int32], _ count: Int) -> (tracks: [Int32], scores: [Double])

    /// The mean figures over the scored cases.
    public struct Scores: Sendable, Equatable {
        public var rPrecision = 0.0
        public var ndcgAt10 = 0.0
        public var recallAt10 = 0.0
        public var recallAt500 = 0.0
        public var hitRateAt10 = 0.0
        /// The cases scored (a cold figure scores only the cases with a cold hidden track).
        public var cases = 0

        /// The figures under the names `metrics/reco_metrics.json` gives them.
        public var json: JSONValue {
            .object(["r_precision": .double(rPrecision), "ndcg_at_10": .double(ndcgAt10), "recall_at_10": .double(recallAt10),
                     "recall_at_500": .double(recallAt500), "hit_rate_at_10": .double(hitRateAt10), "cases": .int(cases)])
        }

        mutating func add(ranked: [Int32], scores: [Double], relevant: Set<Int32>) {
            rPrecision += ContinuationMetrics.rPrecision(ranked: ranked, relevant: relevant)
            ndcgAt10 += ContinuationMetrics.ndcg(ranked: ranked, scores: scores, relevant: relevant, k: 10)
            recallAt10 += ContinuationMetrics.recall(ranked: ranked, relevant: relevant, k: 10)
            recallAt500 += ContinuationMetrics.recall(ranked: ranked, relevant: relevant, k: 500)
            hitRateAt10 += ContinuationMetrics.hitRate(ranked: ranked, relevant: relevant, k: 10)
            cases += 1
        }

        /// Sums to means (sums of cases added in order, so the figures do not depend on the
        /// number of cores).
        func mean() -> Scores {
            guard cases > 0 else { return self }
            let n = Double(cases)
            return Scores(rPrecision: rPrecision / n, ndcgAt10: ndcgAt10 / n, recallAt10: recallAt10 / n,
                          recallAt500: recallAt500 / n, hitRateAt10: hitRateAt10 / n, cases: cases)
        }
    }

    /// The figures over every case and over the cold tracks.
    public struct Result: Sendable, Equatable {
        public let all: Scores
        public let cold: Scores

        /// `all`'s figures with `cold`'s under "cold".
        public var json: JSONValue {
            guard case .object(var members) = all.json else { preconditionFailure("an object") }
            members["cold"] = cold.json
            return .object(members)
        }
    }

    /// Scores `recommend` on `cases` (on every core); `cold` holds the tracks no training
    /// playlist holds.
    public static func score(_ cases: [ContinuationSplit.Case], cold: Set<Int32>, recommend: Recommend) -> Result {
        let answers = Parallel.map(cases.count) { k in recommend(cases[k].shown, depth) }
        var all = Scores(), coldScores = Scores()
        for (test, answer) in zip(cases, answers) {
            all.add(ranked: answer.tracks, scores: answer.scores, relevant: test.hidden)
            let coldHidden = test.hidden.intersection(cold)
            if !coldHidden.isEmpty { coldScores.add(ranked: answer.tracks, scores: answer.scores, relevant: coldHidden) }
        }
        return Result(all: all.mean(), cold: coldScores.mean())
    }

    /// The tracks of `cases`' hidden sets that none of `training` holds.
    public static func coldTracks(_ cases: [ContinuationSplit.Case], training: [[Int32]]) -> Set<Int32> {
        var known = Set<Int32>()
        for playlist in training { known.formUnion(playlist) }
        var cold = Set<Int32>()
        for test in cases { cold.formUnion(test.hidden.subtracting(known)) }
        return cold
    }
}
