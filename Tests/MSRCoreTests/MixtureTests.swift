import MSRTestSupport
import XCTest
@testable import MSRCore

/// Three well-separated 2-D blobs of 200 points around (0, 0), (10, 0) and (0, 10).
func threeBlobs() -> [Double] {
    var generator = SplitMix64(seed: 8)
    var points: [Double] = []
    for center in [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)] {
        for _ in 0..<200 {
            // Sum of uniforms: roughly normal, spread about 0.5.
            let dx = (0..<4).reduce(0.0) { s, _ in s + generator.unit() } - 2
            let dy = (0..<4).reduce(0.0) { s, _ in s + generator.unit() } - 2
            points += [center.0 + dx, center.1 + dy]
        }
    }
    return points
}

final class MixtureTests: XCTestCase {
    func testEveryCovarianceTypeRecoversTheMeans() throws {
        let points = threeBlobs()
        for type in MixtureParams.CovarianceType.allCases {
            var params = MixtureParams()
            params.covarianceType = type
            params.nInit = 2
            let model = try GaussianMixture.fit(points, dimension: 2, components: 3, params: params)
            XCTAssertTrue(model.converged, "\(type)")
            let means = (0..<3).map { (model.means[$0 * 2], model.means[$0 * 2 + 1]) }
            for expected in [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)] {
                XCTAssertTrue(means.contains { abs($0.0 - expected.0) < 0.2 && abs($0.1 - expected.1) < 0.2 },
                              "\(type): no mean near \(expected) in \(means)")
            }
            for weight in model.weights { XCTAssertEqual(weight, 1.0 / 3, accuracy: 0.01) }
            let labels = try model.predict(points)
            XCTAssertEqual(Set(labels[0..<200]).count, 1, "\(type): one blob, one component")
            XCTAssertNotEqual(labels[0], labels[200])
            let probabilities = try model.predictProbabilities(points)
            XCTAssertEqual(probabilities[0..<3].reduce(0, +), 1, accuracy: 1e-12)
        }
    }

    func testLogDensityOfAKnownGaussian() throws {
        // One spherical component at the origin, variance 4, in 2-D: log N(x) = -log(2 pi 4) - |x|^2 / 8.
        let model = GaussianMixture(covarianceType: .spherical, dimension: 2, weights: [1], means: [0, 0], covariances: [4])
        let scores = try model.scoreSamples([0, 0, 2, 2])
        XCTAssertEqual(scores[0], -log(8 * Double.pi), accuracy: 1e-12)
        XCTAssertEqual(scores[1], -log(8 * Double.pi) - 1, accuracy: 1e-12)
        let full = GaussianMixture(covarianceType: .full, dimension: 2, weights: [1], means: [0, 0], covariances: [4, 0, 0, 4])
        XCTAssertEqual(try full.scoreSamples([2, 2])[0], scores[1], accuracy: 1e-12)
        XCTAssertEqual(model.parameterCount, 2 + 1 + 0)
        XCTAssertEqual(try model.bic([0, 0, 2, 2]), -2 * (scores[0] + scores[1]) + 3 * log(2), accuracy: 1e-9)
    }

    func testSameSeedSameMixture() throws {
        let points = threeBlobs()
        let a = try GaussianMixture.fit(points, dimension: 2, components: 3, params: MixtureParams())
        let b = try GaussianMixture.fit(points, dimension: 2, components: 3, params: MixtureParams())
        XCTAssertEqual(a, b)
    }

    func testTooFewPointsAndADegenerateCovariance() {
        var params = MixtureParams()
        XCTAssertThrowsError(try GaussianMixture.fit([1, 2], dimension: 2, components: 3, params: params)) {
            XCTAssertEqual($0 as? MixtureError, .tooFewPoints(points: 1, components: 3))
        }
        params.covarianceType = .full
        params.regCovar = 0
        // All points equal: the covariance is zero, not positive definite.
        let line = [Double](repeating: 1, count: 40)
        XCTAssertThrowsError(try GaussianMixture.fit(line, dimension: 2, components: 1, params: params)) {
            XCTAssertEqual(($0 as? MixtureError)?.message.hasSuffix("decrease cluster.n_components, increase cluster.reg_covar, or scale the input data"), true)
        }
    }

    func testClusterScoresByHand() {
        // Two clusters on a line: {0, 1} and {10, 11}.
        let points: [Double] = [0, 1, 10, 11]
        let labels: [Int32] = [0, 0, 1, 1]
        // Point 0: a = 1, b = (10 + 11) / 2 = 10.5: s = 9.5 / 10.5; point 1: a = 1, b = 9.5: s = 8.5 / 9.5; symmetric.
        let expected = (9.5 / 10.5 + 8.5 / 9.5) / 2
        XCTAssertEqual(ClusterScores.silhouette(points, dimension: 1, labels: labels), expected, accuracy: 1e-12)
        // Centroids 0.5 and 10.5, mean 5.5: between = 2 * 25 * 2 = 100, within = 4 * 0.25 = 1, times (4 - 2) / (2 - 1).
        XCTAssertEqual(ClusterScores.calinskiHarabasz(points, dimension: 1, labels: labels), 200, accuracy: 1e-9)
        // Scatter 0.5 each, centroid distance 10: (0.5 + 0.5) / 10.
        XCTAssertEqual(ClusterScores.daviesBouldin(points, dimension: 1, labels: labels), 0.1, accuracy: 1e-12)
        XCTAssertTrue(ClusterScores.silhouette(points, dimension: 1, labels: [0, 0, 0, 0]).isNaN)
    }

    /// The silhouette's distances four points a time give the bits of one distance at a time
    /// (the definition below, as the scores were computed before), for sizes around the lanes
    /// (a tail of 0 to 3 points), dimensions 1 to 9 and a cluster of one point.
    func testSilhouetteIsTheDefinitionBitForBit() {
        func definition(_ points: [Double], _ d: Int, _ labels: [Int32]) -> Double {
            let n = labels.count, k = Int(labels.max()!) + 1
            var sizes = [Int](repeating: 0, count: k)
            for label in labels { sizes[Int(label)] += 1 }
            var total = 0.0
            for i in 0..<n {
                var sums = [Double](repeating: 0, count: k)
                points.withUnsafeBufferPointer { p in
                    for m in 0..<n where m != i {
                        sums[Int(labels[m])] += Numerics.squaredDistance(p, i * d, p, m * d, dimension: d).squareRoot()
                    }
                }
                let own = Int(labels[i])
                guard sizes[own] > 1 else { continue }
                let a = sums[own] / Double(sizes[own] - 1)
                var b = Double.infinity
                for c in 0..<k where c != own && sizes[c] > 0 { b = min(b, sums[c] / Double(sizes[c])) }
                total += (b - a) / max(a, b)
            }
            return total / Double(n)
        }
        var generator = SplitMix64(seed: 21)
        for (n, d) in [(2, 1), (5, 3), (6, 9), (7, 2), (8, 9), (37, 4), (203, 9)] {
            let points = (0..<(n * d)).map { _ in generator.unit() * 10 - 5 }
            var labels = (0..<n).map { _ in Int32(generator.below(3)) }
            labels[0] = 3  // a cluster of one point
            labels[n - 1] = labels[n - 1] == 0 ? 1 : 0
            let score = ClusterScores.silhouette(points, dimension: d, labels: labels)
            XCTAssertEqual(score.bitPattern, definition(points, d, labels).bitPattern, "n \(n), d \(d)")
            XCTAssertTrue(score.isFinite)
        }
    }

    func testClusterParamsErrors() {
        func error(_ cluster: String) -> String {
            loadError("ingest:\n  genres: [a, b]\ntransform:\n  test_size: 0.2\n  random_state: 1\n"
                + "train:\n  learning_rate: 0.1\n  n_estimators: 1\n  random_state: 1\n  max_depth: 2\ncluster:\n" + cluster,
                      as: "p.yaml") { _ = try Params.load(path: $0) }
        }
        XCTAssertEqual(error("  n_components: 3\n  covariance_type: round\n  random_state: 1\n"),
                       "p.yaml:13:20: cluster.covariance_type: expected one of spherical, diag, tied, full, got \"round\"")
        XCTAssertEqual(error("  n_components: [3, 0]\n  covariance_type: full\n  random_state: 1\n"),
                       "p.yaml:12:21: cluster.n_components[1]: expected an integer in [1, 256], got \"0\"")
        // Every count and limit has a range that keeps msr-cluster within memory and time.
        let base = "  covariance_type: full\n  random_state: 1\n"
        XCTAssertEqual(error("  n_components: 1000\n" + base),
                       "p.yaml:12:17: cluster.n_components: expected an integer in [1, 256], got \"1000\"")
        XCTAssertEqual(error("  n_components: 3\n" + base + "  tol: 0\n"), "p.yaml:15:8: cluster.tol: expected a number > 0, got \"0\"")
        XCTAssertEqual(error("  n_components: 3\n" + base + "  max_iter: 1000000000\n"),
                       "p.yaml:15:13: cluster.max_iter: expected an integer in [1, 10000], got \"1000000000\"")
        XCTAssertEqual(error("  n_components: 3\n" + base + "  n_init: 101\n"),
                       "p.yaml:15:11: cluster.n_init: expected an integer in [1, 100], got \"101\"")
        XCTAssertEqual(error("  n_components: 3\n" + base + "  silhouette_sample_size: 1000000\n"),
                       "p.yaml:15:27: cluster.silhouette_sample_size: expected an integer in [2, 50000], got \"1000000\"")
        XCTAssertEqual(error("  n_components: 256\n" + base + "  n_init: 100\n  max_iter: 10000\n  silhouette_sample_size: 50000\n"),
                       "no error")
        XCTAssertEqual(error("  n_components: 3\n  covariance_type: full\n  random_state: 1\n"), "no error")
    }
}

