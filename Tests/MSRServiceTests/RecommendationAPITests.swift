import Foundation
import HTTPTypes
import Hummingbird
import MSRCore
@testable import MSRService
import XCTest

/// POST /v1/recommendations in every playlist format, its errors, the log, the history,
/// exclude_seen, the per-user limit, and similar songs.
final class RecommendationAPITests: XCTestCase {
    /// Track ids of the fixture's song base, in file order.
    static func trackIDs(_ fixture: ServiceFixture, count: Int) throws -> [String] {
        let text = try String(contentsOfFile: "\(fixture.path)/data/raw/song_df.csv", encoding: .utf8)
        return text.split(separator: "\n").dropFirst().prefix(count).map { String($0.split(separator: ",")[0]) }
    }

    func testEveryPlaylistFormatGetsTheSameRecommendations() async throws {
        let fixture = try ServiceFixture()
        let ids = try Self.trackIDs(fixture, count: 20)
        let uris = ids.map { "\"spotify:track:\($0)\"" }.joined(separator: ", ")
        let bodies = [
            #"{"playlist": "\#(ids.joined(separator: " "))"}"#,
            #"{"playlist": "\#(ids.map { "https://open.spotify.com/track/\($0)?si=x" }.joined(separator: "\\n"))"}"#,
            // A text area's lines, as a browser sends them.
            #"{"playlist": "\#(ids.map { "https://open.spotify.com/track/\($0)" }.joined(separator: "\\r\\n"))"}"#,
            #"{"playlist": [\#(uris)]}"#,
            #"{"playlist": {"name": "mine", "pid": 7, "tracks": [\#(ids.map { "{\"track_uri\": \"spotify:track:\($0)\"}" }.joined(separator: ","))]}}"#,
            #"{"playlist": {"tracks": {"items": [\#(ids.map { "{\"track\": {\"uri\": \"spotify:track:\($0)\"}}" }.joined(separator: ","))]}}}"#,
            #"{"playlist": {"info": {}, "playlists": [{"pid": 1, "tracks": []}, {"pid": 2, "tracks": [\#(ids.map { "{\"track_uri\": \"spotify:track:\($0)\"}" }.joined(separator: ","))]}]}, "pid": 2}"#,
        ]
        try await fixture.test { _, client in
            let token = try await client.signUp("erin")
            var answers: [JSONValue] = []
            for body in bodies {
                let reply = try await client.call(.post, "/v1/recommendations", body, token: token)
                XCTAssertEqual(reply.status, .ok, reply.text)
                XCTAssertEqual(reply.count("recommendations"), 10, reply.text)
                XCTAssertEqual(reply.string("model_version")?.count, 12, reply.text)
                XCTAssertNotNil(reply.string("predicted_genre"))
                XCTAssertEqual(reply["playlist.known_tracks"], .int(20), reply.text)
                answers.append(reply["recommendations"] ?? .null)
                // None of the playlist's own songs comes back.
                for id in ids { XCTAssertFalse(reply.text.contains("\"\(id)\""), id) }
            }
            XCTAssertEqual(Set(answers.map { $0.compact() }).count, 1, "every format, the same songs")
            // A null pid is an absent one.
            let nullPID = try await client.call(.post, "/v1/recommendations", #"{"playlist": ["\#(ids[0])"], "pid": null}"#, token: token)
            XCTAssertEqual(nullPID.status, .ok, nullPID.text)
            let k = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(ids[0])", "k": 100}"#, token: token)
            XCTAssertEqual(k.count("recommendations"), 100)
        }
        // Each call is one line of the log msr-monitor reads, with the user.
        let lines = try String(contentsOfFile: fixture.log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, bodies.count + 2)
        XCTAssertTrue(lines.allSatisfy { $0.contains(#""user":"erin""#) && $0.contains(#""similarity":"#) }, "\(lines)")
    }

    func testABadPlaylistIsRefusedNamingItsJSONPath() async throws {
        let fixture = try ServiceFixture()
        let id = try Self.trackIDs(fixture, count: 1)[0]
        let cases: [(String, String, String)] = [
            (#"{"k": 10}"#, "playlist", "missing field 'playlist' (a playlist JSON, or track ids and URLs as a string)"),
            (#"{"playlist": ""}"#, "playlist", "expected track ids, spotify:track: URIs or open.spotify.com track URLs, got nothing"),
            (#"{"playlist": "\#(id) nonsense"}"#, "playlist[1]",
             #"expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got "nonsense""#),
            (#"{"playlist": "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M"}"#, "playlist[0]",
             #"expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M" (a playlist URL needs Spotify's API: paste its track links or ids)"#),
            (#"{"playlist": {"tracks": [{"track_uri": "spotify:track:\#(id)"}, {"track_uri": 5}]}}"#, "playlist.tracks[1]",
             "playlist: tracks[1]: expected one of track_uri, uri, id, track_id"),
            (#"{"playlist": ["\#(id)", "spotify:track:short"]}"#, "playlist[1]",
             #"playlist: [1]: expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got "spotify:track:short""#),
            (#"{"playlist": {"tracks": [{"id": "0000000000000000000000", "danceability": 1e308}]}}"#, "playlist.tracks[0].danceability", ""),
            (#"{"playlist": {"name": "x"}}"#, "playlist", ""),
            (#"{"playlist": {"tracks": []}}"#, "playlist", "playlist has no tracks"),
            (#"{"playlist": ["0000000000000000000000"]}"#, "playlist", "playlist: none of its 1 tracks is in the song base or carries its audio features"),
            (#"{"playlist": {"playlists": [{"pid": 1, "tracks": ["\#(id)"]}, {"pid": 2, "tracks": ["\#(id)"]}]}}"#, "playlist.playlists",
             "the slice holds 2 playlists: give the pid of one"),
            (#"{"playlist": {"playlists": [{"pid": 1, "tracks": ["\#(id)"]}]}, "pid": 9}"#, "pid", "no playlist with pid 9 in the slice"),
            (#"{"playlist": "\#(id)", "k": 0}"#, "k", "expected a whole number from 1 to 100"),
            (#"{"playlist": "\#(id)", "k": 101}"#, "k", "expected a whole number from 1 to 100"),
            (#"{"playlist": "\#(id)", "k": "ten"}"#, "k", "expected a whole number from 1 to 100"),
            (#"{"playlist": "\#(id)", "k": 2.5}"#, "k", "expected a whole number from 1 to 100"),
            (#"{"playlist": "\#(id)", "exclude_seen": "yes"}"#, "exclude_seen", "expected true or false"),
            (#"{"playlist": "\#(id)", "extra": 1}"#, "extra", "unknown field (expected: playlist, k, exclude_seen, pid, method)"),
        ]
        try await fixture.test { _, client in
            let token = try await client.signUp("frank")
            for (body, field, message) in cases {
                let reply = try await client.call(.post, "/v1/recommendations", body, token: token)
                XCTAssertError(reply, .unprocessableContent, code: "invalid_field", field: field)
                if !message.isEmpty { XCTAssertEqual(reply.string("error.message"), message, body) }
            }
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            XCTAssertError(try await client.call(.post, "/v1/recommendations", #"{"playlist": \#(deep)}"#, token: token),
                           .badRequest, code: "invalid_request")
            XCTAssertError(try await client.call(.post, "/v1/recommendations", "{\"playlist\": \"\u{FFFD}\"}", token: token),
                           .unprocessableContent, code: "invalid_field", field: "playlist[0]")
            // Raw bytes no text holds: invalid UTF-8 inside and outside a string, a NUL.
            for raw: [UInt8] in [Array(#"{"playlist": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
                                 Array(#"{"playlist": "#.utf8) + [0xC3] + Array("}".utf8),
                                 Array(#"{"playlist": "a"#.utf8) + [0] + Array(#""}"#.utf8)] {
                let response = try await client.execute(uri: "/v1/recommendations", method: .post,
                                                        headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                                        body: ByteBuffer(bytes: raw))
                XCTAssertTrue([.badRequest, .unprocessableContent].contains(response.status), "\(raw): \(response.status)")
                let text = String(buffer: response.body)
                let reply = JSONReply(status: response.status, headers: response.headers, text: text,
                                      json: (try? JSONParser.parse(Array(text.utf8))) ?? .null)
                XCTAssertNotNil(reply.string("error.message"), "\(raw): \(text)")
                if raw.contains(0xFF) {
                    // JSON text is UTF-8: refused as such, not read with U+FFFD in place of the bytes.
                    XCTAssertError(reply, .badRequest, code: "invalid_request")
                    XCTAssertEqual(reply.string("error.message"), "the body is not valid JSON (invalid UTF-8 in the string at byte 13)")
                }
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.log), "a refused playlist is not logged")
    }

    func testHistoryPagesAndExcludeSeenOffersNewSongs() async throws {
        let fixture = try ServiceFixture()
        let ids = try Self.trackIDs(fixture, count: 5)
        try await fixture.test { state, client in
            let token = try await client.signUp("gina")
            let body = #"{"playlist": "\#(ids.joined(separator: ","))", "k": 5}"#
            let first = try await client.call(.post, "/v1/recommendations", body, token: token)
            let again = try await client.call(.post, "/v1/recommendations", body, token: token)
            XCTAssertEqual(first["recommendations"], again["recommendations"], "the same request, the same answer")
            let fresh = try await client.call(.post, "/v1/recommendations",
                                              #"{"playlist": "\#(ids.joined(separator: ","))", "k": 5, "exclude_seen": true}"#, token: token)
            let seen = Set((0..<5).compactMap { first.string("recommendations.\($0).uri") })
            let offered = Set((0..<5).compactMap { fresh.string("recommendations.\($0).uri") })
            XCTAssertEqual(offered.count, 5)
            XCTAssertTrue(seen.isDisjoint(with: offered), "\(seen) \(offered)")

            let page1 = try await client.call(.get, "/v1/recommendations?page=1&per_page=2", token: token)
            XCTAssertEqual(page1["total"], .int(3))
            XCTAssertEqual(page1.count("items"), 2)
            XCTAssertEqual(page1["items.0.result"], fresh.json, "newest first, as it was answered")
            let page2 = try await client.call(.get, "/v1/recommendations?page=2&per_page=2", token: token)
            XCTAssertEqual(page2.count("items"), 1)
            XCTAssertEqual(page2["items.0.result"], first.json)
            // The history keeps the answers as records (`AnswerRecord`), and gives them back.
            XCTAssertNotNil(first.string("recommendations.0.url"))
            let stored = try await state.database.history(userID: try await XCTUnwrapAsync(try await state.database.user(named: "gina")).id,
                                                          page: 1, perPage: 3).entries
            XCTAssertEqual(stored.count, 3)
            XCTAssertEqual(stored.map(\.result.answer), [fresh.json, again.json, first.json])
            XCTAssertFalse(stored.contains { guard case .record = $0.result else { return true }; return false })
            XCTAssertError(try await client.call(.get, "/v1/recommendations?page=0", token: token), .unprocessableContent,
                           code: "invalid_field", field: "page")
            // Another user sees none of it.
            let other = try await client.signUp("hank")
            let awaited1 = try await client.call(.get, "/v1/recommendations", token: other)["total"]
            XCTAssertEqual(awaited1, .int(0))
        }
    }

    func testExcludeSeenRequestsAtOnceOfferNoSongTwice() async throws {
        let fixture = try ServiceFixture()
        let ids = try Self.trackIDs(fixture, count: 5)
        try await fixture.test { _, client in
            let token = try await client.signUp("gail")
            let other = try await client.signUp("gus")
            let body = #"{"playlist": "\#(ids.joined(separator: ","))", "k": 5, "exclude_seen": true}"#
            // Eight of one user's at once, and one of another user's among them.
            let answers = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
                for n in 0..<9 {
                    group.addTask {
                        let reply = try await client.call(.post, "/v1/recommendations", body, token: n == 4 ? other : token)
                        return (n == 4 ? "gus" : "gail", (0..<5).compactMap { reply.string("recommendations.\($0).uri") })
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let gails = answers.filter { $0.0 == "gail" }.flatMap(\.1), guss = answers.filter { $0.0 == "gus" }.flatMap(\.1)
            XCTAssertEqual(gails.count, 40)
            XCTAssertEqual(Set(gails).count, 40, "no song offered twice to one user: \(gails)")
            XCTAssertEqual(Set(guss).count, 5)
            XCTAssertFalse(Set(guss).isDisjoint(with: gails), "another user's seen songs are not left out of gus's")
        }
    }

    func testOnePerKeyRunsAKeysWorkInTurnAndFreesTheKey() async throws {
        let serial = OnePerKey<Int64>()
        let trace = Trace()
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<20 {
                group.addTask {
                    await serial.run(Int64(n % 2)) {
                        await trace.enter(n % 2)
                        try? await Task.sleep(nanoseconds: 1_000_000)
                        await trace.leave(n % 2)
                    }
                }
            }
        }
        let most = await trace.most
        XCTAssertEqual(most, [0: 1, 1: 1], "one at a time per key")
        XCTAssertEqual(serial.keysInUse, 0)
        // Another key runs while one is held (were the keys one, this would never return).
        let inner = await serial.run(0) { await serial.run(1) { serial.keysInUse } }
        XCTAssertEqual(inner, 2)
        // Work that throws hands the key on too.
        struct Refused: Error {}
        do {
            try await serial.run(7) { throw Refused() }
            XCTFail("the work's error is thrown")
        } catch is Refused {}
        let after = await serial.run(7) { 1 }
        XCTAssertEqual(after, 1)
        XCTAssertEqual(serial.keysInUse, 0)
    }

    private actor Trace {
        var running: [Int: Int] = [:], most: [Int: Int] = [:]
        func enter(_ key: Int) {
            running[key, default: 0] += 1
            most[key] = max(most[key] ?? 0, running[key]!)
        }
        func leave(_ key: Int) { running[key]! -= 1 }
    }

    func testTheUserLimitAnswers429WithRetryAfter() async throws {
        let fixture = try ServiceFixture(limits: ["recommendations_per_minute": 5])
        let id = try Self.trackIDs(fixture, count: 1)[0]
        try await fixture.test { _, client in
            let token = try await client.signUp("ivan")
            for _ in 0..<5 {
                let awaited2 = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(id)"}"#, token: token).status
                XCTAssertEqual(awaited2, .ok)
            }
            let refused = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(id)"}"#, token: token)
            XCTAssertError(refused, .tooManyRequests, code: "rate_limited")
            let wait = Int(refused.headers[.retryAfter] ?? "") ?? 0
            XCTAssertTrue((1...12).contains(wait), "Retry-After \(wait)")
            // The limit is per user.
            let other = try await client.signUp("judy")
            let awaited3 = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(id)"}"#, token: other).status
            XCTAssertEqual(awaited3, .ok)
        }
    }

    func testSimilarSongsAreTheTracksNearestNeighbours() async throws {
        let fixture = try ServiceFixture()
        let id = try Self.trackIDs(fixture, count: 1)[0]
        try await fixture.test { _, client in
            let token = try await client.signUp("kate")
            let reply = try await client.call(.get, "/v1/tracks/\(id)/similar?k=7&same_genre=true", token: token)
            XCTAssertEqual(reply.status, .ok, reply.text)
            XCTAssertEqual(reply.count("recommendations"), 7)
            let genre = reply.string("predicted_genre")
            XCTAssertTrue((0..<7).allSatisfy { reply.string("recommendations.\($0).genre") == genre }, reply.text)
            XCTAssertFalse(reply.text.contains("\"\(id)\""))
            // A URI or link, percent-encoded in the path, names the same track.
            let encoded = try await client.call(.get, "/v1/tracks/spotify%3Atrack%3A\(id)/similar?k=7&same_genre=true", token: token)
            XCTAssertEqual(encoded["recommendations"], reply["recommendations"], encoded.text)
            let link = try await client.call(.get, "/v1/tracks/https%3A%2F%2Fopen.spotify.com%2Ftrack%2F\(id)/similar?k=7&same_genre=true",
                                             token: token)
            XCTAssertEqual(link["recommendations"], reply["recommendations"], link.text)
            XCTAssertError(try await client.call(.get, "/v1/tracks/0000000000000000000000/similar", token: token), .notFound,
                           code: "unknown_track", field: "id")
            XCTAssertError(try await client.call(.get, "/v1/tracks/xyz/similar", token: token), .unprocessableContent,
                           code: "invalid_field", field: "id")
            XCTAssertError(try await client.call(.get, "/v1/tracks/\(id)/similar?k=1000", token: token), .unprocessableContent,
                           code: "invalid_field", field: "k")
            XCTAssertError(try await client.call(.get, "/v1/tracks/\(id)/similar"), .unauthorized, code: "unauthorized")
        }
    }
}

/// The recommendation methods over HTTP: `method` in the body and in similar songs' query,
/// hybrid by default with the factors loaded, content without them, each refusal 422 naming
/// the field.
final class RecommendationMethodTests: XCTestCase {
    func testMethodsAndTheirRefusals() async throws {
        let fixture = try ServiceFixture()
        let ids = try RecommendationAPITests.trackIDs(fixture, count: 5)
        let playlist = ids.joined(separator: " ")
        try await fixture.test { _, client in
            let token = try await client.signUp("mona")
            let standard = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(playlist)"}"#, token: token)
            XCTAssertEqual(standard.status, .ok, standard.text)
            XCTAssertEqual(standard.string("method"), "hybrid", standard.text)
            for method in ["content", "cf", "hybrid"] {
                let reply = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(playlist)", "method": "\#(method)"}"#, token: token)
                XCTAssertEqual(reply.status, .ok, reply.text)
                XCTAssertEqual(reply.string("method"), method)
                XCTAssertEqual(reply.count("recommendations"), 10, reply.text)
                let sources = Set((0..<10).compactMap { reply.string("recommendations[\($0)].source") })
                XCTAssertTrue(sources.isSubset(of: method == "content" ? ["content"] : method == "cf" ? ["cf"] : ["cf", "both", "content"]),
                              "\(method): \(sources)")
            }
            XCTAssertError(try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(playlist)", "method": "knn"}"#, token: token),
                           .unprocessableContent, code: "invalid_field", field: "method")
            XCTAssertError(try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(playlist)", "method": 3}"#, token: token),
                           .unprocessableContent, code: "invalid_field", field: "method")
            // The first track of the embedded playlists: a training playlist holds it.
            let slice = try String(contentsOfFile: "\(fixture.path)/data/playlists/mpd.slice.0-999.json", encoding: .utf8)
            let range = try XCTUnwrap(slice.range(of: "spotify:track:"))
            let warm = String(slice[range.upperBound...].prefix(22))
            let similar = try await client.call(.get, "/v1/tracks/\(warm)/similar?method=cf&k=5", token: token)
            XCTAssertEqual(similar.status, .ok, similar.text)
            XCTAssertEqual(similar.string("method"), "cf")
            XCTAssertError(try await client.call(.get, "/v1/tracks/\(ids[0])/similar?method=%00", token: token),
                           .unprocessableContent, code: "invalid_field", field: "method")
        }
        // Without the factors: content by default, cf and hybrid refused.
        try FileManager.default.removeItem(atPath: "\(fixture.path)/models/factors.msrf")
        try await fixture.test { _, client in
            let token = try await client.signUp("noor")
            let standard = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(playlist)"}"#, token: token)
            XCTAssertEqual(standard.string("method"), "content", standard.text)
            let cf = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(playlist)", "method": "cf"}"#, token: token)
            XCTAssertError(cf, .unprocessableContent, code: "invalid_field", field: "method")
            XCTAssertEqual(cf.string("error.message"),
                           "the cf method needs the track factors, which the service has not loaded (run msr-factorize, then reload the models)")
        }
    }
}
