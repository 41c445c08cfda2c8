import Foundation
import XCTest
@testable import MSRCore

final class HugePagesTests: XCTestCase {
    /// The flags the kernel lists for the mapping that holds `address` (`VmFlags` of
    /// /proc/self/smaps: `hg` once advised for huge pages).
    private func flags(of address: UnsafeRawPointer) throws -> [String] {
        // Read to the end: a /proc file's size is 0 to `stat`.
        let file = try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        defer { try? file.close() }
        let smaps = String(decoding: try XCTUnwrap(file.readToEnd()), as: UTF8.self)
        let target = UInt(bitPattern: address)
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= target && target < bounds[1]
            } else if inside, fields.first == "VmFlags:" {
                return fields.dropFirst().map(String.init)
            }
        }
        return []
    }

    func testAnArrayOfMegabytesIsAdvisedAndHoldsItsValues() throws {
        let count = 3_000_000  // 24 MB: whole 2 MB pages inside
        let values = HugePages.array(repeating: 1.5, count: count)
        XCTAssertEqual(values.count, count)
        XCTAssertTrue(values.allSatisfy { $0 == 1.5 })
        try values.withUnsafeBufferPointer { buffer in
            let middle = UnsafeRawPointer(buffer.baseAddress! + count / 2)
            XCTAssertTrue(try flags(of: middle).contains("hg"), "the array's memory advised for huge pages")
        }
        XCTAssertEqual(HugePages.array(repeating: Int32(7), count: 0), [])
        XCTAssertEqual(HugePages.array(repeating: Int32(7), count: 3), [7, 7, 7])
    }

    func testMemoryBelowOneHugePageIsLeftAlone() throws {
        // 1 MB holds no whole 2 MB page: nothing is advised, and nothing beyond it either.
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { pointer.deallocate() }
        HugePages.advise(pointer, byteCount: 1 << 20)
        XCTAssertFalse(try flags(of: pointer).contains("hg"))
    }
}