extension MixtureTests {
    func testParamsYAMLListsEveryClusterKeyWithTheCodeDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        XCTAssertEqual(try Params.load(path: "\(root)/params.yaml").cluster, MixtureParams(), "the code's defaults are params.yaml's values")
        var file = try ConfigValue.load(path: "\(root)/params.yaml").mapping()
        let keys: Set = ["n_components", "covariance_type", "random_state", "n_init", "max_iter", "tol", "reg_covar", "silhouette_sample_size"]
        XCTAssertEqual(Set(try file.required("cluster").mapping().keys), keys, "params.yaml lists every key msr-cluster reads")
        XCTAssertEqual(Set(MixtureParams().mlflowParams(label: 0).keys), keys, "MLflow logs every key msr-cluster reads")
    }
}

final class MixtureFileTests: XCTestCase {
    func testEveryCovarianceTypeRoundTrips() throws {
        let points = threeBlobs()
        for type in MixtureParams.CovarianceType.allCases {
            var params = MixtureParams()
            params.covarianceType = type
            let model = try GaussianMixture.fit(points, dimension: 2, components: 3, params: params)
            try withTemporaryFolder { folder in
                try model.json(genre: "pop", features: ["a", "b"]).write(to: "\(folder)/m.json")
                let (back, genre) = try GaussianMixture.read("\(folder)/m.json", dimension: 2)
                XCTAssertEqual(genre, "pop")
                XCTAssertEqual(back, model, "\(type)")
                XCTAssertEqual(try back.predict(points), try model.predict(points))
                XCTAssertEqual(errorMessage { _ = try GaussianMixture.read("\(folder)/m.json", dimension: 3) },
                               "\(folder)/m.json: features: expected a list of 3 feature names (run msr-cluster again)")
            }
        }
    }

