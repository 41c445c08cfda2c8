import MSRCore
import XCTest

final class PowersOfTenTests: XCTestCase {
    func testExactPowersUpTo22() {
        XCTAssertEqual(Numerics.exactPowersOfTen.count, 23)
        // Each is ten times the previous exactly, and prints as 1e<k>: no rounding anywhere.
        for k in 1...22 {
            XCTAssertEqual(Numerics.exactPowersOfTen[k], Numerics.exactPowersOfTen[k - 1] * 10)
            XCTAssertEqual(Numerics.exactPowersOfTen[k], Double("1e\(k)"))
        }
        XCTAssertEqual(Numerics.exactPowersOfTen[0], 1)
    }
}
