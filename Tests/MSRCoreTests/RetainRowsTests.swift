import XCTest
@testable import MSRCore

/// Keeping some rows of a column in place (the song base's filter), a run of consecutive rows
/// at a time, and joining columns into a matrix on every core.
final class RetainRowsTests: XCTestCase {
    /// Row subsets: none, all, the first or last dropped, every other, and random ones.
    func subsets(of count: Int, generator: inout SplitMix64) -> [[Int]] {
        var result = [[], Array(0..<count), Array(1..<max(count, 1)), Array(0..<max(count - 1, 0)),
                      (0..<count).filter { $0 % 2 == 0 }, (0..<count).filter { $0 % 2 == 1 }]
        for keep in [2, 50, 99] {
            result.append((0..<count).filter { _ in generator.next() % 100 < UInt64(keep) })
        }
        return result
    }

    func testRetainedRowsAreThoseANaiveFilterKeeps() {
        var generator = SplitMix64(seed: 3)
        for count in [0, 1, 2, 7, 1000] {
            let values = (0..<count).map { i -> String in
                let length = Int(generator.next() % 4) * (i % 5)
                return String(repeating: "é\(i)", count: length)
            }
            let numbers = (0..<count).map { Double($0) + 0.5 }
            for rows in subsets(of: count, generator: &generator) {
                var column = TextColumn(values)
                column.retain(sortedRows: rows)
                XCTAssertEqual(column, TextColumn(rows.map { values[$0] }), "\(count) rows, keeping \(rows.count)")
                var kept = numbers
                kept.retain(sortedRows: rows)
                XCTAssertEqual(kept, rows.map { numbers[$0] })
                var lines = numbers.map { Int32($0) }
                lines.retain(sortedRows: rows)
                XCTAssertEqual(lines, rows.map { Int32(numbers[$0]) })
            }
        }
    }

    /// The matrix holds the kept rows of each column in order, whether the columns are copied
    /// on one core (small) or every core (past 2^18 values); the columns are consumed.
    func testAMatrixOfConsumedColumnsHoldsTheirKeptRows() {
        var generator = SplitMix64(seed: 5)
        for (rows, width) in [(0, 3), (1, 1), (30, 4), (40_000, 9)] {
            let columns = (0..<width).map { j in (0..<rows).map { Double(j * 1_000_000 + $0) } }
            for kept in [nil] + subsets(of: rows, generator: &generator).map(Optional.some) {
                var consumed = columns
                let matrix = FeatureMatrix(consuming: &consumed, rows: kept)
                let expected = kept ?? Array(0..<rows)
                XCTAssertEqual(matrix.rowCount, expected.count)
                XCTAssertEqual(matrix.columnCount, width)
                XCTAssertEqual(matrix.values, columns.flatMap { column in expected.map { column[$0] } },
                               "\(rows) x \(width), keeping \(expected.count)")
                XCTAssertTrue(consumed.allSatisfy(\.isEmpty))
            }
        }
    }

    func testEachConsumingTaskGetsItsOwnItemAndTheResultsComeInOrder() {
        var items = (0..<20).map { Array(repeating: $0, count: $0 + 1) }
        let results = Parallel.mapConsuming(&items) { k, item in
            let sum = item.reduce(0, +)
            item = []
            return (k, sum)
        }
        XCTAssertEqual(items.count, 0, "handed over")
        XCTAssertEqual(results.map(\.0), Array(0..<20))
        XCTAssertEqual(results.map(\.1), (0..<20).map { $0 * ($0 + 1) })
    }
}
