@testable import MSRCore
import MSRTestSupport
import XCTest

/// The cf and hybrid methods on RecommenderTests' catalogue (rows 0-5 pop, 6-9 rock; rows 2, 3
/// and 4 one recording, as are 7 and 8) with a hand-made factorisation of two factors: pop rows
/// 0, 1 and 5 lie on the first axis, rock rows 6 and 9 on the second, and a track the song base
/// does not hold (`outside`) on the second too. Rows 2, 3, 4, 7 and 8 are cold: no training
/// playlist holds them.
final class RecommenderMethodsTests: XCTestCase {
    static let uris = RecommenderTests.uris
    static let outside = "7" + String(repeating: "A", count: 21)

    /// The factorisation: each track's training-playlist count in `counts` (pairs: their sum),
    /// every factor times `scale`.
    static func factors(counts: [Int32] = [1, 1, 1, 1, 1, 1], playlists: Int = 3, scale: Float = 1) -> TrackFactors {
        var params = FactorizeParams()
        params.factors = 2
        params.regularization = 0.01
        params.alpha = 40
        let ids = [uris[0], uris[1], uris[5], uris[6], uris[9], outside]
        return TrackFactors(uris: TextColumn(ids), playlistCounts: counts,
                            factors: [1, 0, 1, 0, 0.9, 0, 0, 1, 0, 0.8, 0, 1].map { $0 * scale }, params: params,
                            playlists: playlists, pairs: Int(counts.reduce(0, +)))
    }

    func recommender(factors: Bool = true) throws -> Recommender {
        try recommender(with: factors ? Self.factors() : nil)
    }

    func recommender(with factors: TrackFactors?) throws -> Recommender {
        let content = try RecommenderTests.recommender()
        return try Recommender(classifier: nil, mixtures: content.mixtures, catalog: content.catalog, scaler: content.scaler,
                               collaborative: factors.map { CollaborativeFilter($0) })
    }

    /// Row 5 in 4 training playlists, every other track in one.
    func popularRowFive() throws -> Recommender {
        try recommender(with: Self.factors(counts: [1, 1, 4, 1, 1, 1], playlists: 6))
    }

    func playlist(_ ids: String...) -> Playlist {
        Playlist(name: "p", tracks: ids.map { Playlist.Track(id: $0, given: $0) })
    }

    /// A playlist of row 0 folds in to x = (41 / (2.81 + 0.01 + 40), 0) = (0.9575, 0): cf ranks
    /// row 1 (0.9575), then row 5 (0.8617); rock rows score 0 and cold rows are never cf's.
    func testCFRanksByTheFoldedInFactor() throws {
        let result = try recommender().recommend(playlist(Self.uris[0]), k: 2, method: .cf)
        XCTAssertEqual(result.picks.map(\.row), [1, 5])
        XCTAssertEqual(result.picks.map(\.source), [.cf, .cf])
        XCTAssertEqual(result.picks[0].score, 41 / 42.82, accuracy: 1e-5)
        XCTAssertEqual(result.picks[1].score, 0.9 * 41 / 42.82, accuracy: 1e-5)
        XCTAssertEqual(result.method, .cf)
        XCTAssertEqual(result.genre, "pop", "the genre is the content analysis's, whatever the method")
        let all = try recommender().recommend(playlist(Self.uris[0]), k: 10, method: .cf)
        XCTAssertEqual(Set(all.picks.map(\.row)), [1, 5, 6, 9], "only songs with a factor, never the playlist's own")
    }

    /// A track the song base lacks still places the playlist for cf (it is never recommended);
    /// the song base still has to hold one of its tracks for the genre.
    func testATrackOutsideTheSongBaseStillPlacesThePlaylist() throws {
        let result = try recommender().recommend(playlist(Self.outside, Self.uris[7]), k: 2, method: .cf)
        XCTAssertEqual(Set(result.picks.map(\.row)), [6, 9], "the rock axis")
        XCTAssertEqual(result.unknownTracks, [Self.outside])
    }

