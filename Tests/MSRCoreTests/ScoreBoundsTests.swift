import CMemory
@testable import MSRCore
import XCTest

/// The collaborative scores' byte copy (`ScoreBounds`): every bound holds the Float32 score, the
/// byte products are the same whichever instructions make them, and the hybrid's picks through
/// the bounds are the exact picks, bit for bit.
final class ScoreBoundsTests: XCTestCase {
    /// A Spotify id for song `i`.
    static func id(_ i: Int) -> String {
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var value = i, text = ""
        for _ in 0..<22 {
            text.append(digits[value % 62])
            value /= 62
        }
        return String(text.reversed())
    }

    static func factors(_ values: [Float], tracks: Int, factors k: Int, counts: [Int32]? = nil) -> TrackFactors {
        var params = FactorizeParams()
        params.factors = k
        params.regularization = 0.01
        params.alpha = 40
        let counts = counts ?? [Int32](repeating: 1, count: tracks)
        return TrackFactors(uris: TextColumn((0..<tracks).map(id)), playlistCounts: counts, factors: values, params: params,
                            playlists: Int(counts.max() ?? 1), pairs: Int(counts.reduce(0, +)))
    }

    /// Random values of about `magnitude`, some exactly zero, some much larger.
    static func values(_ count: Int, magnitude: Float, _ random: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in
            switch random.next() % 16 {
            case 0: return 0
            case 1: return magnitude * 50 * (Float(random.unit()) - 0.5)
            default: return magnitude * (Float(random.unit()) * 2 - 1)
            }
        }
    }

    /// For tracks and factors around the blocks' and lanes' sizes, at magnitudes from 1e-6 to
    /// 100, with zero rows: every track's Float32 score lies within the radius of its centre.
    func testEveryScoreLiesWithinItsBound() {
        var random = SplitMix64(seed: 11)
        var checked = 0
        for tracks in [1, 15, 16, 17, 100, 333] {
            for k in [1, 3, 4, 8, 9, 16, 64] {
                for magnitude: Float in [1e-6, 1e-2, 1, 100] {
                    var values = Self.values(tracks * k, magnitude: magnitude, &random)
                    if tracks > 2 { for j in 0..<k { values[k + j] = 0 } }  // a zero track
                    let cf = CollaborativeFilter(Self.factors(values, tracks: tracks, factors: k), bounded: true)
                    let bounds = try! XCTUnwrap(cf.bounds)
                    for xMagnitude: Float in [1e-3, 1, 30] {
                        let x = cf.padded(Self.values(k, magnitude: xMagnitude, &random))
                        guard let products = x.withUnsafeBufferPointer({ bounds.products($0.baseAddress!) }) else {
                            XCTAssertTrue(x.allSatisfy { $0 == 0 }, "only a zero factor has no bounds here")
                            continue
                        }
                        XCTAssertEqual(products.sums.count % 16, 0)
                        for t in 0..<tracks {
                            let score = x.withUnsafeBufferPointer { cf.score(t, against: $0.baseAddress!) }
                            let centre = products.unit * Double(products.sums[t])
                            XCTAssertLessThanOrEqual(abs(Double(score) - centre), products.radius,
                                                     "tracks \(tracks), factors \(k), magnitude \(magnitude), track \(t)")
                            checked += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 30_000)
    }

    /// A factor that is zero, not finite or large enough to overflow has no bounds (the hybrid
    /// then scores every track).
    func testNoBoundsForAFactorTheyCannotHold() {
        let cf = CollaborativeFilter(Self.factors([1, 2, 3, 4, 0.5, 0.25, 0.125, 1], tracks: 2, factors: 4), bounded: true)
        let bounds = cf.bounds!
        for x: [Float] in [[0, 0, 0, 0], [1, .nan, 0, 0], [.infinity, 0, 0, 1], [1e30, 0, 0, 0]] {
            XCTAssertNil(cf.padded(x).withUnsafeBufferPointer { bounds.products($0.baseAddress!) }, "\(x)")
        }
        XCTAssertNotNil(cf.padded([1, 0, 0, 0]).withUnsafeBufferPointer { bounds.products($0.baseAddress!) })
        XCTAssertNil(CollaborativeFilter(Self.factors([1, 2, 3, 4], tracks: 1, factors: 4)).bounds, "made only when asked")
    }

    /// The plain loops, AVX2's pair products and AVX-512 VNNI's byte products (each where this
    /// processor runs it) give the integer sums computed here, at the extremes of the values.
    func testEveryKindOfByteProductGivesTheSameSums() {
        var random = SplitMix64(seed: 5)
        for (blockCount, groups) in [(1, 1), (3, 2), (7, 16), (2, 256)] {
            for extreme in [false, true] {
                let blocks = (0..<(blockCount * groups * 64)).map { _ in extreme ? (random.next() % 2 == 0 ? -127 : 127) : Int8(Int(random.next() % 255) - 127) }
                let x = (0..<(groups * 4)).map { _ in extreme ? UInt8(127) : UInt8(random.next() % 128) }
                let starts = (0..<(blockCount * 16)).map { _ in Int32(Int(random.next() % 2001) - 1000) }
                var expected = [Float](repeating: 0, count: blockCount * 16)
                for b in 0..<blockCount {
                    for i in 0..<16 {
                        var sum = Int(starts[b * 16 + i])
                        for g in 0..<groups {
                            for m in 0..<4 { sum += Int(x[4 * g + m]) * Int(blocks[(b * groups + g) * 64 + 4 * i + m]) }
                        }
                        expected[b * 16 + i] = Float(sum)
                    }
                }
                var ran: [Int32] = []
                for kind: Int32 in [0, 1, 2] {
                    var out = [Float](repeating: .nan, count: blockCount * 16)
                    let used = msr_block_dots_kind(kind, blocks, blockCount, groups, x, starts, &out)
                    guard used >= 0 else { continue }
                    XCTAssertEqual(used, kind)
                    ran.append(kind)
                    XCTAssertEqual(out, expected, "kind \(kind), \(blockCount) blocks of \(groups) groups, extreme \(extreme)")
                }
                XCTAssertTrue(ran.contains(0), "the plain loops run everywhere")
            }
        }
        var out = [Float](repeating: 0, count: 16)
        XCTAssertEqual(msr_block_dots_kind(3, [Int8](repeating: 0, count: 64), 1, 1, [0, 0, 0, 0], [Int32](repeating: 0, count: 16), &out), -1)
    }

    /// A song base of 2,400 songs in 2 genres of 3 components (some songs one recording under
    /// several ids), 2,000 of them with factors of `k` values and random training counts, and 100
    /// tracks the song base lacks.
    func recommenders(k: Int, seed: UInt64) throws -> (exact: Recommender, bounded: Recommender) {
        var random = SplitMix64(seed: seed)
        let songs = 2_400, dimension = 3
        var points: [Double] = []
        for i in 0..<songs {
            if i % 97 == 5 {
                points += points[((i - 1) * dimension)..<(i * dimension)]  // the song before's recording
            } else {
                points += (0..<dimension).map { _ in random.unit() * 10 }
            }
        }
        let labels = (0..<songs).map { Int32($0 % 2) }, components = (0..<songs).map { Int32(($0 / 2) % 3) }
        let catalog = SongIndex(genres: ["pop", "rock"], featureNames: ["a", "b", "c"], uris: TextColumn((0..<songs).map(Self.id)),
                                labels: labels, components: components, points: points,
                                probabilities: labels.flatMap { $0 == 0 ? [0.8, 0.2] : [0.3, 0.7] })
        let mixture = { (mean: Double) in
            GaussianMixture(covarianceType: .spherical, dimension: dimension, weights: [0.3, 0.3, 0.4],
                            means: [mean, mean, mean, mean + 3, mean, mean, mean, mean + 3, mean], covariances: [4, 4, 4])
        }
        let scaler = FeatureScaler(features: ["a", "b", "c"], min: [0, 0, 0], max: [10, 10, 10], mean: [5, 5, 5], std: [3, 3, 3])
        // Factor rows: songs 400..<2400, then 100 ids the song base lacks; a few popular factors.
        let warm = Array(400..<songs) + Array(songs..<(songs + 100))
        var factorValues: [Float] = []
        for _ in warm { factorValues += Self.values(k, magnitude: 0.05, &random) }
        var params = FactorizeParams()
        params.factors = k
        params.regularization = 0.01
        params.alpha = 40
        let counts = warm.map { _ in Int32(1 + random.next() % 50) }
        let model = TrackFactors(uris: TextColumn(warm.map(Self.id)), playlistCounts: counts, factors: factorValues, params: params,
                                 playlists: 60, pairs: Int(counts.reduce(0, +)))
        let make = { (bounded: Bool) in
            try Recommender(classifier: nil, mixtures: [mixture(3), mixture(6)], catalog: catalog, scaler: scaler,
                            collaborative: CollaborativeFilter(model, bounded: bounded))
        }
        return (try make(false), try make(true))
    }

    /// Hybrid recommendations through the bounds are the exact ones (every field, scores bit
    /// for bit) for playlists of 1 to 40 songs (warm, cold, lacking from the song base), popularity
    /// weights 0, 0.3 and 1,000, k from 1 to 100 and songs excluded; and the bounds vouch for
    /// most of them (the exact scoring of every track is the exception, not the rule).
    func testBoundedHybridPicksAreTheExactOnes() throws {
        var random = SplitMix64(seed: 3)
        var vouched = 0, asked = 0
        for (k, seed) in [(16, UInt64(1)), (64, 2), (5, 3)] {
            let (exact, bounded) = try recommenders(k: k, seed: seed)
            for trial in 0..<40 {
                let size = 1 + Int(random.next() % 40)
                let tracks = (0..<size).map { _ in Playlist.Track(id: Self.id(Int(random.next() % 2_500)), given: "t") }
                let playlist = Playlist(name: "p\(trial)", tracks: tracks)
                let extra = trial % 3 == 0 ? (0..<30).map { _ in 400 + Int(random.next() % 2_000) } : []
                for weight in [0, 0.3, 1_000] {
                    var hybrid = HybridParams()
                    hybrid.popularityWeight = weight
                    let count = [1, 10, 100][trial % 3]
                    let expected = try exact.recommend(playlist, k: count, method: .hybrid, hybrid: hybrid, excluding: extra)
                    let got = try bounded.recommend(playlist, k: count, method: .hybrid, hybrid: hybrid, excluding: extra)
                    XCTAssertEqual(got, expected, "factors \(k), trial \(trial), weight \(weight)")
                    XCTAssertEqual(got.picks.map(\.score.bitPattern), expected.picks.map(\.score.bitPattern))
                    // Whether the bounds alone gave the warm picks.
                    guard let factor = try bounded.playlistFactor(playlist) else { continue }
                    let analysis = try bounded.analyze(playlist)
                    asked += 1
                    let priors = bounded.cellPriors(rows: analysis.rows, weight: Float(weight))
                    if bounded.boundedWarmPicks(factor, bounded.collaborative!, priors: priors, k: count,
                                                excluding: analysis.rows + extra) != nil { vouched += 1 }
                }
            }
        }
        XCTAssertGreaterThan(asked, 200)
        XCTAssertGreaterThan(Double(vouched), 0.8 * Double(asked), "\(vouched) of \(asked)")
    }

    /// A recommender whose song `i` has factor `rows[i]` (every song warm, one genre of one
    /// component).
    func recommender(rows: [[Float]]) throws -> Recommender {
        let songs = rows.count, k = rows[0].count
        let catalog = SongIndex(genres: ["pop", "rock"], featureNames: ["a"], uris: TextColumn((0..<songs).map(Self.id)),
                                labels: [Int32](repeating: 0, count: songs), components: [Int32](repeating: 0, count: songs),
                                points: (0..<songs).map(Double.init), probabilities: (0..<songs).flatMap { _ in [0.9, 0.1] })
        let mixture = GaussianMixture(covarianceType: .spherical, dimension: 1, weights: [1], means: [0], covariances: [1])
        let model = Self.factors(rows.flatMap { $0 }, tracks: songs, factors: k)
        return try Recommender(classifier: nil, mixtures: [mixture, mixture], catalog: catalog,
                               scaler: FeatureScaler(features: ["a"], min: [0], max: [1], mean: [0], std: [1]),
                               collaborative: CollaborativeFilter(model, bounded: true))
    }

    /// The review's case: a best score of 8e-17 makes cfScale 1.2e16, so the key of a track
    /// scoring about -2.8e22 (its blended score -3.39e38, still a Float) overflowed to -infinity
    /// and the track was never scored, while it was the exact ranking's fourth pick. Keys that
    /// could overflow now leave the ranking to every track's score.
    func testAKeyBeyondFloatsRangeLeavesTheRankingToEveryScore() throws {
        let v: Float = 3.4029295e28
        var rows: [[Float]] = [[1e-10, 1e-10]] + (1...3).map { [-1e-12 * Float($0), 0] }
        rows.append([-v * 126.51 / 127, -v * 126.51 / 127])
        rows.append([-v, -v * 126.4 / 127])
        rows += (0..<20).map { [-v, -v * (126.41 + 0.001 * Float($0)) / 127] }
        rows += [[Float]](repeating: [-v, -v], count: 174)
        let recommender = try recommender(rows: rows)
        let cf = try XCTUnwrap(recommender.collaborative)
        let x: [Float] = [4.1e-7, 4.1e-7]
        var scores = cf.scores(of: x)
        let cfScale = Recommender.cfScale(scores)
        recommender.blend(into: &scores, cfScale: cfScale, priors: nil)
        let exact = recommender.top(scores, k: 4, excluding: [0]) { _ in true }
        XCTAssertEqual(exact.map(\.row), [1, 2, 3, 4], "the case as the review found it")
        XCTAssertNil(recommender.boundedWarmPicks(x, cf, priors: nil, k: 4, excluding: [0]))
    }

    /// The `m`th largest key (or below it), whatever the order and repeats; -infinity when fewer
    /// than `m` are finite.
    func testLargestIsTheMthLargestOrBelow() {
        var random = SplitMix64(seed: 9)
        for count in [0, 1, 5, 8, 9, 100, 1_000] {
            for m in [1, 2, 7, 41] {
                let keys: [Float] = (0..<count).map { _ in
                    switch random.next() % 10 {
                    case 0: return -.infinity
                    case 1: return .infinity
                    case 2: return 0.5
                    default: return Float(random.unit())
                    }
                }
                let finite = keys.filter(\.isFinite).sorted(by: >)
                let got = Recommender.largest(m, of: keys)
                if finite.count < m {
                    XCTAssertEqual(got, -.infinity, "\(count) keys, m \(m)")
                } else {
                    XCTAssertLessThanOrEqual(got, finite[m - 1], "\(count) keys, m \(m)")
                    XCTAssertGreaterThanOrEqual(finite.filter { $0 >= got }.count, m, "\(count) keys, m \(m)")
                }
            }
        }
    }
}
