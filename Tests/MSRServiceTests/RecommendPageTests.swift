import Foundation
import HTTPTypes
import HummingbirdTesting
import MSRCore
@testable import MSRService
import XCTest

/// The recommend and history pages: pasted links, an uploaded MPD file, refused playlists,
/// exclude_seen, the history's pages, and the multipart reader's refusals.
final class RecommendPageTests: XCTestCase {
    /// The songs of the newest history entry of `name`.
    static func lastAnswer(_ state: ServiceState, user name: String) async throws -> JSONValue {
        let user = try await XCTUnwrapAsync(try await state.database.user(named: name))
        let history = try await state.database.history(userID: user.id, page: 1, perPage: 1)
        let entry = try XCTUnwrap(history.entries.first)
        return entry.result.answer
    }

    func testPastedLinksGiveATableOfSongsLinkedToTheirPages() async throws {
        let fixture = try ServiceFixture()
        let ids = try RecommendationAPITests.trackIDs(fixture, count: 20)
        try await fixture.test { state, client in
            let browser = Browser(client)
            try await browser.signUp("uma")
            let form = try await browser.get("/recommend")
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.text.contains("enctype=\"multipart/form-data\""))
            XCTAssertTrue(form.text.contains("<input type=\"number\" id=\"k\" name=\"k\" min=\"1\" max=\"100\" value=\"10\" required>"), form.text)
            let links = ids.map { "https://open.spotify.com/track/\($0)?si=abc" }.joined(separator: "\n")
            let page = try await browser.post("/recommend", [("csrf", form.csrf ?? ""), ("playlist", links), ("k", "7")])
            XCTAssertEqual(page.status, .ok, page.text)
            XCTAssertPageHeaders(page)
            let answer = try await Self.lastAnswer(state, user: "uma")
            let songs = answer.objectMembers["recommendations"]?.arrayItems ?? []
            XCTAssertEqual(songs.count, 7)
            XCTAssertEqual(page.count("<tr><td class=\"num\">"), 7, page.text)
            for song in songs {
                let fields = song.objectMembers
                let uri = try XCTUnwrap(fields["uri"]?.stringValue)
                // The embedded dataset has no names: the link shows the id.
                XCTAssertNil(fields["name"])
                XCTAssertTrue(page.text.contains("<a href=\"https://open.spotify.com/track/\(uri)\" rel=\"noopener noreferrer\" "
                                                 + "target=\"_blank\">\(uri)</a>"), uri)
                XCTAssertTrue(page.text.contains("<td>\(fields["genre"]?.stringValue ?? "?")</td>"))
            }
            XCTAssertTrue(page.text.contains("Predicted genre<b>\(answer.objectMembers["predicted_genre"]?.stringValue ?? "?")</b>"))
            XCTAssertTrue(page.text.contains("Known tracks<b>20 of 20</b>"), page.text)
            XCTAssertTrue(page.text.contains("Model version<b>\(answer.objectMembers["model_version"]?.stringValue ?? "?")</b>"))
            XCTAssertTrue(page.text.contains(">\(links)</textarea>"), "the playlist stays in the form")

            // The history lists it.
            let history = try await browser.get("/history")
            XCTAssertEqual(history.status, .ok)
            XCTAssertTrue(history.text.contains("1 request;"), history.text)
            for song in songs {
                XCTAssertTrue(history.text.contains("https://open.spotify.com/track/\(song.objectMembers["uri"]?.stringValue ?? "?")"))
            }
        }
    }

    /// Songs the song base names are shown as "name — artists" (and album), escaped, linked to
    /// open.spotify.com; a link to anywhere else is not made.
    func testTheTableShowsNamesAndArtistsWhereTheSongBaseHasThem() throws {
        let result = try JSONParser.parse(Array(#"""
            {"playlist": {"name": "mine", "tracks": 3, "known_tracks": 2}, "predicted_genre": "rock", "similarity": 0.8123,
             "model_version": "abc", "unknown_tracks": ["0000000000000000000000"], "recommendations": [
              {"uri": "5E30LdtzQTGqRvNd7l6kG5", "genre": "rock", "score": 0.5, "url": "https://open.spotify.com/track/5E30LdtzQTGqRvNd7l6kG5",
               "name": "Song <i>1</i>", "artists": "A & B", "album": "Best"},
              {"uri": "6E30LdtzQTGqRvNd7l6kG5", "genre": "pop", "score": 0.25, "url": "https://open.spotify.com/track/6E30LdtzQTGqRvNd7l6kG5",
               "artists": "C"},
              {"uri": "7E30LdtzQTGqRvNd7l6kG5", "genre": "pop", "score": 0.125, "url": "javascript:alert(1)", "name": "Evil"}]}
            """#.utf8))
        let html = RecommendPage.resultTable(result).text
        XCTAssertTrue(html.contains("<tr><td class=\"num\">1</td><td><a href=\"https://open.spotify.com/track/5E30LdtzQTGqRvNd7l6kG5\" "
                                    + "rel=\"noopener noreferrer\" target=\"_blank\">Song &lt;i&gt;1&lt;/i&gt; — A &amp; B</a>"
                                    + "<br><span class=\"muted\">Best</span></td><td>rock</td><td></td><td class=\"num\">0.5000</td></tr>"), html)
        XCTAssertTrue(html.contains("target=\"_blank\">C</a>"), "artists alone when the name is unknown")
        XCTAssertTrue(html.contains("<td>Evil</td>"), "no link but to open.spotify.com: \(html)")
        XCTAssertFalse(html.contains("javascript:"))
        XCTAssertTrue(html.contains("Playlist<b>mine</b>"))
        XCTAssertTrue(html.contains("Similarity<b>0.812</b>"))
        XCTAssertTrue(html.contains("Known tracks<b>2 of 3</b>"))
        XCTAssertTrue(html.contains("Not in the song base (left out): 0000000000000000000000"))
    }

    func testAnUploadedMPDFileIsRecommendedForAndItsNameEscaped() async throws {
        let fixture = try ServiceFixture()
        let ids = try RecommendationAPITests.trackIDs(fixture, count: 15)
        let attack = "<script>alert(1)</script>"
        let mpd = #"{"info": {"slice": "0-999"}, "playlists": [{"name": "\#(attack)\u0000!", "pid": 7, "tracks": ["#
            + ids.enumerated().map { #"{"pos": \#($0.offset), "track_uri": "spotify:track:\#($0.element)", "track_name": "x"}"# }
                .joined(separator: ", ") + "]}]}"
        try await fixture.test { state, client in
            let browser = Browser(client)
            try await browser.signUp("vera")
            let csrf = try await browser.sessionCSRF()
            let page = try await browser.post("/recommend", multipart: [
                .field("csrf", csrf), .field("playlist", ""), .file("playlist_file", "mpd.slice.0-999.json", mpd),
                .field("pid", ""), .field("k", "5"),
            ])
            XCTAssertEqual(page.status, .ok, page.text)
            XCTAssertEqual(page.count("<tr><td class=\"num\">"), 5)
            // Its NUL as U+FFFD: no NUL in the page.
            XCTAssertTrue(page.text.contains("Playlist<b>&lt;script&gt;alert(1)&lt;/script&gt;\u{FFFD}!</b>"), page.text)
            XCTAssertFalse(page.text.contains(attack))
            XCTAssertFalse(page.text.unicodeScalars.contains("\u{0}"))
            let answer = try await Self.lastAnswer(state, user: "vera")
            XCTAssertEqual(answer.objectMembers["playlist"]?.objectMembers["pid"], .int(7))
            XCTAssertEqual(answer.objectMembers["playlist"]?.objectMembers["known_tracks"], .int(15))
            // The history shows the name escaped too.
            let history = try await browser.get("/history")
            XCTAssertTrue(history.text.contains("playlist <b>&lt;script&gt;alert(1)&lt;/script&gt;\u{FFFD}!</b>"), history.text)
            XCTAssertFalse(history.text.contains(attack))
            XCTAssertFalse(history.text.unicodeScalars.contains("\u{0}"))
            // A pasted playlist JSON is read the same way.
            let pasted = try await browser.post("/recommend", [("csrf", csrf), ("playlist", mpd), ("k", "5")])
            XCTAssertEqual(pasted.status, .ok, pasted.text)
            let again = try await Self.lastAnswer(state, user: "vera")
            XCTAssertEqual(again.objectMembers["recommendations"], answer.objectMembers["recommendations"])
        }
    }

    func testARefusedPlaylistIsShownWithItsFieldAnd422() async throws {
        let fixture = try ServiceFixture()
        let id = try RecommendationAPITests.trackIDs(fixture, count: 1)[0]
        try await fixture.test { _, client in
            let browser = Browser(client)
            try await browser.signUp("wade")
            let csrf = try await browser.sessionCSRF()
            let cases: [([(String, String)], String)] = [
                ([("playlist", "\(id) <b>nonsense</b>")],
                 "playlist[1]: expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got &quot;&lt;b&gt;nonsense&lt;/b&gt;&quot;"),
                ([("playlist", "")], "playlist: paste track ids or links, or a playlist JSON, or choose a playlist file"),
                ([("playlist", "{\"tracks\": [{\"track_uri\": 5}]}")], "playlist.tracks[0]: expected one of track_uri, uri, id, track_id"),
                ([("playlist", "{\"tracks\": ")], "playlist: the pasted playlist is not valid JSON"),
                ([("playlist", "[\"0000000000000000000000\"]")], "playlist: none of its 1 tracks is in the song base"),
                ([("playlist", id), ("k", "0")], "k: expected a whole number from 1 to 100, got &quot;0&quot;"),
                ([("playlist", id), ("k", "101")], "k: expected a whole number from 1 to 100"),
                ([("playlist", id), ("pid", "x")], "pid: expected a whole number"),
            ]
            for (fields, message) in cases {
                let page = try await browser.post("/recommend", [("csrf", csrf)] + fields)
                XCTAssertEqual(page.status, .unprocessableContent, "\(fields)")
                XCTAssertTrue(page.text.contains("<p class=\"notice bad\" role=\"alert\">\(message)"), "\(fields): \(page.text)")
                XCTAssertTrue(page.text.contains("<textarea"), "the form is shown again")
                XCTAssertFalse(page.text.contains("<b>nonsense"), "the echoed playlist is escaped")
            }
            let file = try await browser.post("/recommend", multipart: [.field("csrf", csrf), .file("playlist_file", "bad.json", "{\"playlists\": [")])
            XCTAssertEqual(file.status, .unprocessableContent)
            XCTAssertTrue(file.text.contains("playlist_file: the file &quot;bad.json&quot; is not valid JSON"), file.text)
            let both = try await browser.post("/recommend", multipart: [.field("csrf", csrf), .field("playlist", id),
                                                                        .file("playlist_file", "p.json", "[\"\(id)\"]")])
            XCTAssertEqual(both.status, .unprocessableContent)
            XCTAssertTrue(both.text.contains("give either a file or a pasted playlist, not both"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.log), "a refused playlist is not logged")
    }

    func testExcludeSeenAndTheHistoryPages() async throws {
        let fixture = try ServiceFixture()
        let ids = try RecommendationAPITests.trackIDs(fixture, count: 5)
        try await fixture.test { state, client in
            let browser = Browser(client)
            try await browser.signUp("xena")
            let csrf = try await browser.sessionCSRF()
            let playlist = ids.joined(separator: ", ")
            _ = try await browser.post("/recommend", [("csrf", csrf), ("playlist", playlist), ("k", "5")])
            let first = try await Self.lastAnswer(state, user: "xena")
            let fresh = try await browser.post("/recommend", [("csrf", csrf), ("playlist", playlist), ("k", "5"), ("exclude_seen", "on")])
            XCTAssertEqual(fresh.status, .ok)
            XCTAssertTrue(fresh.text.contains("name=\"exclude_seen\" value=\"on\" checked"), "the box stays ticked")
            let second = try await Self.lastAnswer(state, user: "xena")
            let seen = Set((first.objectMembers["recommendations"]?.arrayItems ?? []).compactMap { $0.objectMembers["uri"]?.stringValue })
            let offered = Set((second.objectMembers["recommendations"]?.arrayItems ?? []).compactMap { $0.objectMembers["uri"]?.stringValue })
            XCTAssertEqual(seen.count, 5)
            XCTAssertEqual(offered.count, 5)
            XCTAssertTrue(seen.isDisjoint(with: offered))
            // Eleven requests: two pages of ten, newest first.
            for _ in 0..<9 {
                let awaited = try await browser.post("/recommend", [("csrf", csrf), ("playlist", playlist), ("k", "2")]).status
                XCTAssertEqual(awaited, .ok)
            }
            let page1 = try await browser.get("/history")
            XCTAssertTrue(page1.text.contains("11 requests;"), page1.text)
            XCTAssertEqual(page1.count("<section class=\"card\">"), 10)
            XCTAssertTrue(page1.text.contains("<a href=\"/history?page=2\" rel=\"next\">Older</a>"))
            XCTAssertTrue(page1.text.contains("Page 1 of 2"))
            let page2 = try await browser.get("/history?page=2")
            XCTAssertEqual(page2.count("<section class=\"card\">"), 1)
            XCTAssertTrue(page2.text.contains("<a href=\"/history?page=1\" rel=\"prev\">Newer</a>"))
            for uri in seen { XCTAssertTrue(page2.text.contains(uri), "the oldest request is on the last page") }
            let bad = try await browser.get("/history?page=0")
            XCTAssertEqual(bad.status, .unprocessableContent)
            XCTAssertTrue(bad.text.contains("page: expected a whole number from 1 to 1000000"), bad.text)
            // Another user sees none of it.
            let other = Browser(client)
            try await other.signUp("yuri")
            let empty = try await other.get("/history")
            XCTAssertTrue(empty.text.contains("No recommendation yet"), empty.text)
        }
    }

    func testTheMultipartReaderRefusesWhatIsNotAWellFormedFormWithinTheLimit() async throws {
        let fixture = try ServiceFixture(limits: ["max_body_kb": 16])
        let id = try RecommendationAPITests.trackIDs(fixture, count: 1)[0]
        try await fixture.test { _, client in
            let browser = Browser(client)
            try await browser.signUp("zoe")
            let csrf = try await browser.sessionCSRF()
            // Over the limit: 413, by multipart and by urlencoded form.
            let huge = String(repeating: "x", count: 20 * 1024)
            let big = try await browser.post("/recommend", multipart: [.field("csrf", csrf), .file("playlist_file", "big.json", huge)])
            XCTAssertEqual(big.status, .contentTooLarge, big.text)
            XCTAssertTrue(big.text.contains("larger than the limit"), big.text)
            XCTAssertPageHeaders(big)
            let bigForm = try await browser.post("/recommend", [("csrf", csrf), ("playlist", huge)])
            XCTAssertEqual(bigForm.status, .contentTooLarge)
            // Malformed: 400.
            let valid = Browser.multipart([.field("csrf", csrf), .field("playlist", id)])
            let cases: [(String, [UInt8], String)] = [
                ("multipart/form-data", valid, "multipart/form-data without a boundary in the Content-Type"),
                ("multipart/form-data; charset=utf-8", valid, "without a boundary"),
                ("multipart/form-data; boundary=", valid, "the multipart boundary must be 1 to 70"),
                ("multipart/form-data; boundary=\(String(repeating: "b", count: 71))", valid, "the multipart boundary must be 1 to 70"),
                ("multipart/form-data; boundary=other", valid, "does not open with its boundary"),
                ("multipart/form-data; boundary=\(Browser.boundary)", Array(valid.dropLast(Browser.boundary.count + 6)),
                 "ends without its closing boundary"),
                ("multipart/form-data; boundary=\(Browser.boundary)",
                 Array("--\(Browser.boundary)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(Browser.boundary)--\r\n".utf8), "no Content-Disposition"),
                ("multipart/form-data; boundary=\(Browser.boundary)",
                 Array("--\(Browser.boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n".utf8), "headers are not terminated"),
                ("multipart/form-data; boundary=\(Browser.boundary)",
                 Array("--\(Browser.boundary)\r\nContent-Disposition: attachment; name=\"csrf\"\r\n\r\nx\r\n--\(Browser.boundary)--".utf8), "is not form-data"),
                ("multipart/form-data; boundary=\(Browser.boundary)",
                 Browser.multipart([.field("csrf", csrf), .field("csrf", csrf)]), "the form gives the field &#39;csrf&#39; twice"),
                ("multipart/form-data; boundary=\(Browser.boundary)",
                 Array("--\(Browser.boundary)\r\nContent-Disposition: form-data; name=\"playlist\"\r\n\r\n".utf8) + [0xFF, 0xFE]
                    + Array("\r\n--\(Browser.boundary)--".utf8), "is not UTF-8 text"),
                ("text/plain", Array("csrf=\(csrf)".utf8), "expected a form"),
                ("application/x-www-form-urlencoded", Array("csrf=\(csrf)&playlist=%zz".utf8), "malformed %-escape"),
            ]
            for (type, body, message) in cases {
                let page = try await browser.send(.post, "/recommend", headers: [.contentType: type], body: body)
                XCTAssertEqual(page.status, .badRequest, "\(type): \(page.text)")
                XCTAssertTrue(page.text.contains(message), "\(type) \(message): \(page.text)")
            }
            // A well-formed one goes through, a quoted boundary and an epilogue included.
            let quoted = try await browser.send(.post, "/recommend", headers: [.contentType: "multipart/form-data; boundary=\"\(Browser.boundary)\""],
                                                body: valid + Array("epilogue".utf8))
            XCTAssertEqual(quoted.status, .ok, quoted.text)
        }
    }

    func testTheMultipartParserUnits() throws {
        let boundary = "XyZ"
        let body = Array("--XyZ\r\ncontent-disposition: form-data; name=\"a\"\r\n\r\none\r\ntwo\r\n--XyZ\r\n".utf8)
            + Array("Content-Disposition: form-data; name=\"f\"; filename=\"x.json\"\r\nContent-Type: application/json\r\n\r\n".utf8)
            + [0, 1, 2, 13, 10, 45, 45] + Array("\r\n--XyZ--\r\n".utf8)
        let form = try MultipartForm.parse(body, boundary: boundary)
        XCTAssertEqual(form.fields, ["a": "one\r\ntwo"])
        XCTAssertEqual(form.files["f"], PageForm.File(filename: "x.json", contentType: "application/json", bytes: [0, 1, 2, 13, 10, 45, 45]))
        XCTAssertEqual(try MultipartForm.boundary("multipart/form-data; BOUNDARY=\"a b\""), "a b")
        XCTAssertThrowsError(try MultipartForm.boundary("multipart/form-data; boundary=a; boundary=b"))
        XCTAssertThrowsError(try MultipartForm.parse(Array("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--".utf8), boundary: boundary),
                             "a part without a name")
        let urlEncoded = try PageForm.urlEncoded(Array("a=1+2%2B3&b=&c&d=%C3%A9".utf8))
        XCTAssertEqual(urlEncoded.fields, ["a": "1 2+3", "b": "", "c": "", "d": "é"])
        XCTAssertThrowsError(try PageForm.urlEncoded(Array("a=%C3".utf8)), "not UTF-8")
        XCTAssertThrowsError(try PageForm.urlEncoded(Array("a=%4".utf8)), "a cut escape")
        XCTAssertEqual(HTMLText.escaped("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        // Noncharacters cannot be written in a Swift literal: made from their scalars.
        let nonCharacters = String(String.UnicodeScalarView([0xFDD0, 0xFFFE, 0x1FFFF].compactMap(Unicode.Scalar.init)))
        XCTAssertEqual(nonCharacters.unicodeScalars.count, 3)
        XCTAssertEqual(HTMLText.escaped("a\u{0}b\u{1}\t\n\r\u{C}\u{7F}\u{85}\u{A0}" + nonCharacters + "\u{FFFD}é"),
                       "a\u{FFFD}b\u{FFFD}\t\n\r\u{C}\u{FFFD}\u{FFFD}\u{A0}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}é",
                       "controls but white space, and noncharacters, as U+FFFD")
        let name = "<b>"
        let html: HTML = "<td>\(name)</td>\(HTML(trusted: "<br>"))"
        XCTAssertEqual(html.text, "<td>&lt;b&gt;</td><br>")
    }
}
