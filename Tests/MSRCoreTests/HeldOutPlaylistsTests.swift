@testable import MSRCore
import MSRTestSupport
import XCTest

final class HeldOutPlaylistsTests: XCTestCase {
    // Three genres of 40 songs: rows 0..<40 genre 0, 40..<80 genre 1, 80..<120 genre 2.
    let labels = (0..<120).map { Int32($0 / 40) }

    func testPlaylistsHoldOneOrTwoGenresInTheirShares() throws {
        var params = RecommenderEvaluationParams()
        params.playlists = 200
        let playlists = try HeldOutPlaylists(rows: Array(0..<120), labels: labels, params: params)
        XCTAssertEqual(playlists.draws.count, 200)
        var mixed = 0
        for draw in playlists.draws {
            XCTAssertTrue((10...30).contains(draw.rows.count))
            XCTAssertEqual(Set(draw.rows).count, draw.rows.count, "no song twice")
            XCTAssertEqual(Set(draw.genres).count, draw.genres.count)
            let first = draw.rows.filter { labels[$0] == draw.genres[0] }.count
            if draw.genres.count == 2 {
                mixed += 1
                XCTAssertEqual(first, (draw.rows.count * 2 + 2) / 3, "two thirds, rounded up, from the first genre")
            } else {
                XCTAssertEqual(first, draw.rows.count)
            }
        }
        XCTAssertTrue((70...130).contains(mixed), "about half mixed: \(mixed)")
        XCTAssertEqual(try HeldOutPlaylists(rows: Array(0..<120), labels: labels, params: params).draws, playlists.draws, "seeded")
        params.randomState = 7
        XCTAssertNotEqual(try HeldOutPlaylists(rows: Array(0..<120), labels: labels, params: params).draws, playlists.draws)
    }

    func testTooFewHeldOutSongsIsAnError() {
        var params = RecommenderEvaluationParams()
        params.mixedShare = 0
        params.minTracks = 50
        params.maxTracks = 50
        XCTAssertEqual(errorMessage { _ = try HeldOutPlaylists(rows: Array(0..<120), labels: labels, params: params) },
                       "evaluate_recommender: no genre has 50 held-out songs for a playlist of 50 tracks "
                       + "(lower max_tracks, or raise transform.test_size)")
    }
}
