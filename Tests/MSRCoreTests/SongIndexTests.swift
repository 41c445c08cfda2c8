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

    func testRoundTripsDescriptiveTextAndGivesEachSongItsDetails() throws {
        var named = index
        named.uris = TextColumn(["5E30LdtzQTGqRvNd7l6kG5", "not-spotify", "09gysnJpfQ3ublBmJDfcEC"])
        named.descriptive = [DescriptiveColumn(name: "track_name", values: TextColumn([#"Say "Hi", Jo"#, "", "Né"])),
                             DescriptiveColumn(name: "artists", values: TextColumn(["Smith, Jo", "X", ""])),
                             DescriptiveColumn(name: "album_name", values: TextColumn(["Best of", "", ""]))]
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

            var damaged = named
            damaged.descriptive[1].values = TextColumn(bytes: Array("SmithX".utf8), ends: [5, 6, 9])
            try Data(damaged.encoded()).write(to: URL(fileURLWithPath: "\(folder)/catalog.msrix"))
            XCTAssertEqual(errorMessage { _ = try SongIndex.read("\(folder)/catalog.msrix") },
                           "\(folder)/catalog.msrix: descriptive column 'artists': a song's text points outside the index: a damaged index")
        }
    }

    func testRefusesAVersion1Index() throws {
        try withTemporaryFolder { folder in
            var bytes = index.encoded()
            bytes[8] = 1
            try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/catalog.msrix"))
            XCTAssertEqual(errorMessage { _ = try SongIndex.read("\(folder)/catalog.msrix") },
                           "\(folder)/catalog.msrix: song index version 1; this msr reads version 2 (run msr-cluster again)")
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
