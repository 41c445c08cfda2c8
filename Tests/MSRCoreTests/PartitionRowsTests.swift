import CMemory
import MSRCore
import XCTest

/// The tree grower's stable partition of a node's rows by one feature (`msr_partition_rows_kind`):
/// each kind the processor runs gives the rows a reference partition gives, in the same order.
final class PartitionRowsTests: XCTestCase {
    func testEveryKindPartitionsStablyAsTheReference() {
        var random = SplitMix64(seed: 12)
        let rowCount = 1_000
        // The bins of one feature, and the 3 bytes of padding the vector kind's gathers may read.
        let column = (0..<rowCount).map { _ in UInt8(random.next() % 256) } + [0xff, 0xff, 0xff]
        var ran: Set<Int32> = []
        for count in Array(0...70) + [255, 256, 257, 1_000] {
            for threshold: UInt8 in [0, 1, 17, 128, 254, 255] {
                // A node's rows: distinct, in any order (at 1,000 every row: the last one's bin and the
                // padding after it read).
                var rows = (0..<rowCount).map(Int32.init).shuffled(using: &random)
                rows = Array(rows.prefix(count))
                let expected = rows.filter { column[Int($0)] <= threshold } + rows.filter { column[Int($0)] > threshold }
                let expectedLeft = rows.count { column[Int($0)] <= threshold }
                for kind: Int32 in [0, 1] {
                    var indices = rows
                    var right = [Int32](repeating: -1, count: count + 16)
                    var left = -1
                    let used = indices.withUnsafeMutableBufferPointer { indices in
                        msr_partition_rows_kind(kind, indices.baseAddress, count, column, threshold, &right, &left)
                    }
                    guard used >= 0 else {
                        XCTAssertEqual(indices, rows, "kind \(kind) refused, the rows untouched")
                        continue
                    }
                    XCTAssertEqual(used, kind)
                    ran.insert(kind)
                    XCTAssertEqual(left, expectedLeft, "kind \(kind), \(count) rows, threshold \(threshold)")
                    XCTAssertEqual(indices, expected, "kind \(kind), \(count) rows, threshold \(threshold)")
                }
            }
        }
        XCTAssertTrue(ran.contains(0), "the row-by-row kind runs everywhere")
        var rows: [Int32] = [0], right = [Int32](repeating: 0, count: 17), left = 0
        XCTAssertEqual(msr_partition_rows_kind(2, &rows, 1, column, 0, &right, &left), -1)
    }
}
