import Foundation
import MSRCore
import MSRTestSupport
import XCTest

/// OutputSet: a stage's outputs all written or none.
final class OutputSetTests: XCTestCase {
    /// An output written piece by piece: all of it once committed; a failure between two pieces
    /// leaves the previous file and no temporary.
    func testAnOutputWrittenPieceByPiece() throws {
        try withTemporaryFolder { folder in
            let a = "\(folder)/a.bin"
            try Data("old".utf8).write(to: URL(fileURLWithPath: a))
            struct Stop: Error {}
            let failing = OutputSet()
            XCTAssertThrowsError(try failing.add(to: a) { file in
                try file.write(Array("new ".utf8))
                throw Stop()
            })
            XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "old")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["a.bin"])
            let outputs = OutputSet()
            try outputs.add(to: a) { file in
                for piece in ["new ", "in ", "pieces"] { try file.write(Array(piece.utf8)) }
            }
            XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "old")
            try outputs.commit()
            XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "new in pieces")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["a.bin"])
        }
    }

    func testNothingIsReplacedUntilEveryOutputIsWritten() throws {
        try withTemporaryFolder { folder in
            let a = "\(folder)/a.json", b = "\(folder)/sub/b.json"
            try Data("old a".utf8).write(to: URL(fileURLWithPath: a))
            func contents() -> [String] {
                ((try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? []).sorted()
            }

            // A failing second output: the first target keeps its bytes, no temporary is left.
            let failing = OutputSet()
            try failing.add("new a", to: a)
            try Data().write(to: URL(fileURLWithPath: "\(folder)/file"))
            XCTAssertEqual(errorMessage { try failing.add("x", to: "\(folder)/file/c.json") },
                           "\(folder)/file/c.json: cannot create the folder \(folder)/file")
            XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "old a")
            XCTAssertEqual(contents(), ["a.json", "file"])

            // Dropped without a commit: the same.
            do {
                let dropped = OutputSet()
                try dropped.add("new a", to: a)
                try dropped.add("new b", to: b)
            }
            XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "old a")
            XCTAssertEqual(contents(), ["a.json", "file", "sub"])

            // The same file twice is refused.
            let twice = OutputSet()
            try twice.add("1", to: a)
            XCTAssertEqual(errorMessage { try twice.add("2", to: a) }, "\(a): two outputs of the stage are this one file")

            let outputs = OutputSet()
            try outputs.add("new a", to: a)
            try outputs.add(.object(["b": .int(1)]), to: b)
            XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "old a", "nothing moves before the commit")
            try outputs.commit()
            XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "new a")
            XCTAssertEqual(try String(contentsOfFile: b, encoding: .utf8), "{\n  \"b\": 1\n}\n")
            XCTAssertEqual(contents(), ["a.json", "file", "sub", "sub/b.json"])
        }
    }

    func testTemporariesOfKilledWritersAreRemoved() throws {
        try withTemporaryFolder { folder in
            // A pid above Linux's pid_max cannot be running: its writer was killed.
            let dead = "\(folder)/.a.json.tmp-99999999"
            XCTAssertTrue(FileManager.default.createFile(atPath: dead, contents: Data("half".utf8)))
            let outputs = OutputSet()
            try outputs.add("{}\n", to: "\(folder)/a.json")
            try outputs.commit()
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["a.json"])
        }
    }
}
