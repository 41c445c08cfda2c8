import MSRTestSupport
import XCTest
@testable import MSRCore

final class JSONValueTests: XCTestCase {
    func testSortedKeysInlineScalarArraysTrailingNewline() {
        let value = JSONValue.object([
            "z": .int(1), "a": .array([.double(0.1), .double(1), .null]), "m": .object(["k": .string("a\"b\n")]),
            "list": .array([.object(["x": .bool(true)])]), "nan": .double(.nan), "empty": .array([]),
        ])
        XCTAssertEqual(value.serialized(), """
        {
          "a": [0.1, 1.0, null],
          "empty": [],
          "list": [
            {
              "x": true
            }
          ],
          "m": {
            "k": "a\\"b\\n"
          },
          "nan": null,
          "z": 1
        }

        """)
    }

    func testControlCharactersAreEscaped() {
        XCTAssertEqual(JSONValue.string("\u{1}").serialized(), "\"\\u0001\"\n")
    }
}

final class JSONParserTests: XCTestCase {
    func testParsesWhatTheWriterWritesExactly() throws {
        var generator = SplitMix64(seed: 3)
        let doubles = (0..<2000).map { _ in (generator.unit() - 0.5) * pow(10, Double(generator.below(30)) - 15) }
        let value = JSONValue.object([
            "d": .array(doubles.map(JSONValue.double)), "i": .int(-42), "s": .string("a\"b\\c\n\u{1}é"),
            "b": .bool(false), "n": .null, "nested": .array([.object([:]), .array([])]),
        ])
        XCTAssertEqual(try JSONParser.parse(Array(value.serialized().utf8)), value)
    }

    /// A key given twice keeps its last value, as assigning member by member did.
    func testARepeatedKeyKeepsItsLastValue() throws {
        XCTAssertEqual(try JSONParser.parse(Array(#"{"a": 1, "b": {"c": [], "c": {}}, "a": "x", "": null}"#.utf8)),
                       .object(["a": .string("x"), "b": .object(["c": .object([:])]), "": .null]))
        XCTAssertEqual(try JSONParser.parse(Array("{}".utf8)), .object([:]))
    }

    func testUnicodeEscapesAndErrors() throws {
        XCTAssertEqual(try JSONParser.parse(Array(#"["\u00e9\ud83c\udfb5"]"#.utf8)), .array([.string("é🎵")]))
        XCTAssertEqual(try JSONParser.parse(Array(" 1e2 ".utf8)), .double(100))
        for (text, message) in [("[1, 2", "unexpected end of input at byte 5"), ("{\"a\" 1}", "expected : at byte 5"),
                                ("[1] x", "unexpected text after the JSON value at byte 4"), ("tru", "expected true at byte 0"),
                                ("[-]", "expected a value at byte 1")] {
            XCTAssertThrowsError(try JSONParser.parse(Array(text.utf8)), text) {
                XCTAssertEqual(($0 as? JSONParser.ParseError)?.message, message, text)
            }
        }
    }

    /// JSON text is UTF-8: a string with bytes that are not (a lone continuation byte, a lead
    /// byte cut short, an overlong form, a surrogate's encoding, 0xFF) is refused where it starts,
    /// in a value, a key or a nested value alike, escaped or not; valid multi-byte text is kept.
    func testAStringThatIsNotUTF8IsRefused() throws {
        let valid: [UInt8] = Array(#"{"k\u00e9": "caf"#.utf8) + [0xC3, 0xA9] + Array(#"\n", "x": "\#u{1F3B5}"}"#.utf8)
        XCTAssertEqual(try JSONParser.parse(valid), .object(["ké": .string("café\n"), "x": .string("🎵")]))
        for bad: [UInt8] in [[0x80], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]] {
            for (before, after, at) in [(#"["ab"#, #""]"#, 1), (#"{"a": "b\n"#, #""}"#, 6), (#"{""#, #"": 1}"#, 1),
                                        (#"[1, {"nested": ["x"#, #""]}]"#, 16)] {
                let text = Array(before.utf8) + bad + Array(after.utf8)
                XCTAssertThrowsError(try JSONParser.parse(text), "\(bad) in \(before)") {
                    XCTAssertEqual(($0 as? JSONParser.ParseError)?.message, "invalid UTF-8 in the string at byte \(at)", "\(bad) in \(before)")
                }
            }
        }
    }

    /// Strings are scanned eight bytes at a time up to a quote, a backslash or a control byte:
    /// each of those, a multi-byte character and each kind of invalid UTF-8, at every position of
    /// strings of 0 to 40 bytes (so before, across and after each eight-byte word), read as the
    /// plain byte-by-byte reading does: the same value, or the same error at the same byte.
    func testEveryPositionOfAStringReadsAlike() throws {
        let fillers: [[UInt8]] = [Array("a".utf8), Array("é".utf8)]
        let pieces: [(bytes: [UInt8], decoded: [UInt8]?, error: String?)] = [
            (Array(#"\""#.utf8), [0x22], nil), (Array(#"\\"#.utf8), [0x5C], nil),
            (Array(#"\n"#.utf8), [0x0A], nil), (Array(#"\u00e9"#.utf8), Array("é".utf8), nil),
            (Array("🎵".utf8), Array("🎵".utf8), nil), ([0x7F], [0x7F], nil), ([0x20], [0x20], nil),
            ([0x01], nil, "control character in a string"), ([0x1F], nil, "control character in a string"),
            ([0x80], nil, "invalid UTF-8"), ([0xC3], nil, "invalid UTF-8"), ([0xFF], nil, "invalid UTF-8"),
            ([0xED, 0xA0, 0x80], nil, "invalid UTF-8"),
        ]
        var checked = 0
        for filler in fillers {
            for length in 0...40 {
                for position in 0...length {
                    for piece in pieces {
                        let head = Array(repeating: filler, count: position).flatMap { $0 }
                        let tail = Array(repeating: filler, count: length - position).flatMap { $0 }
                        let text = Array(#"[""#.utf8) + head + piece.bytes + tail + Array(#""]"#.utf8)
                        if let decoded = piece.decoded {
                            let expected = String(decoding: head + decoded + tail, as: UTF8.self)
                            XCTAssertEqual(try JSONParser.parse(text), .array([.string(expected)]), "\(piece.bytes) at \(position) of \(length)")
                        } else {
                            XCTAssertThrowsError(try JSONParser.parse(text), "\(piece.bytes) at \(position) of \(length)") {
                                XCTAssertTrue(($0 as? JSONParser.ParseError)?.message.contains(piece.error!) == true,
                                              "\($0) for \(piece.bytes) at \(position) of \(length)")
                            }
                        }
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, 2 * 13 * (41 * 42 / 2))
    }
}
