import MSRCore
import XCTest

/// The continuation split: a seeded tenth held out, each shown in part two ways.
final class ContinuationSplitTests: XCTestCase {
    /// 100 playlists of 10 distinct tracks each (playlist p holds 10p ..< 10p + 10).
    let playlists: [[Int32]] = (0..<100).map { p in (0..<10).map { Int32(10 * p + $0) } }

    func testATenthIsHeldOutAndEachCaseSplitsItsPlaylist() {
        let split = ContinuationSplit(playlists: playlists, seed: 7)
        XCTAssertEqual(split.training.count, 90)
        XCTAssertEqual(split.randomHidden.count, 10)
        XCTAssertEqual(Set(split.training).union(split.randomHidden.map(\.playlist)), Set(0..<100))
        for test in split.randomHidden {
            XCTAssertEqual(test.hidden.count, 2, "20% of 10")
            XCTAssertEqual(test.shown.count, 8)
            XCTAssertEqual(Set(test.shown).union(test.hidden), Set(playlists[test.playlist]))
            XCTAssertEqual(test.shown, playlists[test.playlist].filter { !test.hidden.contains($0) }, "shown in playlist order")
        }
        XCTAssertEqual(split.firstShown.map(\.playlist), split.randomHidden.map(\.playlist))
        for test in split.firstShown {
            XCTAssertEqual(test.shown, Array(playlists[test.playlist].prefix(5)))
            XCTAssertEqual(test.hidden, Set(playlists[test.playlist].dropFirst(5)))
        }
    }

    func testTheSeedFixesTheSplit() {
        XCTAssertEqual(ContinuationSplit(playlists: playlists, seed: 7), ContinuationSplit(playlists: playlists, seed: 7))
        XCTAssertNotEqual(ContinuationSplit(playlists: playlists, seed: 7).training, ContinuationSplit(playlists: playlists, seed: 8).training)
    }

    func testShortPlaylistsAndRepeats() {
        // Ten playlists: one of one track (never held out), the others of two tracks, one with a repeat.
        var short: [[Int32]] = [[0]]
        for p in 1..<9 { short.append([Int32(2 * p), Int32(2 * p + 1)]) }
        short.append([50, 50, 51])
        let split = ContinuationSplit(playlists: short, heldOutShare: 1, seed: 3)
        XCTAssertEqual(split.training, [0], "a one-track playlist cannot be shown in part")
        XCTAssertEqual(split.randomHidden.count, 9)
        for test in split.randomHidden {
            XCTAssertEqual(test.shown.count, 1)
            XCTAssertEqual(test.hidden.count, 1)
        }
        XCTAssertEqual(split.randomHidden.last.map { Set($0.shown).union($0.hidden) }, [50, 51], "a repeat counts once")
        XCTAssertTrue(split.firstShown.isEmpty, "none is longer than five tracks")
    }
}
