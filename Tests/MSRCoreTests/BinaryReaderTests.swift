import MSRTestSupport
import XCTest
@testable import MSRCore

/// The binary artifacts' reader refuses what a damaged file asks for, whatever the numbers.
final class BinaryReaderTests: XCTestCase {
    /// Found by `scripts/fuzz song-index`: an index whose uri byte count (a UInt64 at byte 24)
    /// is 2^64 - 1 made `BinaryReader.take` overflow `offset + count` and trap.
    func testSongIndexWithAHugeByteCountIsTruncatedNotATrap() throws {
        let index = SongIndex(genres: ["pop"], featureNames: ["tempo"], uris: TextColumn(["a"]), labels: [0],
                              components: [0], points: [1], probabilities: [1])
        var bytes = index.encoded()
        bytes.replaceSubrange(24..<32, with: [UInt8](repeating: 0xFF, count: 8))
        try withTemporaryFolder { folder in
            let path = "\(folder)/catalog.msrix"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try SongIndex.read(path) },
                           "\(path): truncated at byte 168 (the file is damaged or not an msr model)")
        }
    }

    /// Counts whose byte size overflows `Int` are refused as a truncated file too.
    func testCountsBeyondTheAddressSpaceAreTruncation() throws {
        let bytes: [UInt8] = [1, 2, 3, 4]
        try bytes.withUnsafeBytes { raw in
            var reader = BinaryReader(bytes: raw, file: "f.bin")
            _ = try reader.raw(2)
            for read in [{ _ = try reader.raw(.max) }, { _ = try reader.doubles(.max / 4) }, { _ = try reader.raw(-1) }] {
                XCTAssertEqual(errorMessage(read), "f.bin: truncated at byte 2 (the file is damaged or not an msr model)")
            }
            XCTAssertEqual(try reader.raw(2), [3, 4])
        }
    }

    /// A writer drained piece by piece pads to the offset in the whole output, not in the piece.
    func testPaddingCountsTheBytesAlreadyDrained() {
        var writer = BinaryWriter()
        var pieces: [[UInt8]] = []
        writer.raw([1, 2, 3])
        writer.drain { pieces.append(Array($0)) }
        writer.pad(to: 8)
        writer.uint32(7)
        writer.pad(to: 8)
        writer.drain { pieces.append(Array($0)) }
        XCTAssertEqual(pieces, [[1, 2, 3], [0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]])
        XCTAssertEqual(writer.drained, 16)
    }
}
