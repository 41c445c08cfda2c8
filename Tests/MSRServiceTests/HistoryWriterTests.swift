import Foundation
import GRDB
@testable import MSRCore
@testable import MSRService
import MSRTestSupport
import Synchronization
import XCTest

/// The recommendation history written in batches off the request path: reads see every record
/// made before them, a deleted user's late record does not sink the others', a failed batch is
/// reported and does not stop the writer; the seen songs are those of the history's answers.
final class HistoryWriterTests: XCTestCase {
    /// An answer's compact JSON recommending `uris`, as `Recommendations` records it.
    static func answer(_ uris: [String], _ extra: [String: JSONValue] = [:]) -> String {
        JSONValue.object(extra.merging(["recommendations": .array(uris.map { .object(["uri": .string($0), "score": .double(1)]) })]) { a, _ in a }).compact()
    }

    func testRecordsMadeAtOnceAreAllReadBack() async throws {
        try await withTemporaryFolderAsync { folder in
            let failures = Mutex(0)
            let database = try ServiceDatabase(path: "\(folder)/s.sqlite") { _, count in failures.withLock { $0 += count } }
            let ana = try await XCTUnwrapAsync(try await database.createUser(name: "ana", passwordHash: "x", role: .user))
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask { database.recordRecommendation(userID: ana.id, result: .text(Self.answer(["u\(i % 7)"], ["n": .int(i)]))) }
                }
            }
            let (entries, total) = try await database.history(userID: ana.id, page: 1, perPage: 100)
            XCTAssertEqual(total, 200)
            XCTAssertEqual(entries.count, 100)
            let second = try await database.history(userID: ana.id, page: 2, perPage: 100).entries
            XCTAssertEqual(Set((entries + second).map { $0.result.answer.compact() }), Set((0..<200).map { Self.answer(["u\($0 % 7)"], ["n": .int($0)]) }))
            let seen = try await database.seen(userID: ana.id)
            XCTAssertEqual(seen, Set((0..<7).map { "u\($0)" }))
            XCTAssertEqual(failures.withLock { $0 }, 0)
        }
    }

    /// The seen songs are read from the answers' JSON by SQLite: every string comes back as it
    /// went in, quotes, backslashes, control characters and non-ASCII included; a song recorded
    /// twice (or in two records) is one entry; an answer without songs, an entry that is not JSON
    /// or whose picks have no `uri` string add nothing; entries recorded after a read are added
    /// at the next.
    func testSeenSongsComeBackAsTheyWereRecorded() async throws {
        try await withTemporaryFolderAsync { folder in
            let database = try ServiceDatabase(path: "\(folder)/s.sqlite")
            let ana = try await XCTUnwrapAsync(try await database.createUser(name: "ana", passwordHash: "x", role: .user))
            let odd = ["4uLU6hMCjMI75M1A2tKUQC", "quote\"d", "back\\slash", "tab\tnew\nline", "\u{1}", "é", "🎵",
                       "[\"not\", \"an array\"]", "", " "]
            database.recordRecommendation(userID: ana.id, result: .text(Self.answer(odd + odd)))
            database.recordRecommendation(userID: ana.id, result: .text(Self.answer([])))
            database.recordRecommendation(userID: ana.id, result: .text("not JSON {"))
            database.recordRecommendation(userID: ana.id, result: .text(#"{"recommendations": [{"uri": 7}, {"url": "x"}, "y", null]}"#))
            database.recordRecommendation(userID: ana.id, result: .text(#"{"recommendations": {"uri": "z"}}"#))
            database.recordRecommendation(userID: ana.id, result: .text(#"{"recommendations": {"a": {"uri": "member"}}}"#))
            database.recordRecommendation(userID: ana.id, result: .text(Self.answer(["é", "last"])))
            let seen = try await database.seen(userID: ana.id)
            XCTAssertEqual(seen, Set(odd + ["last"]))
            let total = try await database.history(userID: ana.id, page: 1, perPage: 10).total
            XCTAssertEqual(total, 7)
            database.recordRecommendation(userID: ana.id, result: .text(Self.answer(["later"])))
            let again = try await database.seen(userID: ana.id)
            XCTAssertEqual(again, Set(odd + ["last", "later"]))
        }
    }

    /// A long history is marked seen a chunk of entries at a time, every entry once.
    func testALongHistoryIsMarkedInChunks() async throws {
        try await withTemporaryFolderAsync { folder in
            let database = try ServiceDatabase(path: "\(folder)/s.sqlite")
            let ana = try await XCTUnwrapAsync(try await database.createUser(name: "ana", passwordHash: "x", role: .user))
            let bo = try await XCTUnwrapAsync(try await database.createUser(name: "bo", passwordHash: "x", role: .user))
            let count = 2 * ServiceDatabase.seenChunk + 3
            for i in 0..<count {
                database.recordRecommendation(userID: ana.id, result: .text(Self.answer(["a\(i)", "shared"])))
                if i % 100 == 0 { database.recordRecommendation(userID: bo.id, result: .text(Self.answer(["b\(i)"]))) }
            }
            let seen = try await database.seen(userID: ana.id)
            XCTAssertEqual(seen, Set((0..<count).map { "a\($0)" } + ["shared"]))
            let bos = try await database.seen(userID: bo.id)
            XCTAssertEqual(bos, Set(stride(from: 0, to: count, by: 100).map { "b\($0)" }))
        }
    }

    /// A database made before the seen songs were read from the history (migration v1, which
    /// marked them as each answer was recorded) keeps its seen songs, and its entries are not
    /// read again; what is recorded after the upgrade is added.
    func testADatabaseOfTheFirstSchemaKeepsItsSeenSongs() async throws {
        try await withTemporaryFolderAsync { folder in
            let path = "\(folder)/s.sqlite"
            let queue = try DatabaseQueue(path: path)
            try ServiceDatabase.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO users (name, password_hash, role, created_at) VALUES ('ana', 'x', 'user', 0)")
                // v1 recorded the answer and its songs together; the second entry's song stands
                // for one the old service did not mark: reading it again would add it.
                try db.execute(sql: "INSERT INTO history (user_id, time, result) VALUES (1, 0, ?), (1, 0, ?)",
                               arguments: [Self.answer(["old"]), Self.answer(["unmarked"])])
                try db.execute(sql: "INSERT INTO seen (user_id, uri) VALUES (1, 'old')")
            }
            try queue.close()
            let database = try ServiceDatabase(path: path)
            let ana = try await XCTUnwrapAsync(try await database.user(named: "ana"))
            database.recordRecommendation(userID: ana.id, result: .text(Self.answer(["new"])))
            let seen = try await database.seen(userID: ana.id)
            XCTAssertEqual(seen, ["old", "new"])
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
            database.recordRecommendation(userID: bo.id, result: .text(Self.answer(["b"])))
            database.recordRecommendation(userID: ana.id, result: .text(Self.answer(["a"])))
            let anas = try await database.history(userID: ana.id, page: 1, perPage: 10).total
            let seen = try await database.seen(userID: ana.id)
            let bos = try await database.history(userID: bo.id, page: 1, perPage: 10).total
            XCTAssertEqual(anas, 1)
            XCTAssertEqual(seen, ["a"])
            XCTAssertEqual(bos, 0)
            XCTAssertEqual(failures.withLock { $0 }, 0)
        }
    }

    /// A flush during the writer's pause after a batch cuts the pause short: the records handed
    /// over meanwhile are written at once (the pause here is an hour; the flush is given a
    /// minute).
    func testAFlushDoesNotWaitForThePause() async {
        let written = Mutex<[StoredAnswer]>([])
        let writer = HistoryWriter(pause: .seconds(3600), write: { records in written.withLock { $0 += records.map(\.result) } },
                                   failed: { _, _ in XCTFail("no batch fails") })
        writer.add(.init(userID: 1, time: Date(), result: .record([1])))
        await writer.flush()  // written; the writer now pauses for an hour
        for k: UInt8 in 2...3 {
            writer.add(.init(userID: 1, time: Date(), result: .record([k])))
            let flushed = Mutex(false)
            Task { await writer.flush(); flushed.withLock { $0 = true } }
            for _ in 0..<6000 where !flushed.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
            XCTAssertTrue(flushed.withLock { $0 }, "record \(k)")
        }
        XCTAssertEqual(written.withLock { $0 }, [.record([1]), .record([2]), .record([3])])
    }

    func testAFailedBatchIsReportedAndTheWriterGoesOn() async {
        struct DiskFull: Error {}
        let written = Mutex<[StoredAnswer]>([])
        let failed = Mutex<[Int]>([])
        let writer = HistoryWriter(write: { records in
            if records.contains(where: { $0.result == .text("bad") }) { throw DiskFull() }
            written.withLock { $0 += records.map(\.result) }
        }, failed: { error, count in
            XCTAssertTrue(error is DiskFull)
            failed.withLock { $0.append(count) }
        })
        await writer.flush()  // nothing waiting: returns at once
        writer.add(.init(userID: 1, time: Date(), result: .text("bad")))
        await writer.flush()
        writer.add(.init(userID: 1, time: Date(), result: .record([1])))
        await writer.flush()
        XCTAssertEqual(written.withLock { $0 }, [.record([1])])
        XCTAssertEqual(failed.withLock { $0 }, [1])
    }
}

/// The history's forms of an answer: records (what the service writes), and JSON text (entries
/// written before them, with or without the picks' links), each read back as it was sent.
final class StoredAnswerTests: XCTestCase {
    /// Two songs, one with a Spotify id (a link) and one without; a record of an answer
    /// recommending both.
    static let catalog = SongIndex(
        genres: ["jazz", "pop"], featureNames: ["tempo"], uris: TextColumn(["4uLU6hMCjMI75M1A2tKUQC", "local \"7\""]),
        labels: [0, 1], components: [0, 0], points: [0, 1], probabilities: [0.5, 0.5, 0.25, 0.75], descriptive: [])
    static func record(_ rows: [Int]) -> [UInt8] {
        let picks = rows.map { Recommender.Pick(row: $0, uri: catalog.uris[$0], genre: catalog.genres[Int(catalog.labels[$0])], score: 0.5) }
        return Recommender.Result(playlist: Playlist(tracks: []), knownTracks: 0, unknownTracks: [], genre: "jazz",
                                  probabilities: ["jazz": 0.75, "pop": 0.25], picks: picks, similarity: 0.5)
            .answerRecord(details: catalog, modelVersion: "v1")
    }

    func testEachFormReadsBackAsSent() throws {
        let id = "4uLU6hMCjMI75M1A2tKUQC"
        let answer = JSONValue.object([
            "predicted_genre": .string("jazz"),
            "recommendations": .array([
                .object(["name": .string("a \"url\": b"), "uri": .string(id), "url": .string(Playlist.link(id)!)]),
                .object(["uri": .string("local-7")]),  // not a Spotify id: no link, none made up
            ]),
        ])
        let withoutLinks = #"{"predicted_genre":"jazz","recommendations":[{"name":"a \"url\": b","uri":"4uLU6hMCjMI75M1A2tKUQC"},{"uri":"local-7"}]}"#
        XCTAssertEqual(StoredAnswer.text(withoutLinks).answer, answer, "an entry kept without its links")
        XCTAssertEqual(StoredAnswer.text(answer.compact()).answer, answer, "an entry kept with its links")
        XCTAssertEqual(StoredAnswer.text("not JSON").answer, .null)
        XCTAssertEqual(StoredAnswer.text("[1]").answer, .array([.int(1)]))
        let record = StoredAnswer.record(Self.record([0, 1]))
        let picks = record.answer.objectMembers["recommendations"]?.arrayItems ?? []
        XCTAssertEqual(picks.count, 2)
        XCTAssertEqual(picks.first?.objectMembers["url"]?.stringValue, Playlist.link(id))
        XCTAssertNil(picks.last?.objectMembers["url"])
        XCTAssertEqual(record.answer.objectMembers["model_version"]?.stringValue, "v1")
        XCTAssertEqual(record.recordURIs, [id, "local \"7\""])
        XCTAssertEqual(StoredAnswer.record(Array(Self.record([0]).dropLast())).answer, .null)
        XCTAssertEqual(StoredAnswer.text(withoutLinks).recordURIs, [], "a text's songs are SQLite's to read")
    }

    /// Records and text entries side by side: the history gives each back as it was sent,
    /// the seen songs are both kinds' songs.
    func testRecordsAndTextEntriesInOneHistory() async throws {
        try await withTemporaryFolderAsync { folder in
            let database = try ServiceDatabase(path: "\(folder)/s.sqlite")
            let ana = try await XCTUnwrapAsync(try await database.createUser(name: "ana", passwordHash: "x", role: .user))
            database.recordRecommendation(userID: ana.id, result: .record(Self.record([1])))
            database.recordRecommendation(userID: ana.id, result: .text(HistoryWriterTests.answer(["t"])))
            database.recordRecommendation(userID: ana.id, result: .record(Self.record([0, 1])))
            database.recordRecommendation(userID: ana.id, result: .record([0, 1, 2]))  // not a record: no songs, null
            let entries = try await database.history(userID: ana.id, page: 1, perPage: 10).entries
            XCTAssertEqual(entries.map(\.result), [.record([0, 1, 2]), .record(Self.record([0, 1])), .text(HistoryWriterTests.answer(["t"])),
                                                   .record(Self.record([1]))])
            XCTAssertEqual(entries[0].result.answer, .null)
            let seen = try await database.seen(userID: ana.id)
            XCTAssertEqual(seen, ["4uLU6hMCjMI75M1A2tKUQC", "local \"7\"", "t"])
        }
    }
}
