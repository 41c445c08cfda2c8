import MSRCore
import XCTest

final class ArgmaxTests: XCTestCase {
    func testEachRowsLargestFirstOnTies() {
        let values: [Double] = [0.1, 0.7, 0.2,
                                0.5, 0.5, 0.0,
                                -3, -2, -1]
        XCTAssertEqual(Numerics.argmax(values, width: 3), [1, 0, 2])
    }

    func testNegativeInfinityAndOneColumn() {
        XCTAssertEqual(Numerics.argmax([-.infinity, -1e300], width: 2), [1])
        XCTAssertEqual(Numerics.argmax([4, 2, 9], width: 1), [0, 0, 0])
        XCTAssertEqual(Numerics.argmax([], width: 4), [])
    }
}
