@testable import MSRCLI
import MSRCore
import XCTest

/// msr-predict's quick parser (no ArgumentParser) against ArgumentParser's parse: the same values
/// for every form it takes, and nil for the others, which ArgumentParser then parses.
final class PredictArgumentsTests: XCTestCase {
    func testTheQuickParserReadsWhatArgumentParserReads() throws {
        let lines: [[String]] = [
            [], ["p.json"], ["-"], ["p.json", "--no-log"], ["--no-log", "p.json"], ["-k", "5", "p.json"], ["p.json", "-k", "-1"],
            ["-k", "x", "p.json"], ["-k", "-12", "p.json"], ["--pid", "-3", "slice.json"], ["--pid", "7", "slice.json", "--no-log"],
            ["--similar-to", "3n3Ppam7vgaVa1iaRUc9Lp", "--same-genre"], ["--same-genre", "p.json"],
            ["p.json", "--method", "cf", "--format", "table", "--config", "c.yaml", "--params", "dir/p.yaml"],
            ["--method", "content", "--format", "jsonl", "-k", "100", "-"], ["--config", "", "p.json"],
            ["p.json", "--similar-to", "x y"],
        ]
        for line in lines {
            let quick = try XCTUnwrap(PredictInvocation.quick(line), "\(line)")
            let parsed = try Predict.parse(line).invocation
            XCTAssertEqual(quick, parsed, "\(line)")
        }
        var expected = PredictInvocation()
        expected.playlist = "p.json"
        expected.k = "5"
        expected.method = .cf
        expected.stage.config = "c.yaml"
        expected.noLog = true
        XCTAssertEqual(PredictInvocation.quick(["-k", "5", "--method", "cf", "p.json", "--config", "c.yaml", "--no-log"]), expected)
    }

    func testTheQuickParserLeavesEveryOtherFormToArgumentParser() {
        let lines: [[String]] = [
            ["--help"], ["-h"], ["p.json", "--help"], ["--stamp"], ["p.json", "q.json"], ["--k", "5", "p.json"], ["-k5", "p.json"],
            ["--format=json", "p.json"], ["--method", "bogus", "p.json"], ["--format", "xml", "p.json"], ["p.json", "-k"],
            ["p.json", "--pid"], ["p.json", "--no-log", "--no-log"], ["-k", "1", "-k", "2", "p.json"], ["--", "p.json"],
            ["--config", "-x", "p.json"], ["--params", "--no-log", "p.json"], ["--similar-to", "-"], ["-x", "p.json"],
            ["--bogus"], ["p.json", "--generate-completion-script", "bash"],
            // Found by a review: values ArgumentParser reads as options across the whole line
            // (a completion script printed, a malformed option, the end of the options).
            ["p.json", "-k", "--generate-completion-script", "--no-log"], ["--pid", "--generate-completion-script=fish"],
            ["p.json", "-k", "---"], ["-k", "-=", "p.json"], ["--pid", "--", "p.json", "--no-log"], ["-k", "-", "p.json"],
            ["-k", "--help", "p.json"], ["-k", "-x1", "p.json"],
        ]
        for line in lines {
            XCTAssertNil(PredictInvocation.quick(line), "\(line)")
        }
    }
}
