import Foundation
import MSRCore
import XCTest

final class ExponentialTests: XCTestCase {
    func testWithinOneUnitInTheLastPlaceOfExp() {
        var generator = SplitMix64(seed: 5)
        var differing = 0, total = 0
        for scale in [1e-6, 0.3, 1, 10, 100, 708] {
            for _ in 0..<20_000 {
                let x = SIMD4(-generator.unit() * scale, -generator.unit() * scale, -generator.unit() * scale, -generator.unit() * scale)
                let y = Numerics.exponentials(x)
                for l in 0..<4 {
                    let expected = exp(x[l])
                    XCTAssertLessThanOrEqual(abs(y[l] - expected), expected.ulp, "e^\(x[l])")
                    differing += y[l] == expected ? 0 : 1
                    total += 1
                }
            }
        }
        // Most values are exp's own (about 92%); the rest one unit apart.
        XCTAssertLessThan(differing, total / 5)
    }

    func testEdges() {
        XCTAssertEqual(Numerics.exponentials(SIMD4(0, -0.0, -1e-300, -1)), SIMD4(1, 1, 1, exp(-1)))
        let below = Numerics.exponentials(SIMD4(-708.5, -1000, -.infinity, .nan))
        XCTAssertEqual(below[0], 0, "below -708: 0 (exp gives less than 3.4e-308)")
        XCTAssertEqual(below[1], 0)
        XCTAssertEqual(below[2], 0)
        XCTAssertTrue(below[3].isNaN, "NaN stays NaN")
        XCTAssertEqual(Numerics.exponentials(SIMD4(repeating: -708))[0], exp(-708), accuracy: exp(-708).ulp)
    }

    func testEachLaneAlone() {
        // A value's result does not depend on its neighbours or its lane.
        let values = [-0.5, -3.25, -700, -1e-9]
        let together = Numerics.exponentials(SIMD4(values[0], values[1], values[2], values[3]))
        for (l, value) in values.enumerated() {
            for lane in 0..<4 {
                var alone = SIMD4<Double>(repeating: -42)
                alone[lane] = value
                XCTAssertEqual(Numerics.exponentials(alone)[lane].bitPattern, together[l].bitPattern)
            }
        }
    }
}
