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
}
