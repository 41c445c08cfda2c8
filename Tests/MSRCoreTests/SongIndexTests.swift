@testable import MSRCore
import MSRTestSupport
import XCTest

final class SongIndexTests: XCTestCase {
    let index = SongIndex(genres: ["pop", "rock"], featureNames: ["tempo", "energy"], uris: TextColumn(["a", "bb", "ccc"]),
                          labels: [0, 0, 1], components: [1, 0, 0], points: [0, 0, -1, -1, 1, 1], probabilities: [0.75, 0.25, 0.5, 0.5, 0.125, 0.875])

    func testRoundTripsByteForByte() throws {
        try withTemporaryFolder { folder in
            try index.write(to: "\(folder)/catalog.msrix")
            let loaded = try SongIndex.read("\(folder)/catalog.msrix")
            XCTAssertEqual(loaded, index)
            XCTAssertEqual(loaded.uris[1], "bb")
            XCTAssertEqual(loaded.encoded(), index.encoded())
        }
    }

    func testRefusesMissingForeignAndDamagedFiles() throws {
        try withTemporaryFolder { folder in
            let path = "\(folder)/catalog.msrix"
            XCTAssertEqual(errorMessage { _ = try SongIndex.read(path) }, "\(path): song index (run msr-cluster) not found")
            try Data("MSRGBDT1 and more".utf8).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try SongIndex.read(path) },
                           "\(path): not an msr song index (expected the MSRSONG1 header)")
            try Data(index.encoded().dropLast(8)).write(to: URL(fileURLWithPath: path))
            XCTAssertTrue(errorMessage { _ = try SongIndex.read(path) }.hasPrefix("\(path): truncated at byte "))
            var badLabel = index
            badLabel.labels[2] = 2
            try Data(badLabel.encoded()).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try SongIndex.read(path) },
                           "\(path): a song's genre, component or uri points outside the index: a damaged index")
        }
    }
}
