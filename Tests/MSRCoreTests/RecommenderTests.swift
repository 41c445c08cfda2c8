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

/// `nearest` ranks a pool's rows in two passes per segment (those at most as far as the
/// segment's k-th nearest, then the rest) and `nthSmallest` finds that bar.
final class NearestRowsTests: XCTestCase {
    /// The n-th smallest, as sorting gives, for every n, on orders that trouble a quickselect
    /// (sorted, reversed, all equal, organ pipes, few distinct values) and random ones, and
    /// with a budget of 0 or 1 rounds, which leaves the rest to the sort.
    func testTheNthSmallestIsTheSortedOnes() {
        var generator = SplitMix64(seed: 5)
        for count in [1, 2, 3, 4, 7, 16, 33, 100, 257] {
            let random = (0..<count).map { _ in Double(Int(generator.unit() * 1000)) / 8 - 40 }
            let few = (0..<count).map { _ in Double(Int(generator.unit() * 3)) }
            let pipes = (0..<count).map { Double(Swift.min($0, count - $0)) }
            for values in [random, few, pipes, random.sorted(), random.sorted().reversed(), [Double](repeating: 2.5, count: count),
                           few.map { -$0 }] {
                let sorted = values.sorted()
                for n in Set([1, 2, count / 3 + 1, count / 2 + 1, count - 1, count].filter { $0 >= 1 && $0 <= count }) {
                    for budget: Int? in [nil, 0, 1] {
                        var copy = values
                        let found = copy.withUnsafeMutableBufferPointer {
                            Recommender.nthSmallest(n, $0.baseAddress!, count: count, budget: budget)
                        }
                        XCTAssertEqual(found, sorted[n - 1], "count \(count), n \(n), budget \(String(describing: budget)), \(values)")
                        XCTAssertEqual(copy.sorted(), sorted, "a reordering")
                    }
                }
            }
        }
    }

    /// Two rows are one point when every value is equal (-0 is 0, a NaN equals nothing), in the
    /// eight-wide part and the rest alike.
    func testSamePointComparesEveryValue() {
        for d in [1, 8, 9, 17] {
            let base = (0..<d).map { Float($0) + 0.5 }
            var cases: [([Float], Bool)] = [(base, true)]
            for j in Set([0, d / 2, d - 1]) {
                var other = base
                other[j] += 1
                cases.append((other, false))
                other = base
                other[j] = .nan
                cases.append((other, false))
            }
            var zero = base
            zero[d - 1] = 0
            var negativeZero = base
            negativeZero[d - 1] = -0.0
            for (row, same) in cases + [(zero, false)] {
                let points = base + row
                XCTAssertEqual(points.withUnsafeBufferPointer { Recommender.samePoint($0, 0, 1, dimension: d) }, same, "\(d): \(row)")
            }
            let zeros = zero + negativeZero
            XCTAssertTrue(zeros.withUnsafeBufferPointer { Recommender.samePoint($0, 0, 1, dimension: d) }, "-0 is 0")
        }
    }

    /// The nearest rows are those offering every row of a pool in row order to one ranking
    /// gives (its ties to the lower row, one id of a recording, the excluded recordings left
    /// out, pool after pool), whatever the segments: on points of a coarse grid, where many
    /// rows are one recording and many distances equal, genre by genre and not.
    func testTheNearestRowsAreTheOnesOfferingEachRowInOrderGives() throws {
        var generator = SplitMix64(seed: 9)
        let n = 900
        for (d, byGenre) in [(3, true), (3, false), (9, true), (17, false)] {
            let labels: [Int32] = (0..<n).map { byGenre ? Int32($0 * 3 / n) : Int32(generator.unit() * 3) }
            let components: [Int32] = (0..<n).map { _ in Int32(generator.unit() * 2) }
            // Nine and more values: few distinct points only when most values are zero.
            let points = (0..<(n * d)).map { j in j % d < 3 ? Double(Int(generator.unit() * 4)) / 2 : (j % d == d - 1 && j % 7 == 0 ? -0.0 : 0) }
            let names = (0..<d).map { "f\($0)" }
            let catalog = SongIndex(genres: ["a", "b", "c"], featureNames: names,
                                    uris: TextColumn((0..<n).map { String(format: "%022d", $0) }), labels: labels, components: components,
                                    points: points, probabilities: labels.flatMap { l in (0..<3).map { $0 == Int(l) ? 1.0 : 0 } })
            let mixture = GaussianMixture(covarianceType: .spherical, dimension: d, weights: [0.5, 0.5],
                                          means: [Double](repeating: 0, count: d) + [Double](repeating: 1, count: d), covariances: [1, 1])
            let zeros = [Double](repeating: 0, count: d), ones = [Double](repeating: 1, count: d)
            let recommender = try Recommender(classifier: nil, mixtures: [mixture, mixture, mixture], catalog: catalog,
                                              scaler: FeatureScaler(features: names, min: zeros, max: ones.map { $0 * 2 }, mean: zeros, std: ones))
            let first = catalog.recordings, shared = catalog.shared
            for query in 0..<12 {
                let point = (0..<d).map { j in j >= 3 ? 0 : query % 2 == 0 ? Double(Int(generator.unit() * 4)) / 2 : generator.unit() * 2 }
                let genre = Int32(query % 3), component = Int32(query % 2)
                let genreRows = catalog.rows(ofGenre: genre)
                let scope = { (p: Int) in p < 2 ? genreRows : 0..<n }
                let pool = { (i: Int) in SongIndex.pool(label: labels[i], component: components[i], genre: genre, playlistComponent: component) }
                let excluded = (0..<(query % 4) * 5).map { _ in Int(generator.unit() * Double(n)) }
                for k in [1, 7, 60, 400, 2000] {
                    // The reference: every row of a pool offered in row order.
                    var done = Set(excluded.map { first[$0] }), expected: [(row: Int, distance: Double)] = []
                    for current in 0..<3 where expected.count < Swift.min(k, n) {
                        var ranked = Recommender.TopK(Swift.min(k, n) - expected.count)
                        for i in scope(current) where pool(i) == current {
                            var sum = 0.0
                            for j in 0..<d {
                                let delta = Double(catalog.points[i * d + j]) - point[j]
                                sum += delta * delta
                            }
                            let distance = sum.squareRoot()
                            guard ranked.admits(distance), !done.contains(first[i]) else { continue }
                            first.withUnsafeBufferPointer {
                                ranked.offer(row: i, distance: distance, unlessRanked: shared[i] != 0 ? first[i] : nil, recordings: $0)
                            }
                        }
                        for pick in ranked.taken { done.insert(first[pick.row]) }
                        expected += ranked.taken
                    }
                    for segment in [Recommender.segment, 1, 5, 64, 333] {
                        let found = recommender.nearest(to: point, k: k, excluding: excluded, pools: 3, segment: segment, scope: scope, pool: pool)
                        XCTAssertEqual(found.map(\.row), expected.map(\.row), "dimension \(d), by genre \(byGenre), query \(query), k \(k), segment \(segment)")
                        XCTAssertEqual(found.map(\.distance.bitPattern), expected.map(\.distance.bitPattern))
                    }
                }
            }
        }
    }
}
