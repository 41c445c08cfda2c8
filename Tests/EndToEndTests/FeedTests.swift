import MSRTestSupport
import XCTest

/// msr-feed on the embedded song base.
final class FeedTests: XCTestCase {
    let header = "uri,genre,key,acousticness,danceability,energy,instrumentalness,loudness,speechiness,valence,tempo\n"

    /// `count` songs spread over the base (which is in genre order), under new uris (`N0...`),
    /// their tempo raised by `tempoShift`.
    func newSongs(_ workspace: Workspace, count: Int, tempoShift: Double, prefix: String = "N") throws -> String {
        let rows = try XCTUnwrap(workspace.read("data/raw/song_df.csv")).split(separator: "\n").dropFirst()
        return stride(from: 0, to: count * (rows.count / count), by: rows.count / count).map { i -> String in
            var cells = rows[rows.startIndex + i].split(separator: ",").map(String.init)
            cells[0] = prefix + String(repeating: "0", count: 21 - String(i).count) + String(i)
            cells[10] = String(Double(cells[10])! + tempoShift)
            return cells.joined(separator: ",") + "\n"
        }.joined()
    }

    func testMergesArchivesFlagsAndIngestRebuildsTheSameBase() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        let before = try XCTUnwrap(workspace.bytes("data/raw/song_df.csv"))
        let known = try XCTUnwrap(workspace.read("data/raw/song_df.csv")).split(separator: "\n")[1] + "\n"
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/data/new", withIntermediateDirectories: true)
        try workspace.write(header + newSongs(workspace, count: 800, tempoShift: 40) + known, to: "data/new/batch1.csv")

