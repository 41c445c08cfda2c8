import Foundation
import MSRCore
import XCTest

final class LogSumExpTests: XCTestCase {
    private func lse(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { Numerics.logSumExp($0.baseAddress!, count: $0.count) }
    }

    func testSmallValuesAsTheDefinition() {
        XCTAssertEqual(lse([0]), 0)
        XCTAssertEqual(lse([log(1), log(2), log(3)]), log(6), accuracy: 1e-15)
    }

    func testLargeValuesDoNotOverflow() {
        // exp(1000) overflows; the shift by the largest keeps the result finite.
        XCTAssertEqual(lse([1000, 1000]), 1000 + log(2), accuracy: 1e-12)
        XCTAssertEqual(lse([-1000, -1000]), -1000 + log(2), accuracy: 1e-12)
        XCTAssertEqual(lse([0, -.infinity]), 0)
    }
}
