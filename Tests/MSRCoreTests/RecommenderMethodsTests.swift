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

    static func factors() -> TrackFactors {
        var params = FactorizeParams()
        params.factors = 2
        params.regularization = 0.01
        params.alpha = 40
        let ids = [uris[0], uris[1], uris[5], uris[6], uris[9], outside]
        return TrackFactors(uris: TextColumn(ids), playlistCounts: [1, 1, 1, 1, 1, 1],
                            factors: [1, 0, 1, 0, 0.9, 0, 0, 1, 0, 0.8, 0, 1], params: params, playlists: 3, pairs: 6)
    }

    func recommender(factors: Bool = true) throws -> Recommender {
        let content = try RecommenderTests.recommender()
        return try Recommender(classifier: nil, mixtures: content.mixtures, catalog: content.catalog, scaler: content.scaler,
                               collaborative: factors ? CollaborativeFilter(Self.factors()) : nil)
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

    /// Hybrid keeps cf's scores for warm songs and scores a cold one by its cell's mean factor
    /// (pop's: (0.9667, 0)): x · that = 0.9256 puts the cold recording (rows 2-4, once) between
    /// rows 1 and 5; with cold_weight 0 it falls behind every warm song.
    func testHybridScoresColdSongsByTheirCellsMeanFactor() throws {
        let recommender = try recommender()
        let result = try recommender.recommend(playlist(Self.uris[0]), k: 3, method: .hybrid)
        XCTAssertEqual(result.picks.map(\.row), [1, 2, 5])
        XCTAssertEqual(result.picks.map(\.source), [.both, .content, .both], "warm songs content ranks too are both")
        XCTAssertEqual(result.picks[1].score, (2.9 / 3) * 41 / 42.82, accuracy: 1e-5)
        var params = HybridParams()
        params.coldWeight = 0
        XCTAssertEqual(try recommender.recommend(playlist(Self.uris[0]), k: 3, method: .hybrid, hybrid: params).picks.prefix(2).map(\.row), [1, 5])
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
}
