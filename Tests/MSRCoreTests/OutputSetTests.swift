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

    /// A retired file (an earlier run's genre file) is removed by the commit, after the outputs
    /// are in place; not when the set is dropped or its commit fails; never when it is an output.
    func testRetiredFilesGoOnlyWithACommit() throws {
        try withTemporaryFolder { folder in
            for name in ["to_rec_0.csv", "to_rec_1.csv", "to_rec_2.csv", "to_rec_02.csv", "to_rec_2.csv.bak", "other.csv"] {
                try Data("old".utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
            }
            XCTAssertEqual(FolderFiles.beyond(1, in: folder, FolderFiles.toRec), ["\(folder)/to_rec_1.csv", "\(folder)/to_rec_2.csv"])
            XCTAssertEqual(FolderFiles.beyond(3, in: folder, FolderFiles.toRec), [])
            XCTAssertEqual(FolderFiles.beyond(0, in: "\(folder)/absent", FolderFiles.toRec), [])
            do {
                let dropped = OutputSet()
                try dropped.add("new", to: "\(folder)/to_rec_0.csv")
                dropped.retire(FolderFiles.beyond(1, in: folder, FolderFiles.toRec))
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).count, 6, "nothing removed without a commit")
            let outputs = OutputSet()
            try outputs.add("new", to: "\(folder)/to_rec_0.csv")
            try outputs.add("new", to: "\(folder)/to_rec_1.csv")
            outputs.retire(FolderFiles.beyond(1, in: folder, FolderFiles.toRec))
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.contains(".tmp-") }.count, 6)
            try outputs.commit()
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                           ["other.csv", "to_rec_0.csv", "to_rec_02.csv", "to_rec_1.csv", "to_rec_2.csv.bak"])
            XCTAssertEqual(try String(contentsOfFile: "\(folder)/to_rec_1.csv", encoding: .utf8), "new", "an output is never retired")
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
                           "\(folder)/file/c.json: cannot create the folder \(folder)/file: File exists")
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
