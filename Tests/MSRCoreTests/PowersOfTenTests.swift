import MSRCore
import XCTest

final class PowersOfTenTests: XCTestCase {
    func testExactPowersUpTo22() {
        // Each is ten times the previous exactly, and prints as 1e<k>: no rounding anywhere.
        for k in 1...22 {
            XCTAssertEqual(Numerics.exactPowerOfTen(k), Numerics.exactPowerOfTen(k - 1) * 10)
            XCTAssertEqual(Numerics.exactPowerOfTen(k), Double("1e\(k)"))
        }
        XCTAssertEqual(Numerics.exactPowerOfTen(0), 1)
    }
}
