import Foundation
@testable import MSRCore
@testable import MSRService
import MSRTestSupport
import XCTest

/// The recommendations log held open while serving still ends up at its path: a log moved
/// away, deleted or replaced is opened anew there once the path is checked again, a missing
/// folder is made, and a failed append leaves the next one to open the path again.
final class RecommendationLogAppenderTests: XCTestCase {
    static func result(_ name: String) -> Recommender.Result {
        Recommender.Result(playlist: Playlist(name: name, tracks: [Playlist.Track(id: "4uLU6hMCjMI75M1A2tKUQC", given: "x")]),
                           knownTracks: 1, unknownTracks: [], genre: "pop", probabilities: ["pop": 1],
                           picks: [Recommender.Pick(row: 0, uri: "spotify:track:1111111111111111111111", genre: "pop", score: 0.5)],
                           similarity: 0.75)
    }

    /// The playlists' names logged in `file`, in order.
    func names(_ file: String) throws -> [String] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map { line in
            guard case .object(let object) = try JSONParser.parse(Array(line.utf8)), case .string(let name)? = object["name"] else {
                throw MSRError(.badData, "a line without a name: \(line)")
            }
            return name
        }
    }

    func testTheLogIsOpenedAnewWhenItsPathNamesAnotherFile() throws {
        try withTemporaryFolder { folder in
            let path = "\(folder)/reco/recommendations.jsonl"
            let appender = RecommendationLogAppender(RecommendationLog(path: path), recheck: 0)
            try appender.append([Self.result("a")], user: "ana")
            try appender.append([Self.result("b")], user: "ana")
            XCTAssertEqual(try names(path), ["a", "b"], "the folder made, the lines appended")
            try FileManager.default.moveItem(atPath: path, toPath: "\(folder)/moved.jsonl")
            try appender.append([Self.result("c")], user: "ana")
            XCTAssertEqual(try names(path), ["c"])
            XCTAssertEqual(try names("\(folder)/moved.jsonl"), ["a", "b"])
            try FileManager.default.removeItem(atPath: path)
            try appender.append([Self.result("d")], user: "ana")
            XCTAssertEqual(try names(path), ["d"])
            // Replaced by a rename, as an atomic writer (or `dvc checkout`) does.
            try Data(#"{"name": "kept"}"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: "\(folder)/new.jsonl"))
            XCTAssertEqual(rename("\(folder)/new.jsonl", path), 0)
            try appender.append([Self.result("e")], user: "ana")
            XCTAssertEqual(try names(path), ["kept", "e"])
        }
    }

    /// Between checks the open file is written to, wherever it went: the check is what follows
    /// the path.
    func testBetweenChecksTheOpenFileIsWritten() throws {
        try withTemporaryFolder { folder in
            let path = "\(folder)/recommendations.jsonl"
            let appender = RecommendationLogAppender(RecommendationLog(path: path), recheck: .max)
            try appender.append([Self.result("a")], user: "ana")
            try FileManager.default.moveItem(atPath: path, toPath: "\(folder)/moved.jsonl")
            try appender.append([Self.result("b")], user: "ana")
            XCTAssertEqual(try names("\(folder)/moved.jsonl"), ["a", "b"])
            XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        }
    }

    /// A path that cannot be opened is one clear error, at each append until it can; then the
    /// lines go to it.
    func testAnUnopenablePathFailsUntilItIsFixed() throws {
        try withTemporaryFolder { folder in
            let path = "\(folder)/recommendations.jsonl"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            let appender = RecommendationLogAppender(RecommendationLog(path: path), recheck: .max)
            for _ in 0..<2 {
                XCTAssertEqual(errorMessage { try appender.append([Self.result("a")], user: "ana") },
                               "\(path): is a directory, not a regular file (the recommendations log, prediction.log)")
            }
            try FileManager.default.removeItem(atPath: path)
            try appender.append([Self.result("b")], user: "ana")
            XCTAssertEqual(try names(path), ["b"])
            // A FIFO with no reader: refused at once, not waited on; a device, refused.
            let fifo = "\(folder)/fifo.jsonl"
            XCTAssertEqual(mkfifo(fifo, 0o644), 0)
            XCTAssertEqual(errorMessage { try RecommendationLogAppender(RecommendationLog(path: fifo)).append([Self.result("c")], user: "ana") },
                           "\(fifo): is a FIFO, not a regular file (the recommendations log, prediction.log)")
            XCTAssertEqual(errorMessage { try RecommendationLog(path: "/dev/null").append([Self.result("c")]) },
                           "/dev/null: is a character device, not a regular file (the recommendations log, prediction.log)")
        }
    }
}