    /// No training playlist holds any track of the playlist: cf refuses it, hybrid answers with
    /// the content ranking.
    func testHybridAnswersAPlaylistUnknownToCF() throws {
        let recommender = try recommender()
        XCTAssertEqual(errorMessage { _ = try recommender.recommend(self.playlist(Self.uris[2], Self.uris[3]), k: 3, method: .cf) },
                       "playlist 'p': no training playlist holds any of its tracks, so the cf method cannot place it: use --method hybrid or content")
        let hybrid = try recommender.recommend(playlist(Self.uris[2], Self.uris[3]), k: 3, method: .hybrid)
        let content = try recommender.recommend(playlist(Self.uris[2], Self.uris[3]), k: 3, method: .content)
        XCTAssertEqual(hybrid.picks.map(\.row), content.picks.map(\.row))
        XCTAssertEqual(hybrid.picks.map(\.source), [.content, .content, .content])
        XCTAssertEqual(hybrid.method, .hybrid)
    }

    /// Hybrid scales cf's scores to a best of 1 and scores a cold song by its cell's mean factor
    /// (pop's: (0.9667, 0)): x · that / m = 0.9667 puts the cold recording (rows 2-4, once) between
    /// rows 1 (1) and 5 (0.9) when popularity_weight is 0, and behind both with the default 0.3:
    /// rows 1 and 5 each hold a third of pop's playlist count, the playlist is all pop, so each
    /// gains 0.3 (1.3 and 1.2) while a cold song, in no playlist, gains nothing. With cold_weight 0
    /// the cold song falls behind every warm song.
    func testHybridScoresColdSongsByTheirCellsMeanFactor() throws {
        let recommender = try recommender()
        let result = try recommender.recommend(playlist(Self.uris[0]), k: 3, method: .hybrid)
        XCTAssertEqual(result.picks.map(\.row), [1, 5, 2])
        XCTAssertEqual(result.picks.map(\.source), [.both, .both, .content], "warm songs content ranks too are both")
        for (pick, score) in zip(result.picks, [1.3, 1.2, 2.9 / 3]) { XCTAssertEqual(pick.score, score, accuracy: 1e-5) }
        var params = HybridParams()
        params.popularityWeight = 0
        let cfAlone = try recommender.recommend(playlist(Self.uris[0]), k: 3, method: .hybrid, hybrid: params)
        XCTAssertEqual(cfAlone.picks.map(\.row), [1, 2, 5])
        for (pick, score) in zip(cfAlone.picks, [1, 2.9 / 3, 0.9]) { XCTAssertEqual(pick.score, score, accuracy: 1e-5) }
        params.coldWeight = 0
        XCTAssertEqual(try recommender.recommend(playlist(Self.uris[0]), k: 3, method: .hybrid, hybrid: params).picks.prefix(2).map(\.row), [1, 5])
    }

    /// The cell popularity reorders warm songs: with row 5 in 4 training playlists and row 1 in
    /// one (pop's count 6), row 5's popularity is the best (4/6, scaled to 1) and row 1's a
    /// quarter of it; weight 0.3: row 5 scores 0.9 + 0.3 = 1.2 against row 1's 1 + 0.075 and
    /// leads; weight 0.05: 0.95 against 1.0125, and cf's order stands. A playlist of rock songs
    /// gives pop songs no popularity: row 9 scores 0.8 (the best cf score is the playlist's own
    /// song's, and the track outside the song base's) plus 0.3 (it holds half of rock's count,
    /// as the playlist's row 6 does); then the cold rock recording (rows 7 and 8) by rock's mean
    /// factor (0, 0.9): 0.9; then a pop song, with neither.
    func testHybridBlendsTheCellPopularity() throws {
        let recommender = try popularRowFive()
        var hybrid = HybridParams()
        hybrid.coldWeight = 0
        XCTAssertEqual(hybrid.popularityWeight, 0.3, "the default")
        let popular = try recommender.recommend(playlist(Self.uris[0]), k: 2, method: .hybrid, hybrid: hybrid)
        XCTAssertEqual(popular.picks.map(\.row), [5, 1])
        for (pick, score) in zip(popular.picks, [1.2, 1.075]) { XCTAssertEqual(pick.score, score, accuracy: 1e-5) }
        hybrid.popularityWeight = 0.05
        XCTAssertEqual(try recommender.recommend(playlist(Self.uris[0]), k: 2, method: .hybrid, hybrid: hybrid).picks.map(\.row), [1, 5])
        hybrid.popularityWeight = 1000
        let heaviest = try recommender.recommend(playlist(Self.uris[0]), k: 4, method: .hybrid, hybrid: hybrid)
        XCTAssertEqual(heaviest.picks.prefix(2).map(\.row), [5, 1], "the largest weight the params allow")
        XCTAssertTrue(heaviest.picks.allSatisfy { $0.score.isFinite }, "\(heaviest.picks.map(\.score))")
        let rock = try recommender.recommend(playlist(Self.uris[6]), k: 3, method: .hybrid, hybrid: HybridParams())
        XCTAssertEqual(rock.picks.first?.row, 9, "the rock song, the only warm one of the playlist's cell")
        XCTAssertTrue([7, 8].contains(rock.picks[1].row), "then the cold rock recording")
        for (pick, score) in zip(rock.picks, [0.8 + 0.3, 0.9, 0]) { XCTAssertEqual(pick.score, score, accuracy: 1e-5) }
    }