        let result = try workspace.run("feed")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("msr-feed: 1 files, 801 songs: added 800, 1 already known; base 10674 -> 11474 (+7.49%)"), result.stdout)
        let feed = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/feed.json"))) as? [String: Any])
        XCTAssertEqual(feed["added"] as? Int, 800)
        XCTAssertEqual(feed["duplicates"] as? Int, 1)
        XCTAssertEqual(feed["base_after"] as? Int, 11_474)
        XCTAssertEqual(feed["retrain"] as? Bool, true)
        let drift = try XCTUnwrap(feed["drift"] as? [String: [String: Double]])
        XCTAssertGreaterThan(try XCTUnwrap(drift["tempo"]?["psi"]), 1, "tempo moved by 40 bpm")
        XCTAssertGreaterThan(try XCTUnwrap(drift["tempo"]?["ks"]), 0.4)
        for (feature, figures) in drift where feature != "tempo" {
            XCTAssertLessThan(try XCTUnwrap(figures["psi"]), 0.05, feature)
        }
        let flag = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("data/raw/retrain.flag"))) as? [String: Any])
        XCTAssertEqual(flag["reasons"] as? [String], ["the song base grew by 7.49% (feed.min_delta: 5)",
                                                      "feature 'tempo' drifted: PSI \(String(format: "%.4f", try XCTUnwrap(drift["tempo"]?["psi"]))) (feed.max_psi: 0.2)"])
        // The previous base and the consumed file are archived; nothing is left waiting.
        let archived = workspace.files(under: "data/archive")
        XCTAssertEqual(archived.count, 2, "\(archived)")
        let stamp = try XCTUnwrap(archived.first?.split(separator: "/").first)
        XCTAssertEqual(Set(archived), ["\(stamp)/new/batch1.csv", "\(stamp)/song_df.csv"])
        XCTAssertEqual(workspace.bytes("data/archive/\(stamp)/song_df.csv"), before)
        XCTAssertEqual(workspace.files(under: "data/new"), [])
        XCTAssertEqual(try XCTUnwrap(workspace.read("data/raw/additions.csv")).split(separator: "\n").count, 801)

        // msr-ingest appends the fed songs to the dataset's: the very same song base.
        let fed = workspace.bytes("data/raw/song_df.csv")
        let ingest = try workspace.run("ingest")
        XCTAssertTrue(ingest.stdout.contains(", added 800 fed songs (data/raw/additions.csv) -> "), ingest.stdout)
        XCTAssertEqual(workspace.bytes("data/raw/song_df.csv"), fed)
        XCTAssertEqual(try workspace.run("validate").status, 0)

        // Nothing new: the song base, the additions and the archive stay; feed.json says so.
        let additions = workspace.bytes("data/raw/additions.csv")
        let again = try workspace.run("feed")
        XCTAssertEqual(again.stdout, "msr-feed: nothing new in data/new: the song base is unchanged\n")
        XCTAssertEqual(workspace.files(under: "data/archive").count, 2)
        XCTAssertEqual(workspace.bytes("data/raw/song_df.csv"), fed)
        XCTAssertEqual(workspace.bytes("data/raw/additions.csv"), additions)
        let quiet = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/feed.json"))) as? [String: Any])
        XCTAssertEqual(quiet["added"] as? Int, 0)
        XCTAssertEqual(quiet["retrain"] as? Bool, false)
    }

    func testSmallStableFeedRaisesNoFlag() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/data/new", withIntermediateDirectories: true)
        try workspace.write(header + newSongs(workspace, count: 300, tempoShift: 0), to: "data/new/a.csv")
        let result = try workspace.run("feed")
        XCTAssertEqual(result.status, 0, result.stderr)
        let feed = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/feed.json"))) as? [String: Any])
        XCTAssertEqual(feed["added"] as? Int, 300)
        XCTAssertEqual(feed["retrain"] as? Bool, false)
        XCTAssertLessThan(try XCTUnwrap(feed["max_psi"] as? Double), 0.1)
        XCTAssertFalse(workspace.exists("data/raw/retrain.flag"))
    }

    func testItsOutputsAreReplacedAllOrNone() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        let base = workspace.bytes("data/raw/song_df.csv")
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/data/new", withIntermediateDirectories: true)
        try workspace.write(header + newSongs(workspace, count: 800, tempoShift: 40), to: "data/new/a.csv")
        // feed.json cannot be written (its name is too long for the system): the base and additions stay.
        try workspace.edit("config.yaml", "  metrics: metrics/feed.json", "  metrics: metrics/" + String(repeating: "x", count: 300) + ".json")
        let result = try workspace.run("feed")
        XCTAssertEqual(result.status, 74, result.stderr)
        XCTAssertEqual(workspace.bytes("data/raw/song_df.csv"), base, "the song base is as it was")
        XCTAssertFalse(workspace.exists("data/raw/additions.csv"))
        XCTAssertFalse(workspace.exists("data/raw/retrain.flag"))
        XCTAssertEqual(workspace.files(under: "data/new"), ["a.csv"], "the new songs wait for the next feed")
        XCTAssertEqual(workspace.files(under: "data/raw"), ["dataset.zip", "song_df.csv"], "no temporary is left")
    }

    func testABadFileIsRefusedWholeAndNothingIsMerged() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        let before = workspace.bytes("data/raw/song_df.csv")
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/data/new", withIntermediateDirectories: true)
        try workspace.write(header + newSongs(workspace, count: 10, tempoShift: 0), to: "data/new/a.csv")
        try workspace.write(header + "B000000000000000000001,pop,1,0.1,0.5,0.5,0,-5,0.05,0.5,120\n"
                            + "B000000000000000000002,pop,1,0.1,0.5,0.5,0,-5,0.05,0.5,fast\n", to: "data/new/b.csv")
        XCTAssertFails(try workspace.run("feed"), status: 65,
                       "msr-feed: data/new/b.csv:3: column 'tempo': expected a float64 number, got \"fast\" (nothing merged)")
        try workspace.write(header + "B000000000000000000002,polka,1,0.1,0.5,0.5,0,-5,0.05,0.5,120\n", to: "data/new/b.csv")
        XCTAssertEqual(try workspace.run("feed").status, 65)
        XCTAssertEqual(workspace.bytes("data/raw/song_df.csv"), before)
        XCTAssertEqual(workspace.files(under: "data/new").sorted(), ["a.csv", "b.csv"])
        XCTAssertFalse(workspace.exists("data/archive"))
        XCTAssertFalse(workspace.exists("data/raw/additions.csv"))
        XCTAssertFalse(workspace.exists("metrics/feed.json"))
    }

    func testANewDirThatIsNotAFolderIsRefusedAndAnAbsentOneIsNothingNew() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        let absent = try workspace.run("feed")
        XCTAssertEqual(absent.status, 0, absent.stderr)
        XCTAssertEqual(absent.stdout, "msr-feed: nothing new in data/new: the song base is unchanged\n")
        try workspace.write(header, to: "data/new")
        XCTAssertFails(try workspace.run("feed"), status: 65, "msr-feed: feed.new_dir: data/new is not a folder")
        try FileManager.default.removeItem(atPath: "\(workspace.path)/data/new")
        try FileManager.default.createSymbolicLink(atPath: "\(workspace.path)/data/new", withDestinationPath: "new")
        XCTAssertFails(try workspace.run("feed"), status: 74,
                       "msr-feed: feed.new_dir: data/new cannot be read: Too many levels of symbolic links")
    }

    func testAFeedInTheSameSecondAsAnotherGetsAnArchiveOfItsOwn() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        // Earlier feeds' archives for every second of the next two minutes: this feed's second is one of them.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let now = Date()
        let stamps = (-2...120).map { formatter.string(from: now.addingTimeInterval(Double($0))) }
        for stamp in stamps {
            try workspace.write("earlier base\n", to: "data/archive/\(stamp)/song_df.csv")
            try workspace.write("earlier feed\n", to: "data/archive/\(stamp)/new/batch.csv")
        }
        try workspace.write(header + newSongs(workspace, count: 10, tempoShift: 0), to: "data/new/batch.csv")
        let result = try workspace.run("feed")
        XCTAssertEqual(result.status, 0, result.stderr)
        for stamp in stamps {
            XCTAssertEqual(workspace.read("data/archive/\(stamp)/song_df.csv"), "earlier base\n")
            XCTAssertEqual(workspace.read("data/archive/\(stamp)/new/batch.csv"), "earlier feed\n")
        }
        let added = workspace.files(under: "data/archive").filter { !stamps.contains(String($0.prefix { $0 != "/" })) }
        XCTAssertEqual(added.count, 2, "\(added)")
        let folder = try XCTUnwrap(added.first?.split(separator: "/").first)
        XCTAssertTrue(stamps.contains(String(folder.dropLast(2))) && folder.hasSuffix("-2"), "\(folder)")
        XCTAssertEqual(Set(added), ["\(folder)/new/batch.csv", "\(folder)/song_df.csv"])
    }

    func testAFeedFileWhoseNameIsNotUTF8IsNamedAndNothingIsMerged() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        let before = workspace.bytes("data/raw/song_df.csv")
        try workspace.write(header + newSongs(workspace, count: 10, tempoShift: 0), to: "data/new/a.csv")
        // "caf\xE9.csv": Latin-1, not UTF-8.
        let name = Array("\(workspace.path)/data/new/caf".utf8) + [0xE9] + Array(".csv".utf8) + [0]
        let descriptor = name.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_WRONLY | O_CREAT, 0o644) }
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        close(descriptor)
        XCTAssertFails(try workspace.run("feed"), status: 65,
                       "msr-feed: data/new/caf\\xE9.csv: the file name is not valid UTF-8: rename it (nothing merged)")
        XCTAssertEqual(workspace.bytes("data/raw/song_df.csv"), before)
        XCTAssertFalse(workspace.exists("data/archive"))
    }
}
