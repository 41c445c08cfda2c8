@testable import MSRCore
import MSRTestSupport
import XCTest

final class SongIndexTests: XCTestCase {
    let index = SongIndex(genres: ["pop", "rock"], featureNames: ["tempo", "energy"], uris: TextColumn(["a", "bb", "ccc"]),
                          labels: [0, 0, 1], components: [1, 0, 0], points: [0, 0, -1, -1, 1, 1], probabilities: [0.75, 0.25, 0.5, 0.5, 0.125, 0.875])

    /// The bytes of little-endian values.
    func le<T: FixedWidthInteger>(_ values: T...) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    /// `bytes` with the one occurrence of `pattern` replaced (the test fails when there is not exactly one).
    func patched(_ bytes: [UInt8], _ pattern: [UInt8], _ replacement: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
        let starts = (0...(bytes.count - pattern.count)).filter { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
        XCTAssertEqual(starts.count, 1, "occurrences of the pattern", file: file, line: line)
        var bytes = bytes
        if let start = starts.first { bytes.replaceSubrange(start..<(start + pattern.count), with: replacement) }
        return bytes
    }

    func testRoundTripsByteForByte() throws {
        try withTemporaryFolder { folder in
            try index.write(to: "\(folder)/catalog.msrix")
            let loaded = try SongIndex.read("\(folder)/catalog.msrix")
            XCTAssertEqual(loaded, index)
            XCTAssertEqual(loaded.uris[1], "bb")
            XCTAssertEqual(loaded.encoded(), index.encoded())
            XCTAssertEqual(Array(loaded.labels), [0, 0, 1])
            XCTAssertEqual(Array(loaded.components), [1, 0, 0])
            XCTAssertEqual(Array(loaded.points), [0, 0, -1, -1, 1, 1])
            XCTAssertEqual(Array(loaded.probabilities), [0.75, 0.25, 0.5, 0.5, 0.125, 0.875])
            XCTAssertEqual(loaded.point(2), [1, 1])
            XCTAssertEqual(["a", "bb", "ccc", "b", "", "cc"].map { loaded.row(of: $0) }, [0, 1, 2, nil, nil, nil])
        }
    }

    /// msr-cluster writes the index piece by piece, each genre's probabilities made when their
    /// turn comes: the pieces (several, of odd sizes) make the file the index is read from,
    /// every section aligned where the reader expects it and every value back in its place.
    func testAnIndexWrittenInPiecesReadsBack() throws {
        let n = 40_001, genres = ["a", "b", "c"], d = 4
        var generator = SplitMix64(seed: 11)
        let uris = TextColumn((0..<n).map { "song \($0)" + String(repeating: "x", count: $0 % 3) })
        let labels = (0..<n).map { Int32($0 * 3 / n) }
        let components = (0..<n).map { Int32($0 % 5) }
        let points = (0..<(n * d)).map { _ in Float(generator.next() % 1000) / 7 }
        let probabilities = (0..<(n * 3)).map { _ in Float(generator.next() % 1000) / 1000 }
        let starts = [0] + (0..<3).map { genre in labels.filter { $0 <= genre }.count }
        var pieces: [[UInt8]] = [], asked: [Int] = []
        try SongIndex.encode(genres: genres, featureNames: (0..<d).map { "f\($0)" }, uris: uris, labels: labels, components: components,
                             points: points, chunks: 3, probabilities: { chunk in
                                 asked.append(chunk)
                                 return Array(probabilities[(3 * starts[chunk])..<(3 * starts[chunk + 1])])
                             }, descriptive: [], to: { pieces.append(Array($0)) })
        XCTAssertEqual(asked, [0, 1, 2])
        XCTAssertGreaterThan(pieces.count, 2)
        XCTAssertLessThan(pieces.map(\.count).max() ?? 0, pieces.reduce(0) { $0 + $1.count } / 2, "the file is never held whole")
        let index = try SongIndex.decode(MappedRegion(copying: Array(pieces.joined())), file: "pieces")
        XCTAssertEqual(index.count, n)
        XCTAssertEqual(Array(index.labels), labels)
        XCTAssertEqual(Array(index.components), components)
        XCTAssertEqual(Array(index.points), points)
        XCTAssertEqual(Array(index.probabilities), probabilities)
        XCTAssertEqual(index.uris[n - 1], uris[n - 1])
        XCTAssertEqual(index.row(of: "song 40000x"), n - 1)
    }

    /// The lookup table finds every one of many songs at its row, a uri it does not hold
    /// nowhere, and a repeated uri at its first row.
    func testLookupFindsEachSongAtItsRow() {
        var generator = SplitMix64(seed: 7)
        let uris = (0..<20_000).map { _ in String(generator.next() % 1_000_000_000) } + ["repeated", "x", "repeated"]
        let n = uris.count
        let index = SongIndex(genres: ["g"], featureNames: ["f"], uris: TextColumn(uris), labels: [Int32](repeating: 0, count: n),
                              components: [Int32](repeating: 0, count: n), points: (0..<n).map(Double.init),
                              probabilities: [Double](repeating: 1, count: n))
        let firstRow = Dictionary(uris.enumerated().map { ($1, $0) }, uniquingKeysWith: min)
        XCTAssertTrue(uris.allSatisfy { index.row(of: $0) == firstRow[$0] })
        XCTAssertEqual(index.row(of: "repeated"), n - 3)
        XCTAssertNil(index.row(of: "1000000001"))
        XCTAssertNil(index.row(of: "not there"))
    }

    /// A genre's rows are its own range when the rows are genre by genre (a genre may have
    /// none), all rows otherwise.
    func testGenreRows() {
        func index(_ labels: [Int32]) -> SongIndex {
            SongIndex(genres: ["a", "b", "c", "d"], featureNames: ["f"], uris: TextColumn(labels.indices.map(String.init)), labels: labels,
                      components: labels.map { _ in 0 }, points: labels.map { _ in 0 }, probabilities: labels.flatMap { _ in [1, 0, 0, 0] })
        }
        let sorted = index([0, 0, 2, 2, 2])
        XCTAssertEqual((0..<4).map { sorted.rows(ofGenre: Int32($0)) }, [0..<2, 2..<2, 2..<5, 5..<5])
        let unsorted = index([0, 2, 0])
        XCTAssertEqual((0..<4).map { unsorted.rows(ofGenre: Int32($0)) }, [0..<3, 0..<3, 0..<3, 0..<3])
    }

    func testRoundTripsDescriptiveTextAndGivesEachSongItsDetails() throws {
        let named = SongIndex(genres: index.genres, featureNames: index.featureNames,
                              uris: TextColumn(["5E30LdtzQTGqRvNd7l6kG5", "not-spotify", "09gysnJpfQ3ublBmJDfcEC"]),
                              labels: [0, 0, 1], components: [1, 0, 0], points: [0, 0, -1, -1, 1, 1],
                              probabilities: [0.75, 0.25, 0.5, 0.5, 0.125, 0.875],
                              descriptive: [DescriptiveColumn(name: "track_name", values: TextColumn([#"Say "Hi", Jo"#, "", "Né"])),
                                            DescriptiveColumn(name: "artists", values: TextColumn(["Smith, Jo", "X", ""])),
                                            DescriptiveColumn(name: "album_name", values: TextColumn(["Best of", "", ""]))])
        try withTemporaryFolder { folder in
            try named.write(to: "\(folder)/catalog.msrix")
            let loaded = try SongIndex.read("\(folder)/catalog.msrix")
            XCTAssertEqual(loaded, named)
            XCTAssertEqual(loaded.encoded(), named.encoded())
            XCTAssertEqual(loaded.details(0), SongDetails(name: #"Say "Hi", Jo"#, artists: "Smith, Jo", album: "Best of",
                                                          url: "https://open.spotify.com/track/5E30LdtzQTGqRvNd7l6kG5"))
            XCTAssertEqual(loaded.details(1), SongDetails(artists: "X", url: nil), "unknown fields and a non-Spotify id")
            XCTAssertEqual(loaded.details(2).title, "Né")
            XCTAssertEqual(loaded.details(0).title, #"Say "Hi", Jo — Smith, Jo"#)
            XCTAssertEqual(index.details(1), SongDetails(url: nil), "an index without names")

            // The artists' starts (0, 9, 10) and lengths (9, 1, 0), damaged: a value outside the
            // column's 10 bytes reads as unknown, the others as they are.
            for (pattern, damage, artists) in [(le(Int64(0), 9, 10), le(Int64(5), 9, -1), [nil, "X", nil]),
                                               (le(UInt16(9), 1, 0), le(UInt16(65535), 1, 0), [nil, "X", nil]),
                                               (le(UInt16(9), 1, 0), le(UInt16(9), 2, 0), ["Smith, Jo", nil, nil])] {
                try Data(patched(named.encoded(), pattern, damage)).write(to: URL(fileURLWithPath: "\(folder)/catalog.msrix"))
                let damaged = try SongIndex.read("\(folder)/catalog.msrix")
                XCTAssertEqual((0..<3).map { damaged.details($0).artists }, artists)
                XCTAssertEqual(damaged.details(0).album, "Best of")
            }
        }
    }

    /// An index of no songs writes and reads back; nothing is found in it.
    func testAnEmptyIndexRoundTrips() throws {
        let empty = SongIndex(genres: ["pop"], featureNames: ["tempo"], uris: TextColumn(), labels: [], components: [], points: [],
                              probabilities: [])
        try withTemporaryFolder { folder in
            try empty.write(to: "\(folder)/catalog.msrix")
            let loaded = try SongIndex.read("\(folder)/catalog.msrix")
            XCTAssertEqual(loaded, empty)
            XCTAssertEqual(loaded.count, 0)
            XCTAssertNil(loaded.row(of: "a"))
            XCTAssertNil(loaded.row(of: ""))
            XCTAssertEqual(loaded.rows(ofGenre: 0), 0..<0)
        }
    }

    /// A value over 65,535 bytes is cut at a character's start.
    func testLongTextIsCutAtACharacter() {
        let long = String(repeating: "é", count: 40_000)
        let index = SongIndex(genres: ["g"], featureNames: ["f"], uris: TextColumn(["a"]), labels: [0], components: [0], points: [0],
                              probabilities: [1], descriptive: [DescriptiveColumn(name: "track_name", values: TextColumn([long]))])
        XCTAssertEqual(index.details(0).name, String(repeating: "é", count: 32_767))
    }

    func testRefusesAVersion2Index() throws {
        try withTemporaryFolder { folder in
            var bytes = index.encoded()
            bytes[8] = 2
            try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/catalog.msrix"))
            XCTAssertEqual(errorMessage { _ = try SongIndex.read("\(folder)/catalog.msrix") },
                           "\(folder)/catalog.msrix: song index version 2; this msr reads version 3 (run msr-cluster again)")
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
            try Data(index.encoded() + [UInt8](repeating: 0, count: 8)).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try SongIndex.read(path) },
                           "\(path): unexpected bytes after the descriptive columns: a damaged index")

            let outside = "\(path): a song's genre or component is outside the index: a damaged index"
            // Labels (0, 0, 1), 4 bytes of padding, components (1, 0, 0) then recordings (0, 1, 2).
            let sections = le(Int32(0), 0, 1, 0, 1, 0, 0, 0, 0, 1, 2)
            for (what, replacement) in [("a third genre", le(Int32(0), 0, 2, 0, 1, 0, 0, 0, 0, 1, 2)),
                                        ("a negative genre", le(Int32(-1), 0, 1, 0, 1, 0, 0, 0, 0, 1, 2)),
                                        ("a negative component", le(Int32(0), 0, 1, 0, 1, -1, 0, 0, 0, 1, 2))] {
                try Data(patched(index.encoded(), sections, replacement)).write(to: URL(fileURLWithPath: path))
                XCTAssertEqual(errorMessage { _ = try SongIndex.read(path) }, outside, what)
            }
            // A uri outside the uris' 6 bytes (starts 0, 1, 3) reads as empty and is never found.
            try Data(patched(index.encoded(), le(Int64(0), 1, 3), le(Int64(0), 100, 3))).write(to: URL(fileURLWithPath: path))
            let damagedURI = try SongIndex.read(path)
            XCTAssertEqual(damagedURI.uris.strings, ["a", "", "ccc"])
            XCTAssertEqual(["a", "bb", "ccc"].map { damagedURI.row(of: $0) }, [0, nil, 2])
            // Recordings are only compared: a recording after its row reads.
            try Data(patched(index.encoded(), sections, le(Int32(0), 0, 1, 0, 1, 0, 0, 0, 2, 1, 2))).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(try SongIndex.read(path).count, 3)
            // Lookup slots are checked as they are probed: a full table (no empty slot) or a row
            // past the songs ends the search, never a trap or an endless probe.
            // Labels at L, components at L + 16, recordings at L + 32, shared at L + 48, the 16 slots at L + 56.
            let labels = try XCTUnwrap((0..<(index.encoded().count - 44)).first { index.encoded()[$0..<($0 + 44)].elementsEqual(sections) })
            XCTAssertEqual(index.encoded()[(labels + 56)..<(labels + 120)].filter { $0 == 0xFF }.count, 13 * 4, "13 empty slots")
            for fill in [{ (slot: Int) in Int32(slot % 3) }, { _ in Int32(7) }] {
                var bytes = index.encoded()
                for slot in 0..<16 { bytes.replaceSubrange((labels + 56 + 4 * slot)..<(labels + 60 + 4 * slot), with: le(fill(slot))) }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let damaged = try SongIndex.read(path)
                XCTAssertNil(damaged.row(of: "zz"))
                XCTAssertEqual(["a", "bb", "ccc"].map { damaged.row(of: $0) }, fill(0) == 7 ? [nil, nil, nil] : [0, 1, 2])
            }
            // Its slot count is the one the writer uses (16 for 3 songs): a miss probes at most that.
            for slots in [UInt32(3), 32, 1 << 30] {
                try Data(patched(index.encoded(), le(UInt32(16), 0), le(slots, 0))).write(to: URL(fileURLWithPath: path))
                XCTAssertEqual(errorMessage { _ = try SongIndex.read(path) }, "\(path): \(slots) lookup slots for 3 songs: a damaged index")
            }
        }
    }
}
