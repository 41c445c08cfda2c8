@testable import MSRCore
import MSRTestSupport
import XCTest

/// The recommender on a hand-made catalogue of two genres, one mixture component each, in a
/// space the scaler leaves as it is.
final class RecommenderTests: XCTestCase {
    /// Rows 0-5 pop, 6-9 rock. Rows 2, 3 and 4 are one recording (the same point under three
    /// ids), as are rows 7 and 8.
    static let points: [[Double]] = [[0, 0], [1, 0], [2, 0], [2, 0], [2, 0], [3, 0], [5, 5], [6, 5], [6, 5], [7, 5]]
    static let uris = (0..<10).map { String(repeating: "0", count: 21) + String($0) }

    func recommender(classifier: GradientBoostingClassifier? = nil) throws -> Recommender {
        try Self.recommender(classifier: classifier)
    }

    static func recommender(classifier: GradientBoostingClassifier? = nil) throws -> Recommender {
        let n = Self.points.count
        let labels: [Int32] = (0..<n).map { $0 < 6 ? 0 : 1 }
        let catalog = SongIndex(genres: ["pop", "rock"], featureNames: ["tempo", "energy"], uris: TextColumn(Self.uris),
                                labels: labels, components: [Int32](repeating: 0, count: n), points: Self.points.flatMap { $0 },
                                probabilities: labels.flatMap { $0 == 0 ? [0.875, 0.125] : [0.25, 0.75] })
        let mixture = { (mean: [Double]) in
            GaussianMixture(covarianceType: .spherical, dimension: 2, weights: [1], means: mean, covariances: [1])
        }
        return try Recommender(classifier: classifier, mixtures: [mixture([2, 0]), mixture([6, 5])], catalog: catalog,
                               scaler: FeatureScaler(features: ["tempo", "energy"], min: [0, 0], max: [7, 5], mean: [0, 0], std: [1, 1]))
    }

    func playlist(_ rows: Int...) -> Playlist {
        Playlist(name: "p", tracks: rows.map { Playlist.Track(id: Self.uris[$0], given: Self.uris[$0]) })
    }

    /// Inline features need the classifier: a recommender built without one throws, it does
    /// not trap.
    func testInlineFeaturesWithoutAClassifierThrow() throws {
        let recommender = try recommender()
        let track = Playlist.Track(id: "1111111111111111111111", given: "new", features: ["tempo": 1, "energy": 0])
        XCTAssertEqual(errorMessage { _ = try recommender.recommend(Playlist(name: "p", tracks: [track]), k: 2) },
                       "playlist 'p': 1 track carries its audio features inline, which needs the classifier: "
                       + "this recommender was built without one")
    }

    func testNonFiniteInlineFeaturesThrow() throws {
        let recommender = try recommender()
        for value in [Double.infinity, -.infinity, .nan, 1e308] {
            let track = Playlist.Track(id: "1111111111111111111111", given: "new", features: ["tempo": value, "energy": 0])
            XCTAssertEqual(errorMessage { _ = try recommender.recommend(Playlist(name: "p", tracks: [track]), k: 2) },
                           "playlist 'p': track new: an audio feature is not a finite number within +-1e15", "\(value)")
        }
    }

    /// The nearest songs to row 1 are rows 0, 2, 3 and 4 (the last three one recording) then
    /// 5: a recording is recommended once, the first by index order, and still k results.
    func testARecordingIsRecommendedOnce() throws {
        let result = try recommender().recommend(playlist(1), k: 3)
        XCTAssertEqual(result.picks.map(\.row), [0, 2, 5])
        // Its rows' feature rows are distinct.
        XCTAssertEqual(Set(result.picks.map { Self.points[$0.row] }).count, 3)
        // A recording in the playlist under one id is not recommended under another.
        XCTAssertEqual(try recommender().recommend(playlist(3), k: 2).picks.map(\.row), [1, 5])
        // Widened to the other genre: 7 and 8 are one recording there too.
        XCTAssertEqual(try recommender().recommend(playlist(0, 1, 2, 5), k: 3).picks.map(\.row), [6, 7, 9])
    }

    func testRecordingsGroupExactPoints() {
        let recordings = Recordings(points: Self.points.flatMap { $0 }.map(Float.init) + [-0.0, 0, 0, -0.0], dimension: 2, count: 12)
        XCTAssertEqual(recordings.first, [0, 1, 2, 2, 2, 5, 6, 7, 7, 9, 0, 0])
        XCTAssertEqual(recordings.shared, [true, false, true, true, true, false, false, true, true, false, true, true])
    }

    /// Catalogue-wide by default, the song's own genre with `sameGenre`; its label is the genre.
    func testSimilarSongsAreNearestNeighbours() throws {
        let recommender = try recommender()
        let anywhere = try recommender.similar(to: 5, k: 4, sameGenre: false, playlist: playlist(5))
        XCTAssertEqual(anywhere.genre, "pop")
        XCTAssertEqual(anywhere.picks.map(\.row), [2, 1, 0, 6], "one id of 2, 3, 4; then the nearest, whatever its genre")
        let genre = try recommender.similar(to: 5, k: 4, sameGenre: true, playlist: playlist(5))
        XCTAssertEqual(genre.picks.map(\.row), [2, 1, 0], "pop holds no other recording")
        XCTAssertEqual(genre.probabilities, ["pop": 1, "rock": 0])
        XCTAssertEqual(errorMessage { _ = try recommender.similar(to: 10, k: 3, sameGenre: false, playlist: self.playlist(5)) },
                       "playlist 'p': song index row 10 is not one of its 10 rows")
    }
}
