import MSRTestSupport
import XCTest
@testable import MSRCore

final class YAMLTests: XCTestCase {
    func parse(_ text: String) throws -> ConfigValue {
        ConfigValue(node: try YAMLLoader.parse(Array(text.utf8), file: "p.yaml")!, file: "p.yaml", path: "")
    }

    func testScalarsAreResolvedByTheTypeAskedFor() throws {
        var root = try parse("a: 5\nb: 0.25\nc: true\nd: hello\ne: '7'\nf: ~\ng: 1_000\n").mapping()
        XCTAssertEqual(try root.required("a").int(), 5)
        XCTAssertEqual(try root.required("b").double(), 0.25)
        XCTAssertEqual(try root.required("c").bool(), true)
        XCTAssertEqual(try root.required("d").string(), "hello")
        XCTAssertEqual(try root.required("e").string(), "7")
        XCTAssertNil(root.optional("f"))
        XCTAssertEqual(try root.required("g").int(), 1000)
        XCTAssertNoThrow(try root.finish())
    }

    func testAnAliasBombIsRefusedNamingTheAlias() throws {
        // Nine levels of nine aliases: 9^9 scalars from under 400 bytes.
        var text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        XCTAssertEqual(errorMessage { _ = try YAMLLoader.parse(Array(text.utf8), file: "p.yaml") },
                       "p.yaml:6:4: alias *f makes the document expand beyond 100000 nodes (an alias bomb?); "
                       + "write the values out or use fewer nested aliases")
    }

    func testAHugeDocumentWithoutAliasesIsNotCalledAnAliasBomb() throws {
        let text = "x: [" + Array(repeating: "[1, 2, 3, 4, 5]", count: 20_000).joined(separator: ", ") + "]\n"
        XCTAssertEqual(errorMessage { _ = try YAMLLoader.parse(Array(text.utf8), file: "p.yaml") },
                       "p.yaml: more than 100000 nodes: far more than any config, params or schema file needs")
    }

    func testModestAliasesStillExpand() throws {
        var root = try parse("base: &b {x: 1, y: 2}\nuse: [*b, *b, *b]\n").mapping()
        _ = try root.required("base")
        XCTAssertEqual(try root.required("use").list().count, 3)
    }

    func testQuotedNumberIsNotAnInteger() throws {
        var root = try parse("a: '7'\n").mapping()
        XCTAssertEqual(errorMessage { _ = try root.required("a").int() }, "p.yaml:1:4: a: expected an integer, got \"7\"")
    }

    func testWrongTypeNamesFileLineColumnAndKeyPath() throws {
        var root = try parse("train:\n  max_depth: five\n").mapping()
        var train = try root.required("train").mapping()
        XCTAssertEqual(errorMessage { _ = try train.required("max_depth").int(min: 1) },
                       "p.yaml:2:14: train.max_depth: expected an integer >= 1, got \"five\"")
    }

    func testBoundsAreInTheMessage() throws {
        var root = try parse("t: 1.5\nu: 0\n").mapping()
        XCTAssertEqual(errorMessage { _ = try root.required("t").double(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true) },
                       "p.yaml:1:4: t: expected a number in (0, 1), got \"1.5\"")
        XCTAssertEqual(errorMessage { _ = try root.required("u").int(min: 1, max: 255) },
                       "p.yaml:2:4: u: expected an integer in [1, 255], got \"0\"")
    }

    func testMissingKeyIsAnErrorAtTheMapping() throws {
        var root = try parse("transform:\n  test_size: 0.2\n").mapping()
        var transform = try root.required("transform").mapping()
        XCTAssertEqual(errorMessage { _ = try transform.required("random_state") },
                       "p.yaml:2:3: transform: missing key 'random_state'")
    }

    func testUnknownKeyIsAnErrorListingTheKnownOnes() throws {
        var root = try parse("a: 1\ntypo: 2\n").mapping()
        _ = root.optional("a")
        _ = root.optional("b")
        XCTAssertEqual(errorMessage { try root.finish() }, "p.yaml:2:1: typo: unknown key (expected one of: a, b)")
    }

    func testSyntaxErrorNamesLineAndColumn() {
        XCTAssertEqual(errorMessage { _ = try self.parse("a: [1, 2\nb: 3\n") },
                       "p.yaml:2:2: while parsing a flow sequence: did not find expected ',' or ']'")
        XCTAssertTrue(errorMessage { _ = try self.parse("a:\n  b: 1\n c: 2\n") }.hasPrefix("p.yaml:3:2: "))
    }

    func testAControlCharacterOrBadUTF8IsPlacedWhereItIs() {
        XCTAssertEqual(errorMessage { _ = try YAMLLoader.parse(Array("a: 1\nbé: x\u{0}y\n".utf8), file: "p.yaml") },
                       "p.yaml:2:6: control characters are not allowed (#x0)")
        XCTAssertEqual(errorMessage { _ = try YAMLLoader.parse(Array("a: 1\nb: 2\nc: ".utf8) + [0xFF], file: "p.yaml") },
                       "p.yaml:3:4: invalid leading UTF-8 octet (#xff)")
    }

    func testDuplicateKeyIsAnError() {
        XCTAssertEqual(errorMessage { _ = try self.parse("a: 1\na: 2\n") }, "p.yaml:2:1: duplicate key 'a'")
    }

    func testAnchorsAliasesAndMergeKeys() throws {
        let text = """
        base: &base
          learning_rate: 0.1
          max_depth: 3
        genres: &genres [pop, rock]
        train:
          <<: *base
          max_depth: 5
        ingest:
          genres: *genres
        """
        var root = try parse(text).mapping()
        _ = root.optional("base")
        var train = try root.required("train").mapping()
        XCTAssertEqual(try train.required("learning_rate").double(), 0.1)
        XCTAssertEqual(try train.required("max_depth").int(), 5, "a key written beside the merge wins")
        XCTAssertNoThrow(try train.finish())
        var ingest = try root.required("ingest").mapping()
        XCTAssertEqual(try ingest.required("genres").list().map { try $0.string() }, ["pop", "rock"])
        _ = root.optional("genres")
        XCTAssertNoThrow(try root.finish())
    }

    func testRecursiveAliasIsRefusedNotLooped() {
        XCTAssertTrue(errorMessage { _ = try self.parse("a: &x [*x]\n") }.contains("p.yaml:"))
    }

    func testEmptyDocumentLoadsAsNil() throws {
        XCTAssertNil(try YAMLLoader.parse(Array("# nothing\n".utf8), file: "e.yaml"))
    }

    func testMissingFileIsMissingInput() {
        XCTAssertThrowsError(try YAMLLoader.load(path: "/nonexistent/params.yaml")) { error in
            XCTAssertEqual((error as? MSRError)?.kind, .missingInput)
            XCTAssertEqual((error as? MSRError)?.message, "/nonexistent/params.yaml: YAML file not found")
        }
    }
}
