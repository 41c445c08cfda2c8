import MSRCore
import XCTest

final class FNV1aTests: XCTestCase {
    func testPublishedVectors() {
        // From the FNV reference (isthe.com/chongo/tech/comp/fnv): 64-bit FNV-1a.
        XCTAssertEqual(Numerics.fnv1a(Array("".utf8)), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(Numerics.fnv1a(Array("a".utf8)), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(Numerics.fnv1a(Array("foobar".utf8)), 0x8594_4171_f739_67e8)
    }

    func testPointerFormAndContinuationAgree() {
        let bytes = Array("foobar".utf8)
        let pointer = bytes.withUnsafeBufferPointer { Numerics.fnv1a($0.baseAddress!, count: $0.count) }
        XCTAssertEqual(pointer, 0x8594_4171_f739_67e8)
        XCTAssertEqual(Numerics.fnv1a(bytes[3...], from: Numerics.fnv1a(bytes[..<3])), pointer)
    }
}
