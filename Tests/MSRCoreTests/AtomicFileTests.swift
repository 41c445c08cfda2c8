import Foundation
import MSRTestSupport
import XCTest
@testable import MSRCore

/// Artifacts are written whole or not at all, never over a node that is not a regular file.
final class AtomicFileTests: XCTestCase {
    func testAFIFOIsNotReplaced() throws {
        try withTemporaryFolder { folder in
            XCTAssertEqual(mkfifo("\(folder)/pipe", 0o644), 0)
            XCTAssertEqual(errorMessage { try AtomicFile.write("x", to: "\(folder)/pipe") },
                           "\(folder)/pipe: is a FIFO, not a regular file: refusing to replace it")
            var info = stat()
            XCTAssertEqual(lstat("\(folder)/pipe", &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
        }
    }

    func testTemporariesOfKilledWritersAreRemovedAndLiveOnesKept() throws {
        try withTemporaryFolder { folder in
            // A pid that cannot be running (above Linux's pid_max), and this process's parent.
            let dead = "\(folder)/.a.json.tmp-99999999", live = "\(folder)/.a.json.tmp-\(getppid())"
            let other = "\(folder)/.b.json.tmp-99999999"
            for path in [dead, live, other] { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data())) }
            try AtomicFile.write("{}\n", to: "\(folder)/a.json")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dead), "a dead writer's temporary is removed")
            XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a running writer's temporary is kept")
            XCTAssertTrue(FileManager.default.fileExists(atPath: other), "another file's temporary is left to its writer")
            XCTAssertEqual(try String(contentsOfFile: "\(folder)/a.json", encoding: .utf8), "{}\n")
        }
    }

    /// A link planted at the name this process's temporary file will have (its pid is easy to
    /// guess) does not make it write through the link: the link goes, the file is made anew.
    func testALinkPlantedAtTheTemporarysNameIsNotWrittenThrough() throws {
        try withTemporaryFolder { folder in
            let victim = "\(folder)/victim", planted = "\(folder)/.a.json.tmp-\(getpid())"
            try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: victim))
            XCTAssertEqual(symlink(victim, planted), 0)
            try AtomicFile.write("{}\n", to: "\(folder)/a.json")
            XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep me\n")
            XCTAssertEqual(try String(contentsOfFile: "\(folder)/a.json", encoding: .utf8), "{}\n")
            var info = stat()
            XCTAssertEqual(lstat("\(folder)/a.json", &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFREG, "the output is a file, not the planted link")
            XCTAssertEqual(lstat(planted, &info), -1, "nothing is left at the temporary's name")
        }
    }

    /// The file being replaced keeps its content until the commit, but not its page cache: the
    /// new file's pages come from memory just freed. (In a folder beside the build, on the
    /// checkout's disk: a tmpfs keeps every page it holds.)
    func testTheReplacedFilesPageCacheIsReleasedAndItsContentKept() throws {
        let folder = FileManager.default.currentDirectoryPath + "/.build/msr-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let old = Array(repeating: UInt8(ascii: "o"), count: 1 << 20)
        for name in ["replaced", "kept"] {
            let descriptor = open("\(folder)/\(name)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            XCTAssertTrue(old.withUnsafeBytes { writeWhole($0, to: descriptor) })
            XCTAssertEqual(fsync(descriptor), 0)  // clean pages: only those can be dropped
            close(descriptor)
        }
        XCTAssertEqual(try residentPages("\(folder)/replaced"), 256, "written pages are cached")
        let file = try AtomicFile(path: "\(folder)/replaced")
        XCTAssertEqual(try residentPages("\(folder)/replaced"), 0, "the replaced file's cache is released")
        XCTAssertEqual(try residentPages("\(folder)/kept"), 256, "another file's is not")
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/replaced"))), old, "its content is kept")
        try file.write(Array("new".utf8))
        try file.commit()
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/replaced", encoding: .utf8), "new")
    }

    /// How many of the file's pages are in the page cache.
    private func residentPages(_ path: String) throws -> Int {
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        var info = stat()
        XCTAssertEqual(fstat(descriptor, &info), 0)
        let size = Int(info.st_size), page = Int(getpagesize())
        guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0), map != MAP_FAILED else {
            throw MSRError(.io, "cannot map \(path)")
        }
        defer { munmap(map, size) }
        var resident = [UInt8](repeating: 0, count: (size + page - 1) / page)
        XCTAssertEqual(mincore(map, size, &resident), 0)
        return resident.filter { $0 & 1 != 0 }.count
    }
}