    func testDamagedValuesAreRefusedWithTheirJSONPath() {
        func error(_ type: String, _ weights: String, _ covariances: String) -> String {
            loadError("""
                {"format": "msr-gaussian-mixture", "version": 1, "genre": "pop", "features": ["a", "b"],
                 "covariance_type": "\(type)", "weights": \(weights), "means": [[0, 0], [1, 1]], "covariances": \(covariances)}
                """, as: "m.json") { _ = try GaussianMixture.read($0, dimension: 2) }
        }
        XCTAssertEqual(error("spherical", "[0.5, 0.5]", "[1, 2]"), "no error")
        XCTAssertEqual(error("spherical", "[0.5, 0.5]", "[1, 0]"),
                       "m.json: covariances[1]: expected a finite number > 0, got 0 (run msr-cluster again)")
        XCTAssertEqual(error("spherical", "[1e999, 0.5]", "[1, 2]"),
                       "m.json: weights[0]: expected a finite number > 0, got a number beyond the range of a double (run msr-cluster again)")
        XCTAssertEqual(error("diag", "[0.5, 0.5]", "[[1, 1], [1, -2]]"),
                       "m.json: covariances[1][1]: expected a finite number > 0, got -2 (run msr-cluster again)")
        XCTAssertEqual(error("tied", "[0.5, 0.5]", "[[1, 2], [2, 1]]"), "m.json: covariances: not positive definite (run msr-cluster again)")
        XCTAssertEqual(error("tied", "[0.5, 0.5]", "[[2, 1], [1, 2]]"), "no error")
        XCTAssertEqual(error("full", "[0.5, 0.5]", "[[[2, 1], [1, 2]], [[1, \"x\"], [0, 1]]]"),
                       "m.json: covariances[1][0][1]: expected a finite number, got \"x\" (run msr-cluster again)")
        XCTAssertEqual(error("full", "[0.5, 0.5]", "[[[2, 1], [1, 2]]]"),
                       "m.json: covariances: expected a list of 2 matrices (one per weight), got 1 (run msr-cluster again)")
        XCTAssertEqual(error("round", "[0.5, 0.5]", "[1, 2]"),
                       "m.json: covariance_type: expected one of spherical, diag, tied, full (run msr-cluster again)")
    }
}
