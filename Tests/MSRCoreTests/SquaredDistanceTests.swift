import MSRCore
import XCTest

final class SquaredDistanceTests: XCTestCase {
    func testRowsOfOneBufferAndOfTwo() {
        let points: [Double] = [0, 0, 0,
                                1, 2, 2,
                                4, 6, 2]
        let centres: [Double] = [1, 1, 1]
        points.withUnsafeBufferPointer { p in
            XCTAssertEqual(Numerics.squaredDistance(p, 0, p, 3, dimension: 3), 9)
            XCTAssertEqual(Numerics.squaredDistance(p, 3, p, 6, dimension: 3), 25)
            XCTAssertEqual(Numerics.squaredDistance(p, 6, p, 6, dimension: 3), 0)
            centres.withUnsafeBufferPointer { c in
                XCTAssertEqual(Numerics.squaredDistance(p, 3, c, 0, dimension: 3), 2)
                XCTAssertEqual(Numerics.squaredDistance(p, 0, c, 0, dimension: 0), 0)
            }
        }
    }

    func testSummedInIndexOrder() {
        // (1 + 1) + 1e16 is 1e16 + 2, but 1e16 + 1 + 1 is 1e16 (its ulp is 2): the order is
        // part of the result, and callers rely on index order.
        let a: [Double] = [1, 1, 1e8], b: [Double] = [0, 0, 0]
        let expected = 1e16 + 2
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                XCTAssertEqual(Numerics.squaredDistance(a, 0, b, 0, dimension: 3), expected)
            }
        }
    }
}