    /// The cell popularity counts the playlist's distinct songs per cell. A playlist of rows 0 and 1
    /// (pop) and 6 (rock), counts as in testHybridBlendsTheCellPopularity: x = (82 / 82.82,
    /// 41 / 42.65), m = x1 (rows 0 and 1). Row 5's popularity 2 * 4/6 is the best; row 9's is
    /// 1 * 1/2, 0.375 of it: row 5 scores 0.9 + 0.3 = 1.2, row 9 0.8 * x2 / x1 + 0.1125 = 0.8892
    /// (it would be 0.8517 with row 0 counted twice, 1.0017 with every share 1). Row 0 listed twice
    /// is the same playlist.
    func testTheCellPopularityCountsThePlaylistsDistinctSongsPerCell() throws {
        let recommender = try popularRowFive()
        var hybrid = HybridParams()
        hybrid.coldWeight = 0
        let once = try recommender.recommend(playlist(Self.uris[0], Self.uris[1], Self.uris[6]), k: 2, method: .hybrid, hybrid: hybrid)
        XCTAssertEqual(once.picks.map(\.row), [5, 9])
        let x1: Double = 82 / 82.82, x2: Double = 41 / 42.65
        for (pick, score) in zip(once.picks, [1.2, 0.8 * x2 / x1 + 0.1125]) { XCTAssertEqual(pick.score, score, accuracy: 1e-5) }
        let twice = try recommender.recommend(playlist(Self.uris[0], Self.uris[0], Self.uris[1], Self.uris[6]), k: 2, method: .hybrid, hybrid: hybrid)
        XCTAssertEqual(twice.picks, once.picks)
    }

    /// Factors so small that the best cf score's inverse is no Float (4.1e-41: 2.4e40): the cf
    /// scores stay as they are (scale 1) instead of turning infinite, and the cell popularity
    /// ranks; every score is finite.
    func testTinyFactorsGiveFiniteScores() throws {
        let recommender = try recommender(with: Self.factors(scale: 1e-22))
        let result = try recommender.recommend(playlist(Self.uris[0]), k: 4, method: .hybrid)
        XCTAssertTrue(result.picks.allSatisfy { $0.score.isFinite }, "\(result.picks.map(\.score))")
        XCTAssertEqual(result.picks.prefix(2).map(\.row), [1, 5], "pop's warm songs, each a third of its count")
        XCTAssertEqual(result.picks[0].score, 0.3, accuracy: 1e-6)
    }

    /// cf and hybrid without a factorisation are one error naming what to run.
    func testCFWithoutFactorsIsAnError() throws {
        let recommender = try recommender(factors: false)
        for method in [RecommendMethod.cf, .hybrid] {
            XCTAssertEqual(errorMessage { _ = try recommender.recommend(self.playlist(Self.uris[0]), k: 2, method: method) },
                           "the cf and hybrid methods need the track factors (factorization.factors): run msr-factorize")
        }
        XCTAssertEqual(RecommendMethod.standard(factorsAvailable: false), .content)
        XCTAssertEqual(RecommendMethod.standard(factorsAvailable: true), .hybrid)
    }

