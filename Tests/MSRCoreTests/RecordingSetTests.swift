@testable import MSRCore
import XCTest

/// `RecordingSet` answers as a `Set<Int32>` does, for recordings within the song index's rows
/// and outside them (a damaged index's), and `sortedUnique` as `Array(Set(_)).sorted()`.
final class RecordingSetTests: XCTestCase {
    func testItAnswersAsASetForEveryValue() {
        var generator = SplitMix64(seed: 21)
        for rows in [0, 1, 63, 64, 65, 200] {
            var set = RecordingSet(rows: rows), reference = Set<Int32>()
            for _ in 0..<500 {
                let value = Int32.random(in: -3...Int32(rows + 3), using: &generator)
                if Int.random(in: 0..<2, using: &generator) == 0 {
                    XCTAssertEqual(set.insert(value), reference.insert(value).inserted, "rows \(rows), insert \(value)")
                }
                let probe = Int32.random(in: -3...Int32(rows + 3), using: &generator)
                XCTAssertEqual(set.contains(probe), reference.contains(probe), "rows \(rows), contains \(probe)")
            }
            for extreme in [Int32.min, Int32.max] {
                XCTAssertFalse(set.contains(extreme))
                XCTAssertTrue(set.insert(extreme))
                XCTAssertTrue(set.contains(extreme))
                XCTAssertFalse(set.insert(extreme))
            }
        }
    }

    func testSortedUniqueIsTheSortedDistinctElements() {
        var generator = SplitMix64(seed: 22)
        for count in [0, 1, 2, 10, 100] {
            let values = (0..<count).map { _ in Int.random(in: -5...5, using: &generator) }
            XCTAssertEqual(values.sortedUnique(), Array(Set(values)).sorted(), "\(values)")
        }
    }
}
