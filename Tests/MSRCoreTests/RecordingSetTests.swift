@testable import MSRCore
import XCTest

/// `RecordingSet` answers as a `Set<Int32>` does, for any recording (a damaged index's too) and
/// any capacity, through its growths; `sortedUnique` as `Array(Set(_)).sorted()`.
final class RecordingSetTests: XCTestCase {
    func testItAnswersAsASetForEveryValue() {
        var generator = SplitMix64(seed: 21)
        for (capacity, spread) in [(0, 3), (1, 70), (4, 1_000), (100, 200), (3, Int(Int32.max))] {
            var set = RecordingSet(capacity: capacity), reference = Set<Int32>()
            let values: (inout SplitMix64) -> Int32 = { generator in
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: [Int32.min, Int32.max, -1, 0][Int.random(in: 0..<4, using: &generator)]
                default: Int32(Int.random(in: -spread...spread, using: &generator))
                }
            }
            for _ in 0..<2_000 {
                let value = values(&generator)
                if Int.random(in: 0..<2, using: &generator) == 0 {
                    XCTAssertEqual(set.insert(value), reference.insert(value).inserted, "capacity \(capacity), insert \(value)")
                }
                let probe = values(&generator)
                XCTAssertEqual(set.contains(probe), reference.contains(probe), "capacity \(capacity), contains \(probe)")
            }
            for member in reference { XCTAssertTrue(set.contains(member), "capacity \(capacity), \(member) kept through the growths") }
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
