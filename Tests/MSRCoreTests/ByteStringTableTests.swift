import MSRCore
import XCTest

final class ByteStringTableTests: XCTestCase {
    /// A table made of distinct keys at once finds each at its row, as one made key by key; a
    /// key listed twice (even far apart, or colliding in a small table) makes none.
    func testATableOfDistinctKeysMatchesOneMadeKeyByKey() throws {
        let keys = TextColumn((0..<1000).map { "key \($0)" } + ["", "é"])
        let table = try XCTUnwrap(ByteStringTable(distinct: keys))
        var oneByOne = ByteStringTable()
        for i in 0..<keys.count { oneByOne.insert(keys, i) }
        XCTAssertEqual(table.count, keys.count)
        XCTAssertEqual(table.keys, keys)
        for i in 0..<keys.count {
            XCTAssertEqual(table.find(keys[i]), i, keys[i])
            XCTAssertEqual(oneByOne.find(keys[i]), i, keys[i])
        }
        XCTAssertNil(table.find("key 1000"))
        XCTAssertNil(ByteStringTable(distinct: TextColumn((0..<1000).map { "key \($0)" } + ["key 0"])))
        XCTAssertNil(ByteStringTable(distinct: TextColumn(["a", "b", "a"])))
        XCTAssertNil(ByteStringTable(distinct: TextColumn(["", ""])))
        XCTAssertEqual(ByteStringTable(distinct: TextColumn())?.count, 0)
    }

    /// Each row's first occurrence among the rows given equals a one-by-one table's answer: small
    /// columns (one share), a column past 64k rows (two shares, on two cores), rows with gaps,
    /// empty values, values a byte apart and many repeats; and again on the same input.
    func testFirstOccurrencesMatchAOneByOneTable() {
        var generator = SplitMix64(seed: 7)
        for (size, distinct) in [(0, 1), (1, 1), (40, 5), (3000, 2000), (150_000, 90_000), (70_000, 3)] {
            var values: [String] = []
            for _ in 0..<size {
                let k = Int(generator.next() % UInt64(distinct))
                values.append(k == 0 ? "" : k % 7 == 0 ? "key \(k)" : "key \(k)\u{1}")
            }
            let column = TextColumn(values)
            for rows in [Array(0..<size), (0..<size).filter { $0 % 3 != 1 }] {
                var table = ByteStringTable()
                var firstRow: [Int] = []
                let expected = rows.map { row -> Int in
                    let (id, inserted) = table.insert(column, row)
                    if inserted { firstRow.append(row) }
                    return firstRow[id]
                }
                let found = column.firstOccurrences(among: rows)
                XCTAssertEqual(found, expected, "\(size) rows, \(distinct) values")
                XCTAssertEqual(column.firstOccurrences(among: rows), found)
                if size > 10 { XCTAssertTrue(zip(rows, found).contains { $0 != $1 }, "repeats were found") }
            }
        }
    }
}