    /// Similar songs by cosine between factors: row 0's are rows 1 and 5 (cosine 1); a cold
    /// song has none for cf, and for hybrid its cell's mean stands in for its factor.
    func testSimilarSongsByFactors() throws {
        let recommender = try recommender()
        let cf = try recommender.similar(to: 0, k: 2, sameGenre: false, playlist: playlist(Self.uris[0]), method: .cf)
        XCTAssertEqual(Set(cf.picks.map(\.row)), [1, 5])
        XCTAssertEqual(cf.picks.map(\.score), [1, 1])
        XCTAssertEqual(errorMessage { _ = try recommender.similar(to: 2, k: 2, sameGenre: false, playlist: self.playlist(Self.uris[2]), method: .cf) },
                       "playlist 'p': no training playlist holds song \(Self.uris[2]), so the cf method has no neighbours for it: use --method hybrid or content")
        let hybrid = try recommender.similar(to: 2, k: 3, sameGenre: false, playlist: playlist(Self.uris[2]), method: .hybrid)
        XCTAssertEqual(Set(hybrid.picks.prefix(3).map(\.row)), [0, 1, 5], "the pop axis")
    }

    /// The output object names the method and each song's source.
    func testTheResultJSONNamesMethodAndSource() throws {
        let result = try recommender().recommend(playlist(Self.uris[0]), k: 2, method: .hybrid)
        guard case .object(let members) = result.json, case .array(let picks)? = members["recommendations"],
              case .object(let first)? = picks.first else { return XCTFail("an object with recommendations") }
        XCTAssertEqual(members["method"], .string("hybrid"))
        XCTAssertEqual(first["source"], .string("both"))
    }

    /// `firstAbove` finds what a score-by-score scan finds, from every start, in blocks of eight
    /// and in the tail: scores with NaN, infinities, both zeros and ties, bars among them.
    func testFirstAboveFindsWhatTestingEachScoreFinds() {
        var generator = SplitMix64(seed: 11)
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 0.5, -0.5]
        for count in [0, 1, 7, 8, 9, 16, 23, 40] {
            let scores: [Float] = (0..<count).map { _ in
                Int.random(in: 0..<4, using: &generator) == 0 ? specials.randomElement(using: &generator)!
                    : Float(Int.random(in: -4...4, using: &generator)) / 4
            }
            for bar in specials + [1, -1, 0.25] {
                scores.withUnsafeBufferPointer { buffer in
                    for start in 0...count {
                        let expected = (start..<count).first { scores[$0] > bar } ?? count
                        XCTAssertEqual(Recommender.firstAbove(bar, in: buffer, from: start), expected, "\(scores), bar \(bar), from \(start)")
                    }
                }
            }
        }
    }

    /// `cfScale` is 1 / `scores.max()` where that is a finite inverse of a score above 0, else 1,
    /// whatever the scores hold (NaN first, NaN elsewhere, infinities, both zeros, ties), in
    /// blocks of eight and in the tail.
    func testCFScaleIsTheInverseOfTheMaximum() {
        var generator = SplitMix64(seed: 12)
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -2]
        for count in [0, 1, 7, 8, 9, 16, 23, 40] {
            for _ in 0..<200 {
                let scores: [Float] = (0..<count).map { _ in
                    Int.random(in: 0..<4, using: &generator) == 0 ? specials.randomElement(using: &generator)!
                        : Float(Int.random(in: -4...4, using: &generator)) / 4
                }
                let best = scores.max() ?? 0, inverse = 1 / best
                let expected: Float = best > 0 && inverse.isFinite ? inverse : 1
                XCTAssertEqual(Recommender.cfScale(scores).bitPattern, expected.bitPattern, "\(scores)")
            }
        }
    }

    /// The collaborative ranking is the one testing each score against the k-th best gives (ties
    /// to the lower factor row, a NaN never ahead), at every depth, the playlist's own excluded.
    func testTheCFRankingIsTheOneEachScoreTestedGives() throws {
        let recommender = try recommender()
        let cases: [[Float]] = [[0.5, .nan, 0.5, 0.9, -.infinity, 0.7], [.nan, .nan, 1, 1, 1, 1], [0, -0.0, 0, -1, .infinity, 0],
                                [-.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity]]
        for scores in cases {
            for k in 0...6 {
                for excluded in [[Int](), [1], [0, 9]] {
                    var ranked = Recommender.TopK(k)
                    for (i, score) in scores.enumerated() where ranked.admits(-Double(score)) {
                        let row = Int(recommender.catalogRows[i])
                        guard row >= 0, !excluded.contains(row) else { continue }
                        ranked.offer(row: row, distance: -Double(score))
                    }
                    let picks = recommender.top(scores, k: k, excluding: excluded) { _ in true }
                    XCTAssertEqual(picks.map(\.row), ranked.taken.map(\.row), "\(scores), k \(k), excluding \(excluded)")
                }
            }
        }
    }
}
