import XCTest
@testable import MSRCore

/// The M-step's parts, by hand: points (0, 0), (2, 0), (0, 4), (2, 4) all in component 0, and
/// (10, 10), (12, 10) in component 1.
final class MixtureMaximisationTests: XCTestCase {
    let points: [Double] = [0, 0, 2, 0, 0, 4, 2, 4, 10, 10, 12, 10]
    let responsibilities: [Double] = [1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1]
    let eps = 10 * Double.ulpOfOne

    private func meansAndCounts() -> (counts: [Double], means: [Double]) {
        GaussianMixture.weightedMeans(points, dimension: 2, responsibilities: responsibilities, components: 2)
    }

    func testWeightedMeansAndCounts() {
        let (counts, means) = meansAndCounts()
        XCTAssertEqual(counts, [4 + eps, 2 + eps])
        XCTAssertEqual(means[0], 1, accuracy: 1e-12); XCTAssertEqual(means[1], 2, accuracy: 1e-12)
        XCTAssertEqual(means[2], 11, accuracy: 1e-12); XCTAssertEqual(means[3], 10, accuracy: 1e-12)
    }

    func testEachCovarianceType() {
        let (counts, means) = meansAndCounts()
        func check(_ actual: [Double], _ expected: [Double], _ what: String) {
            XCTAssertEqual(actual.count, expected.count, what)
            for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-9, what) }
        }
        let args = (points, responsibilities, counts, means)
        // Component 0: variances 1 and 4, no covariance; component 1: variance 1 along x only.
        check(GaussianMixture.diagCovariances(args.0, dimension: 2, responsibilities: args.1, counts: args.2, means: args.3, regCovar: 0.5),
              [1.5, 4.5, 1.5, 0.5], "diag")
        check(GaussianMixture.sphericalVariances(args.0, dimension: 2, responsibilities: args.1, counts: args.2, means: args.3, regCovar: 0.5),
              [3, 1], "spherical")
        check(GaussianMixture.fullCovariances(args.0, dimension: 2, responsibilities: args.1, counts: args.2, means: args.3, regCovar: 0.5),
              [1.5, 0, 0, 4.5, 1.5, 0, 0, 0.5], "full")
        // Tied: the scatter of both over all 6 points: x (4 + 2) / 6 = 1, y 16 / 6.
        check(GaussianMixture.tiedCovariance(args.0, dimension: 2, responsibilities: args.1, counts: args.2, means: args.3, regCovar: 0.5),
              [1.5, 0, 0, 16.0 / 6 + 0.5], "tied")
    }

    func testTheStepPicksTheParamsType() throws {
        var params = MixtureParams()
        params.regCovar = 0
        for type in MixtureParams.CovarianceType.allCases {
            params.covarianceType = type
            let model = try GaussianMixture.maximisation(points, dimension: 2, responsibilities: responsibilities, components: 2, params: params)
            XCTAssertEqual(model.covarianceType, type)
            XCTAssertEqual(model.weights[0], 4.0 / 6, accuracy: 1e-12)
            XCTAssertEqual(model.covariances.count, ["spherical": 2, "diag": 4, "tied": 4, "full": 8][type.rawValue])
        }
    }
}
