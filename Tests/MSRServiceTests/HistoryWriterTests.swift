import Foundation
import MSRCore
@testable import MSRService
import MSRTestSupport
import Synchronization
import XCTest

/// The recommendation history written in batches off the request path: reads see every record
/// made before them, a deleted user's late record does not sink the others', a failed batch is
/// reported and does not stop the writer.
final class HistoryWriterTests: XCTestCase {
    func testRecordsMadeAtOnceAreAllReadBack() async throws {
        try await withTemporaryFolderAsync { folder in
            let failures = Mutex(0)
            let database = try ServiceDatabase(path: "\(folder)/s.sqlite") { _, count in failures.withLock { $0 += count } }
            let ana = try await XCTUnwrapAsync(try await database.createUser(name: "ana", passwordHash: "x", role: .user))
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask { database.recordRecommendation(userID: ana.id, result: "{\"n\":\(i)}", uris: ["u\(i % 7)"]) }
                }
            }
            let (entries, total) = try await database.history(userID: ana.id, page: 1, perPage: 100)
            XCTAssertEqual(total, 200)
            XCTAssertEqual(entries.count, 100)
            let second = try await database.history(userID: ana.id, page: 2, perPage: 100).entries
            XCTAssertEqual(Set((entries + second).map(\.result)), Set((0..<200).map { "{\"n\":\($0)}" }))
            let seen = try await database.seen(userID: ana.id)
            XCTAssertEqual(seen, Set((0..<7).map { "u\($0)" }))
            XCTAssertEqual(failures.withLock { $0 }, 0)
        }
    }

    /// A record's songs go to `seen` in one statement through a JSON array: every string comes
    /// back as it went in, quotes, backslashes, control characters and non-ASCII included;
    /// a song recorded twice (or in two records) is one entry, and no song is no entry.
    func testSeenSongsComeBackAsTheyWereRecorded() async throws {
        try await withTemporaryFolderAsync { folder in
            let database = try ServiceDatabase(path: "\(folder)/s.sqlite")
            let ana = try await XCTUnwrapAsync(try await database.createUser(name: "ana", passwordHash: "x", role: .user))
            let odd = ["4uLU6hMCjMI75M1A2tKUQC", "quote\"d", "back\\slash", "tab\tnew\nline", "\u{1}", "é", "🎵",
                       "[\"not\", \"an array\"]", "", " "]
            database.recordRecommendation(userID: ana.id, result: "{}", uris: odd + odd)
            database.recordRecommendation(userID: ana.id, result: "{}", uris: [])
            database.recordRecommendation(userID: ana.id, result: "{}", uris: ["é", "last"])
            let seen = try await database.seen(userID: ana.id)
            XCTAssertEqual(seen, Set(odd + ["last"]))
            let total = try await database.history(userID: ana.id, page: 1, perPage: 10).total
            XCTAssertEqual(total, 3)
        }
    }

    func testADeletedUsersRecordIsSkippedAndTheOthersKept() async throws {
        try await withTemporaryFolderAsync { folder in
            let failures = Mutex(0)
            let database = try ServiceDatabase(path: "\(folder)/s.sqlite") { _, count in failures.withLock { $0 += count } }
            let ana = try await XCTUnwrapAsync(try await database.createUser(name: "ana", passwordHash: "x", role: .user))
            let bo = try await XCTUnwrapAsync(try await database.createUser(name: "bo", passwordHash: "x", role: .user))
            let root = try await XCTUnwrapAsync(try await database.createUser(name: "root", passwordHash: "x", role: .admin))
            let deleted = try await database.deleteUser(name: "bo", by: root.id)
            guard case .deleted(let user) = deleted, user.id == bo.id else { return XCTFail("\(deleted)") }
            // In one batch: bo's record (his request was answered just before the delete) and ana's.
            database.recordRecommendation(userID: bo.id, result: "{}", uris: ["b"])
            database.recordRecommendation(userID: ana.id, result: "{}", uris: ["a"])
            let anas = try await database.history(userID: ana.id, page: 1, perPage: 10).total
            let seen = try await database.seen(userID: ana.id)
            let bos = try await database.history(userID: bo.id, page: 1, perPage: 10).total
            XCTAssertEqual(anas, 1)
            XCTAssertEqual(seen, ["a"])
            XCTAssertEqual(bos, 0)
            XCTAssertEqual(failures.withLock { $0 }, 0)
        }
    }

    func testAFailedBatchIsReportedAndTheWriterGoesOn() async {
        struct DiskFull: Error {}
        let written = Mutex<[String]>([])
        let failed = Mutex<[Int]>([])
        let writer = HistoryWriter(write: { records in
            if records.contains(where: { $0.result == "bad" }) { throw DiskFull() }
            written.withLock { $0 += records.map(\.result) }
        }, failed: { error, count in
            XCTAssertTrue(error is DiskFull)
            failed.withLock { $0.append(count) }
        })
        await writer.flush()  // nothing waiting: returns at once
        writer.add(.init(userID: 1, time: Date(), result: "bad", uris: []))
        await writer.flush()
        writer.add(.init(userID: 1, time: Date(), result: "good", uris: []))
        await writer.flush()
        XCTAssertEqual(written.withLock { $0 }, ["good"])
        XCTAssertEqual(failed.withLock { $0 }, [1])
    }
}
