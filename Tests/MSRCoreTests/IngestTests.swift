import MSRTestSupport
import XCTest
@testable import MSRCore
import MSRNetwork

final class IngestTests: XCTestCase {
    /// A valid Spotify id (22 base62 characters) starting with `prefix`.
    func id(_ prefix: String) -> String { prefix + String(repeating: "0", count: 22 - prefix.count) }

    let schema = Schema(columns: [
        .init(name: "uri", type: .string), .init(name: "genre", type: .string),
        .init(name: "key", type: .int64), .init(name: "energy", type: .float64),
    ], id: "uri", target: "genre")

    /// Kaggle layout: unnamed index, quoted text with commas and quotes, extra columns.
    let kaggle = #"""
    ,track_id,artists,track_name,key,energy,track_genre
    0,a100000000000000000000,"Smith, Jo","Say ""Hi""",5,0.5,pop
    1,a200000000000000000000,X,Y,3,0.25,rock
    2,a300000000000000000000,X,"Line
    break",1,,pop
    3,a100000000000000000000,X,dup of a1,2,0.9,rock
    4,a400000000000000000000,X,Y,7,0.75,jazz
    5,,X,Y,7,0.75,pop
    6,a500000000000000000000,X,Y,11,1,rock

    """#

    func testBuilderFiltersDropsMissingAndDuplicates() throws {
        let builder = SongBaseBuilder(schema: schema, genres: ["pop", "rock"])
        let (table, counts) = try builder.build(csv: Array(kaggle.utf8), file: "d.csv")
        XCTAssertEqual(counts, .init(read: 7, otherGenre: 1, missingValue: 2, idForm: .spotify, duplicate: 1, kept: 3))
        XCTAssertEqual(table.uris.strings, [id("a1"), id("a2"), id("a5")])
        XCTAssertEqual(table.genres.names, ["pop", "rock"])
        XCTAssertEqual(table.genres.codes, [0, 1, 1])
        XCTAssertEqual(table.lines, [2, 3, 9])
        try withTemporaryFolder { folder in
            try table.writeCSV(to: "\(folder)/s.csv", featureText: table.featureText(), idName: "uri", targetName: "genre")
            XCTAssertEqual(try String(contentsOfFile: "\(folder)/s.csv", encoding: .utf8),
                           "uri,genre,key,energy\n\(id("a1")),pop,5,0.5\n\(id("a2")),rock,3,0.25\n\(id("a5")),rock,11,1.0\n")
        }
    }

    /// Past 131,072 rows the filter runs in blocks on both cores: the counts add up across
    /// blocks, the first invalid id's line is the file's first (invalid ids in both blocks), and a
    /// duplicate whose first copy is in the first block is dropped in the second.
    func testTheFilterOfAFileOfSeveralBlocksCountsAsOneBlockWould() throws {
        let rows = 140_000
        var csv = "uri,genre,key,energy\n"
        csv.reserveCapacity(rows * 40)
        for i in 0..<rows {
            let uri = i == 135_002 || i == 2 ? id("dup1") : String(format: "c%021d", i)
            let bad = i == 100_001 || i == 133_001 || i == 139_999  // too short
            let genre = i % 10 == 0 ? "jazz" : i % 2 == 0 ? "pop" : "rock"
            let energy = i == 7 || i == 136_001 ? "" : "0.5"
            csv += "\(bad ? "short" : uri),\(genre),\(i % 12),\(energy)\n"
        }
        let (table, counts) = try SongBaseBuilder(schema: schema, genres: ["pop", "rock"]).build(csv: Array(csv.utf8), file: "s.csv")
        let other = (0..<rows).filter { $0 % 10 == 0 }.count
        XCTAssertEqual(counts.read, rows)
        XCTAssertEqual(counts.otherGenre, other)
        XCTAssertEqual(counts.missingValue, 2)
        XCTAssertEqual(counts.invalidID, 3)
        XCTAssertEqual(counts.firstInvalidIDLine, 100_003, "row 100,001's line (after the header)")
        XCTAssertEqual(counts.duplicate, 1)
        XCTAssertEqual(counts.kept, rows - other - 6)
        XCTAssertEqual(table.count, counts.kept)
        XCTAssertEqual(table.uris[0], String(format: "c%021d", 1))
        XCTAssertEqual(table.uris[1], id("dup1"), "the first copy kept")
        XCTAssertEqual(table.uris.strings.filter { $0 == id("dup1") }.count, 1)
        XCTAssertEqual(table.lines.last, Int32(rows), "row 139,998, the last kept, on line 140,000")
    }

    func testBuilderReadsTheSongBaseLayoutToo() throws {
        let csv = "uri,genre,key,energy\n\(id("b1")),pop,1,0.5\n\(id("b2")),rock,2,0.6\n"
        let (table, _) = try SongBaseBuilder(schema: schema, genres: ["pop", "rock"]).build(csv: Array(csv.utf8), file: "s.csv")
        XCTAssertEqual(table.uris.strings, [id("b1"), id("b2")])
    }

    func testBuilderDropsAndCountsInvalidSpotifyIDs() throws {
        var csv = Array(",track_id,key,energy,track_genre\n".utf8)
        let ids: [[UInt8]] = [
            Array(id("ok1").utf8),
            Array(id("nul").utf8.prefix(10)) + [0] + Array(id("nul").utf8.suffix(11)),  // a NUL byte
            Array(id("bad").utf8.prefix(21)) + [0xFF],  // invalid UTF-8
            Array("spotify:track:\(id("uri"))".utf8),  // the song base holds bare ids
            Array(id("short").utf8.prefix(21)),
            Array((id("dash").prefix(21) + "-").utf8),
            Array(id("ok2").utf8),
        ]
        for (row, value) in ids.enumerated() { csv += Array("\(row),".utf8) + value + Array(",1,0.5,pop\n".utf8) }
        let (table, counts) = try SongBaseBuilder(schema: schema, genres: ["pop"]).build(csv: csv, file: "d.csv")
        XCTAssertEqual(table.uris.strings, [id("ok1"), id("ok2")])
        XCTAssertEqual(counts.invalidID, 5)
        XCTAssertEqual(counts.firstInvalidIDLine, 3)
        XCTAssertEqual(counts.kept, 2)
        XCTAssertEqual(IngestStage.invalidIDs(counts, file: "d.zip/d.csv"),
                       "5 with an invalid track id (not a 22-character base62 Spotify track id, the first on d.zip/d.csv:3), ")
        XCTAssertEqual(IngestStage.invalidIDs(SongBaseBuilder.Counts(), file: "d.zip/d.csv"), "", "a clean dataset's summary is unchanged")
    }

    func testBuilderHoldsOtherIDColumnsToPrintableText() throws {
        let other = Schema(columns: [.init(name: "song", type: .string), .init(name: "genre", type: .string),
                                     .init(name: "energy", type: .float64)], id: "song", target: "genre")
        let csv = Array("song,genre,energy\nmy song,pop,0.5\nbad\u{7}bell,pop,0.5\nbad".utf8) + [0xC3] + Array(",pop,0.5\nné,pop,0.5\n".utf8)
        let (table, counts) = try SongBaseBuilder(schema: other, genres: ["pop"]).build(csv: csv, file: "s.csv")
        XCTAssertEqual(table.uris.strings, ["my song", "né"])
        XCTAssertEqual(counts.invalidID, 2)
        XCTAssertEqual(counts.idForm, .printable)
    }

    func testBuilderRefusesADuplicatedColumn() {
        let csv = "uri,genre,key,energy,energy\n\(id("b1")),pop,1,0.5,-999\n"
        XCTAssertEqual(errorMessage {
            _ = try SongBaseBuilder(schema: self.schema, genres: ["pop"]).build(csv: Array(csv.utf8), file: "s.csv")
        }, "s.csv:1:5: duplicated column 'energy' (columns 4 and 5; expected each column once)")
    }

    func testBuilderRefusesANumberBeyondADouble() {
        let csv = "uri,genre,key,energy\n\(id("b1")),pop,1,0.5\n\(id("b2")),pop,1,1e999\n"
        XCTAssertEqual(errorMessage {
            _ = try SongBaseBuilder(schema: self.schema, genres: ["pop"]).build(csv: Array(csv.utf8), file: "s.csv")
        }, "s.csv:3:4: column 'energy': expected a finite number, got \"1e999\"")
    }

    func testBuilderRefusesAConfiguredGenreTheDataLacks() {
        XCTAssertEqual(errorMessage {
            _ = try SongBaseBuilder(schema: self.schema, genres: ["pop", "polka"]).build(csv: Array(self.kaggle.utf8), file: "d.csv")
        }, "d.csv: column 'track_genre': no track of genre 'polka' (listed in ingest.genres; the file has 3 genres: jazz, pop, rock)")
    }

    func testBuilderNamesABadCell() {
        let csv = "uri,genre,key,energy\n\(id("b1")),pop,1,0.5\n\(id("b2")),rock,2,high\n"
        XCTAssertEqual(errorMessage {
            _ = try SongBaseBuilder(schema: self.schema, genres: ["pop", "rock"]).build(csv: Array(csv.utf8), file: "s.csv")
        }, "s.csv:3:4: column 'energy': expected a number, got \"high\"")
    }

    func testArchiveReadsDatasetCSV() throws {
        try withTemporaryFolder { folder in
            try makeZip(at: "\(folder)/d.zip", [("readme.txt", "hi"), ("dataset.csv", "a\n1\n")])
            let (name, bytes) = try DatasetArchive.readCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20)
            XCTAssertEqual(name, "dataset.csv")
            XCTAssertEqual(bytes, Array("a\n1\n".utf8))
        }
    }

    func testTheCSVInflatesAsItIsReadAndStopsWhenTheReaderDoes() throws {
        // 44 MB inflated: more than the inflating thread may run ahead, so it waits for the reader.
        let csv = "a\n" + String(repeating: "1234567890\n", count: 4_000_000)
        try withTemporaryFolder { folder in
            try makeZip(at: "\(folder)/d.zip", [("dataset.csv", csv)])
            let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
            defer { piece.deallocate() }
            var total = 0
            let name = try DatasetArchive.withCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 30) { name, stream in
                while case let got = try stream.read(into: piece), got > 0 { total += got }
                return name
            }
            XCTAssertEqual(name, "dataset.csv")
            XCTAssertEqual(total, csv.utf8.count)
            // A reader that stops early, or fails, leaves no inflating thread behind to hang on.
            let started = try DatasetArchive.withCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 30) { _, stream in
                try stream.read(into: piece)
            }
            XCTAssertGreaterThan(started, 0)
            XCTAssertEqual(errorMessage {
                try DatasetArchive.withCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 30) { _, stream in
                    _ = try stream.read(into: piece)
                    throw MSRError(.badData, "stopped")
                }
            }, "stopped")
            // A reader that stops while the inflating thread is pieces ahead (its semaphore
            // then freed below where it started: libdispatch traps unless it started at zero).
            let stream = InflatingStream(ahead: 8)
            for _ in 0..<5 { try [UInt8](repeating: 7, count: 100).withUnsafeBytes { try stream.push($0) } }
            XCTAssertEqual(try stream.read(into: piece), 100)
            stream.cancel()
            XCTAssertThrowsError(try stream.push(UnsafeRawBufferPointer(start: nil, count: 0)), "cancelled")
            // The zip bomb limit stops a stream read to its end.
            XCTAssertEqual(errorMessage { _ = try DatasetArchive.readCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20) },
                           "\(folder)/d.zip: entry \"dataset.csv\" inflates beyond 1 MiB (data_ingestion.max_uncompressed_mb)")
        }
    }

    /// Pieces of every size pushed from another thread come out byte for byte, in order, however
    /// the reader cuts them: a piece read is filled again for a later one, never while read.
    func testTheStreamsRecycledPiecesKeepEveryByteInOrder() throws {
        let stream = InflatingStream(ahead: 4)
        let sizes = (0..<600).map { ($0 * 7_919) % 5_000 + 1 }
        let producer = Thread {
            for (k, size) in sizes.enumerated() {
                let piece = (0..<size).map { UInt8(truncatingIfNeeded: k &* 31 &+ $0) }
                try? piece.withUnsafeBytes { try stream.push($0) }
            }
            stream.finish(nil)
        }
        producer.start()
        let expected = sizes.enumerated().flatMap { k, size in (0..<size).map { UInt8(truncatingIfNeeded: k &* 31 &+ $0) } }
        var got: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 9_000, alignment: 16)
        defer { buffer.deallocate() }
        var turn = 0
        while true {
            let size = (turn * 4_271) % 9_000 + 1
            turn += 1
            let count = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<size]))
            if count == 0 { break }
            got.append(contentsOf: buffer[..<count])
        }
        XCTAssertEqual(got.count, expected.count)
        XCTAssertTrue(got == expected, "the bytes read differ from the bytes pushed")
        XCTAssertEqual(try stream.read(into: buffer), 0, "the end stays the end")
    }

    func testArchiveTakesTheOnlyCSVWhateverItsName() throws {
        try withTemporaryFolder { folder in
            try makeZip(at: "\(folder)/d.zip", [("tracks/spotify.csv", "a\n1\n")])
            XCTAssertEqual(try DatasetArchive.readCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20).name, "tracks/spotify.csv")
        }
    }

    func testArchiveRefusesHostilePaths() throws {
        try withTemporaryFolder { folder in
            for hostile in ["../evil.csv", "data/../../evil.csv", "/etc/evil.csv", "..\\evil.csv"] {
                try makeZip(at: "\(folder)/d.zip", [("dataset.csv", "a\n1\n"), (hostile, "x")])
                let message = errorMessage { _ = try DatasetArchive.readCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20) }
                XCTAssertTrue(message.hasPrefix("\(folder)/d.zip: entry \(MessageText.quoted(hostile)) "), message)
                XCTAssertTrue(message.hasSuffix("; refusing the archive"), message)
            }
        }
    }

    func testArchiveCapsTheInflatedSize() throws {
        try withTemporaryFolder { folder in
            try makeZip(at: "\(folder)/d.zip", [("dataset.csv", String(repeating: "0", count: 3 << 20))])
            XCTAssertEqual(errorMessage { _ = try DatasetArchive.readCSV(zipPath: "\(folder)/d.zip", maxBytes: 2 << 20) },
                           "\(folder)/d.zip: entry \"dataset.csv\" inflates beyond 2 MiB (data_ingestion.max_uncompressed_mb)")
        }
    }

    // MARK: - The zip reader against lying headers (msr reads zips itself: ZIPFoundation's inflate
    // loops forever on Linux when a deflate stream outlasts the file)

    /// A 630-byte archive libFuzzer found: its CSV's local header puts the data past the end of
    /// the file. ZIPFoundation's reader spun on end-of-file reads for minutes.
    static let fuzzedZip = "UEsDBBQAAAAIAFNIfl2aL5X9hAEAAFgCAAlUAgQAAAAAAHMuY3N2XZDLUuMwTQMAAAAAAADp/VgykEoqyUCZ4jGwoYStJCjnSsVIMGAEmc6ZwKFGlOiYhIxdzGJBqQTFc4QJmMbbzhlfnwIa6e3Yu+WVcbN9D/3R2nJXp7Mp26H3dZmK2vW+Gw7WedOki5NpbICBt4djCz5t2FrX2d+/+IyideWn4mH+eX+6rWQj9nP/////xUgwYASZzgQUAAAACABTSH5dhqYQNgcAAAAFAAAABgAAAFJFQURNRctIzcnJBwBQSwECFAMUAAAACABTSH5dmi+V/YQBAABYAgB6CQAAAAAAAAAAAAAAgAEAAHMAAG9uZ3MuY3N2UEsBAhQDFAAABAgAU0h+XYamEDbWNNdKXJCLj7vF9UOBlw2dzP/x5e543onwXuCoTyGZ/CC5+raDisTWcS3CMpG1AkxY+Bj9yWabdnheiX9Pi93USLWaCvz4sY7sNM4ZsChaaPLNjLKJTj+I1mAesDjX9NJn+fdmPz1f3b+a9axanVsxXnXzMCFlJDAJBDL5BVBLAwQUAAAACABTSH5dhqYQNgcAAAAFAAAABgAAAFJFQURNRctIzcnJBwBQSwECFAMUAAAACABTSH5dmi+V/YQBAABYAgAACQAAAAAAAAAAAAAAgAEAAAAAc29uZ3MuY3N2UEsBAhQDFAA6AAgAU0h+XYamEDYHALAABQAAAAYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAGrAQAAUkVBRE1FUEsFBgAAAAACAAIAawAAANYBAAAAAA=="

    func testArchiveWhoseDataRunsPastTheFileIsRefusedAtOnce() throws {
        try withTemporaryFolder { folder in
            try Data(base64Encoded: Self.fuzzedZip)!.write(to: URL(fileURLWithPath: "\(folder)/d.zip"))
            XCTAssertEqual(errorMessage { _ = try DatasetArchive.readCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20) },
                           "\(folder)/d.zip: entry \"songs.csv\" is truncated: its 388 compressed bytes run past the end of the file")
        }
    }

    /// Writes a one-entry deflated archive of `text` whose central directory record has the
    /// 32-bit field at `field` (16 CRC-32, 20 compressed size, 24 size) changed by `change`;
    /// returns the field's true value.
    @discardableResult
    private func zipWithField(_ folder: String, text: String, field: Int, _ change: (UInt32) -> UInt32) throws -> UInt32 {
        try makeZip(at: "\(folder)/d.zip", [("dataset.csv", text)])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/d.zip")))
        let record = try XCTUnwrap((0..<bytes.count - 4).first { bytes[$0..<$0 + 4] == [0x50, 0x4b, 0x01, 0x02] })
        let old = bytes[(record + field)..<(record + field + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        withUnsafeBytes(of: change(old).littleEndian) { bytes.replaceSubrange((record + field)..<(record + field + 4), with: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/d.zip"))
        return old
    }

    func testDamageFoundLaterWinsOverWhatItMadeTheReaderStopAt() throws {
        let text = "a,b\n" + String(repeating: "1,2\n", count: 20_000)
        try withTemporaryFolder { folder in
            try zipWithField(folder, text: text, field: 16) { $0 ^ 1 }
            let stop = { (name: String, stream: any ByteStream) throws -> Int in
                throw MSRError.badData(file: name, line: 1, "missing column 'genre'")
            }
            XCTAssertEqual(errorMessage { _ = try DatasetArchive.withCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20, stop) },
                           "\(folder)/d.zip: entry \"dataset.csv\" is corrupt: it fails its CRC-32 check")
            try zipWithField(folder, text: text, field: 16) { $0 }
            XCTAssertEqual(errorMessage { _ = try DatasetArchive.withCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20, stop) },
                           "dataset.csv:1: missing column 'genre'", "an undamaged entry: the reader's own error")
        }
    }

    func testArchiveRefusesEveryLyingField() throws {
        let text = (0..<5_000).map { "row \($0) of a song base\n" }.joined()
        try withTemporaryFolder { folder in
            let read = { errorMessage { _ = try DatasetArchive.readCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20) } }
            let entry = "\(folder)/d.zip: entry \"dataset.csv\""
            let compressed = try zipWithField(folder, text: text, field: 20) { $0 / 2 }
            XCTAssertEqual(read(), "\(entry) is truncated: its deflate stream does not end within its \(compressed / 2) compressed bytes")
            try zipWithField(folder, text: text, field: 20) { $0 + 1 }
            XCTAssertEqual(read(), "\(entry) is corrupt: bytes follow the end of its deflate stream")
            try zipWithField(folder, text: text, field: 20) { $0 + 1_000_000 }
            XCTAssertEqual(read(), "\(entry) is truncated: its \(compressed + 1_000_000) compressed bytes run past the end of the file")
            try zipWithField(folder, text: text, field: 16) { $0 ^ 1 }
            XCTAssertEqual(read(), "\(entry) is corrupt: it fails its CRC-32 check")
            try zipWithField(folder, text: text, field: 24) { $0 - 10 }
            XCTAssertEqual(read(), "\(entry) is corrupt: it inflates to \(text.utf8.count) bytes, its header says \(text.utf8.count - 10)")
            // The first block's type made 3 (reserved): the inflater's reason, as zlib words it.
            try makeZip(at: "\(folder)/d.zip", [("dataset.csv", text)])
            var zip = try FileBytes.read("\(folder)/d.zip", what: "zip")
            let data = 30 + Int(zip[26]) + Int(zip[27]) << 8 + Int(zip[28]) + Int(zip[29]) << 8
            zip[data] |= 0b110
            try AtomicFile.write(zip, to: "\(folder)/d.zip")
            XCTAssertEqual(read(), "\(entry) is corrupt: invalid deflate data (invalid block type)")
        }
    }

    func testArchiveReadsStoredAndZip64EntriesAndRefusesEncryptedOrUnknownMethods() throws {
        try withTemporaryFolder { folder in
            let path = "\(folder)/d.zip"
            let read = { try DatasetArchive.readCSV(zipPath: path, maxBytes: 1 << 20) }
            for zip64 in [false, true] {
                try Data(storedZip([("notes/", ""), ("dataset.csv", "a\n1\n")], zip64: zip64)).write(to: URL(fileURLWithPath: path))
                let (name, bytes) = try read()
                XCTAssertEqual(name, "dataset.csv")
                XCTAssertEqual(bytes, Array("a\n1\n".utf8), "zip64: \(zip64)")
            }
            try Data(storedZip([("dataset.csv", "a\n1\n")], flags: 0x801)).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try read() }, "\(path): entry \"dataset.csv\" is encrypted")
            try Data(storedZip([("dataset.csv", "a\n1\n")], method: 12)).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try read() },
                           "\(path): entry \"dataset.csv\" uses compression method 12 (expected deflate or stored)")
            // A directory that claims more records than it can hold is not a zip.
            var lying = storedZip([("dataset.csv", "a\n1\n")])
            lying[lying.count - 12] = 0xFF
            lying[lying.count - 11] = 0x00
            try Data(lying).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try read() }, "\(path): not a zip archive (expected a zip holding dataset.csv)")
            // A name with a line break stays on one line.
            try Data(storedZip([("dataset.csv", "a\n"), ("../a\nb", "")])).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try read() },
                           "\(path): entry \"../a\\nb\" leaves the extraction folder; refusing the archive")
        }
    }

    func testNotAZipAndMissingZip() throws {
        try withTemporaryFolder { folder in
            try Data("uri,genre\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/d.zip"))
            XCTAssertEqual(errorMessage { _ = try DatasetArchive.readCSV(zipPath: "\(folder)/d.zip", maxBytes: 1 << 20) },
                           "\(folder)/d.zip: not a zip archive (expected a zip holding dataset.csv)")
            XCTAssertEqual(errorMessage { _ = try DatasetArchive.readCSV(zipPath: "\(folder)/none.zip", maxBytes: 1 << 20) },
                           "\(folder)/none.zip: dataset archive not found")
        }
    }

    func testFetcherCopiesPathsAndFileURLsAndRefusesMissingOnes() throws {
        try withTemporaryFolder { folder in
            try makeZip(at: "\(folder)/src.zip", [("dataset.csv", "a\n1\n")])
            let zip = FileManager.default.contents(atPath: "\(folder)/src.zip")
            try DatasetFetcher.fetch("\(folder)/src.zip", to: "\(folder)/raw/a.zip", maxBytes: 1 << 20, http: URLSessionClient())
            try DatasetFetcher.fetch("file://\(folder)/src.zip", to: "\(folder)/raw/b.zip", maxBytes: 1 << 20, http: URLSessionClient())
            XCTAssertEqual(FileManager.default.contents(atPath: "\(folder)/raw/a.zip"), zip)
            XCTAssertEqual(FileManager.default.contents(atPath: "\(folder)/raw/b.zip"), zip)
            let error = errorMessage {
                try DatasetFetcher.fetch("\(folder)/absent.zip", to: "\(folder)/raw/c.zip", maxBytes: 1 << 20, http: URLSessionClient())
            }
            XCTAssertEqual(error, "\(folder)/absent.zip: dataset (data_ingestion.source_url) not found")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(folder)/raw").sorted(), ["a.zip", "b.zip"],
                           "no temporary file is left behind")
        }
    }

    func testFetcherKeepsThePreviousArchiveWhenTheNewOneIsBad() throws {
        try withTemporaryFolder { folder in
            try makeZip(at: "\(folder)/good.zip", [("dataset.csv", "a\n1\n")])
            try FileManager.default.createDirectory(atPath: "\(folder)/raw", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(folder)/good.zip", toPath: "\(folder)/raw/d.zip")
            let good = FileManager.default.contents(atPath: "\(folder)/good.zip")
            try Data("<html></html>".utf8).write(to: URL(fileURLWithPath: "\(folder)/page.zip"))
            try makeZip(at: "\(folder)/big.zip", [("dataset.csv", String(repeating: "0", count: 3 << 20))])
            let kept = "; the previous \(folder)/raw/d.zip is kept"
            let cases = [
                ("\(folder)/page.zip", "\(folder)/page.zip: not a zip archive (expected a zip holding dataset.csv)" + kept),
                // Compressed, the archive is under the cap; its CSV inflates beyond it.
                ("\(folder)/big.zip", "\(folder)/big.zip: entry \"dataset.csv\" inflates beyond 2 MiB (data_ingestion.max_uncompressed_mb)" + kept),
                ("/dev/null", "/dev/null: a character device, not a zip archive (data_ingestion.source_url)" + kept),
                (folder, "\(folder): a folder, not a zip archive (data_ingestion.source_url)" + kept),
            ]
            for (source, message) in cases {
                XCTAssertEqual(errorMessage {
                    try DatasetFetcher.fetch(source, to: "\(folder)/raw/d.zip", maxBytes: 2 << 20, http: URLSessionClient())
                }, message)
                XCTAssertEqual(FileManager.default.contents(atPath: "\(folder)/raw/d.zip"), good)
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(folder)/raw"), ["d.zip"])
            }
        }
    }

    func testFetcherStopsACopyPastTheCap() throws {
        try withTemporaryFolder { folder in
            try Data(repeating: 7, count: (2 << 20) + 1).write(to: URL(fileURLWithPath: "\(folder)/big.bin"))
            XCTAssertEqual(errorMessage {
                try DatasetFetcher.fetch("\(folder)/big.bin", to: "\(folder)/raw/d.zip", maxBytes: 2 << 20, http: URLSessionClient())
            }, "\(folder)/big.bin: larger than 2 MiB (data_ingestion.max_uncompressed_mb)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(folder)/raw"), [])
        }
    }

    func testFetcherReportsAnUnreachableURL() {
        withTemporaryFolder { folder in
            // Port 9 on loopback: nothing listens, the connection is refused at once.
            let error = errorMessage { try DatasetFetcher.fetch("http://127.0.0.1:9/dataset.zip", to: "\(folder)/d.zip", maxBytes: 1 << 20, http: URLSessionClient()) }
            XCTAssertTrue(error.hasPrefix("http://127.0.0.1:9/dataset.zip: download failed: "), error)
            XCTAssertFalse(FileManager.default.fileExists(atPath: "\(folder)/d.zip"))
        }
    }
}
