import MSRCore
import XCTest

final class DriftStatisticsTests: XCTestCase {
    let reference = (0..<1000).map { Double($0 % 100) }

    func testKolmogorovSmirnovByHand() {
        XCTAssertEqual(DriftStatistics.ks(reference, reference), 0)
        XCTAssertEqual(DriftStatistics.ks([1, 2, 3], [4, 5, 6]), 1)
        // F([1, 2, 3, 4]) - F([3, 4, 5, 6]) is largest at 2: 0.5 - 0.
        XCTAssertEqual(DriftStatistics.ks([1, 2, 3, 4], [3, 4, 5, 6]), 0.5)
    }

    func testPopulationStabilityIndex() {
        XCTAssertEqual(DriftStatistics.psi(reference: reference, new: reference, bins: 10), 0, accuracy: 1e-12)
        XCTAssertLessThan(DriftStatistics.psi(reference: reference, new: reference.map { $0 + 1 }, bins: 10), 0.05)
        XCTAssertGreaterThan(DriftStatistics.psi(reference: reference, new: reference.map { $0 + 50 }, bins: 10), 1)
        // Half the new values in the lowest decile, half in the highest: 2 x 0.4 x ln 5 + 8 x -0.1 x ln(1e-3).
        let split = (0..<100).map { $0 < 50 ? 0.0 : 99.0 }
        XCTAssertEqual(DriftStatistics.psi(reference: reference, new: split, bins: 10),
                       2 * 0.4 * log(5) + 8 * (1e-4 - 0.1) * log(1e-4 / 0.1), accuracy: 1e-9)
        // A discrete feature: repeated edges merge their bins.
        XCTAssertEqual(DriftStatistics.psi(reference: [1, 1, 1, 1, 2], new: [1, 1, 1, 1, 2], bins: 10), 0, accuracy: 1e-12)
    }
}
