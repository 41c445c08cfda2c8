import MSRTestSupport
import XCTest
@testable import MSRCore

final class CSVReaderTests: XCTestCase {
    func read(_ text: String, _ request: [(name: String, kind: CSVColumnKind)],
              badCells: CSVReader.BadCellPolicy = .fail) throws -> CSVColumns {
        try CSVReader(bytes: Array(text.utf8), file: "t.csv").read(request, badCells: badCells)
    }

    func testQuotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "id,name,x\n1,\"a, b\",1.5\n2,\"say \"\"hi\"\"\",2\n3,\"two\nlines\",3\n4,,4\n"
        let columns = try read(text, [("name", .text), ("x", .number)])
        XCTAssertEqual(columns.texts["name"]!.strings, ["a, b", "say \"hi\"", "two\nlines", ""])
        XCTAssertEqual(columns.numbers["x"]!, [1.5, 2, 3, 4])
        XCTAssertEqual(columns.lines, [2, 3, 4, 6], "a quoted newline moves the next row's line")
    }

    func testCRLFAndCRLineEndsAndBOM() throws {
        let crlf = try read("\u{FEFF}a,b\r\n1,x\r\n2,y\r\n", [("a", .number), ("b", .text)])
        XCTAssertEqual(crlf.header, ["a", "b"], "the byte order mark is not part of the first name")
        XCTAssertEqual(crlf.numbers["a"]!, [1, 2])
        XCTAssertEqual(crlf.texts["b"]!.strings, ["x", "y"])
        let cr = try read("a,b\r1,x\r2,y", [("a", .number), ("b", .text)])
        XCTAssertEqual(cr.texts["b"]!.strings, ["x", "y"])
        XCTAssertEqual(cr.lines, [2, 3])
    }

    func testUnnamedFirstColumnAndNoFinalNewline() throws {
        let columns = try read(",track_id,tempo\n0,abc,120.5\n1,def,99", [("track_id", .text), ("tempo", .number)])
        XCTAssertEqual(columns.header, ["", "track_id", "tempo"])
        XCTAssertEqual(columns.texts["track_id"]!.strings, ["abc", "def"])
        XCTAssertEqual(columns.numbers["tempo"]!, [120.5, 99])
    }

    func testBlankLinesAreSkipped() throws {
        let columns = try read("a\n1\n\n2\n\n", [("a", .number)])
        XCTAssertEqual(columns.numbers["a"]!, [1, 2])
        XCTAssertEqual(columns.lines, [2, 4])
    }

    func testCategoriesInternInFirstSeenOrder() throws {
        let columns = try read("g\npop\nrock\npop\n\"rock\"\n", [("g", .category)])
        XCTAssertEqual(columns.categories["g"]!.names, ["pop", "rock"])
        XCTAssertEqual(columns.categories["g"]!.codes, [0, 1, 0, 1])
    }

    func testMissingMarkersBecomeNaN() throws {
        let columns = try read("x\n\nNaN\nNA\n1\n", [("x", .number)])
        XCTAssertEqual(columns.numbers["x"]!.count, 3, "a blank line is no row")
        let values = try read("x,y\n,1\nNaN,1\nNA,1\n1,1\n", [("x", .number)]).numbers["x"]!
        XCTAssertEqual(values.map(\.isNaN), [true, true, true, false])
    }

    func testBadNumberNamesFileLineAndColumn() {
        XCTAssertEqual(errorMessage { _ = try self.read("a,energy\n1,0.5\n2,\"x\ny\"\n3,loud\n", [("energy", .number)]) },
                       "t.csv:3:2: column 'energy': expected a number, got \"x\\ny\"", "a line break in the cell stays on one line")
        XCTAssertEqual(errorMessage { _ = try self.read("a,energy\n1,0.5\n3,loud\n", [("energy", .number)]) },
                       "t.csv:3:2: column 'energy': expected a number, got \"loud\"")
    }

    func testANumberBeyondADoubleIsRefused() {
        for text in ["1e999", "-1e999", "1" + String(repeating: "0", count: 400)] {
            XCTAssertEqual(errorMessage { _ = try self.read("a,energy,b\n1,0.5,x\n2,\(text),y\n", [("energy", .number)]) },
                           "t.csv:3:2: column 'energy': expected a finite number, got \"\(text.count > 200 ? text.prefix(200) + "..." : text)\"")
        }
        XCTAssertEqual(try read("x\n1e308\n1e-999\n", [("x", .number)]).numbers["x"]!, [1e308, 0], "finite, or underflowing to 0")
    }

    func testCollectedCellsSayWhatTheyHeld() throws {
        let columns = try read("a,b\n1,x\nabc,x\n1e999,x\nnan,x\n,x\nNA,x\n", [("a", .number)], badCells: .collect)
        XCTAssertEqual(columns.badCells, [
            BadCell(row: 1, line: 3, column: "a", value: "abc", reason: .notANumber),
            BadCell(row: 2, line: 4, column: "a", value: "1e999", reason: .notFinite),
            BadCell(row: 3, line: 5, column: "a", value: "nan", reason: .missingMarker),
            BadCell(row: 5, line: 7, column: "a", value: "NA", reason: .missingMarker),
        ], "an empty cell is plainly missing: not listed")
        XCTAssertEqual(columns.numbers["a"]!.map(\.isNaN), [false, true, true, true, true, true])
    }

    /// A `.printable` column is checked as it is read and not kept: only its bad cells come back.
    func testPrintableColumnsAreCheckedNotKept() throws {
        let csv = Array("a,name\n1,ok\n2,\"tab\there\"\n3,\n4,".utf8) + [0xFF, 0x41] + Array("\n".utf8)
        let columns = try CSVReader(bytes: csv, file: "t.csv").read([("a", .number), ("name", .printable)], badCells: .collect)
        XCTAssertEqual(columns.badCells, [
            BadCell(row: 1, line: 3, column: "name", value: "tab\there", reason: .notPrintable),
            BadCell(row: 3, line: 5, column: "name", value: "\u{FFFD}A", reason: .notPrintable),
        ], "an empty value is unknown, not bad")
        XCTAssertNil(columns.texts["name"], "not kept")
        XCTAssertEqual(columns.numbers["a"]!, [1, 2, 3, 4])
        XCTAssertEqual(errorMessage { _ = try CSVReader(bytes: csv, file: "t.csv").read([("name", .printable)]) },
                       "t.csv:3:2: column 'name': expected printable text (valid UTF-8, no control characters), got \"tab\\there\"")
    }

    func testADuplicatedColumnIsRefusedWhenRead() throws {
        XCTAssertEqual(errorMessage { _ = try self.read("a,tempo,b,tempo\n1,120,3,-999\n", [("tempo", .number)]) },
                       "t.csv:1:4: duplicated column 'tempo' (columns 2 and 4; expected each column once)")
        // A column no one reads may repeat: nothing is guessed.
        XCTAssertEqual(try read("a,x,x\n1,2,3\n", [("a", .number)]).numbers["a"]!, [1])
    }

    func testBadNumbersCanBeCollected() throws {
        let columns = try read("a\n1\nabc\n3\n", [("a", .number)], badCells: .collect)
        XCTAssertEqual(columns.badCells, [BadCell(row: 1, line: 3, column: "a", value: "abc")])
        XCTAssertTrue(columns.numbers["a"]![1].isNaN)
    }

    func testWrongFieldCountIsAnError() {
        XCTAssertEqual(errorMessage { _ = try self.read("a,b\n1,2\n3\n", [("a", .number)]) },
                       "t.csv:3: expected 2 fields as in the header, got 1")
        XCTAssertEqual(errorMessage { _ = try self.read("a,b\n1,2,3\n", [("a", .number)]) },
                       "t.csv:2: expected 2 fields as in the header, got 3")
    }

    func testUnclosedQuoteAndStrayQuote() {
        XCTAssertEqual(errorMessage { _ = try self.read("a,b\n1,\"open\n2,3\n", [("a", .number)]) },
                       "t.csv:2: a quoted field is never closed")
        XCTAssertTrue(errorMessage { _ = try self.read("a,b\n1,\"x\"y\n", [("a", .number)]) }
            .hasPrefix("t.csv:2: unexpected character after a closing quote"))
    }

    func testMissingColumnListsTheHeader() {
        XCTAssertEqual(errorMessage { _ = try self.read("a,b\n1,2\n", [("energy", .number)]) },
                       "t.csv:1: missing column 'energy' (the header has: a, b)")
    }

    /// A message shows at most `MessageText.shownCharacters` of a header or a cell: a 50 MB
    /// line is not repeated into the message.
    func testAHugeHeaderOrCellIsCutInTheMessage() {
        let long = String(repeating: "B", count: 100_000)
        let header = "a, " + long.prefix(197) + "...", cell = long.prefix(200) + "..."
        XCTAssertEqual(errorMessage { _ = try self.read("a,\(long)\n1,2\n", [("energy", .number)]) },
                       "t.csv:1: missing column 'energy' (the header has: \(header))")
        XCTAssertEqual(errorMessage { _ = try self.read("a\n\(long)\n", [("a", .number)]) },
                       "t.csv:2:1: column 'a': expected a number, got \"\(cell)\"")
    }

    func testEmptyFileHasNoHeader() {
        XCTAssertEqual(errorMessage { _ = try self.read("", [("a", .number)]) },
                       "t.csv:1: the file is empty (expected a header)")
    }

    func testWriterFindsEveryByteThatNeedsQuotesWhereverItIs() {
        // Eight bytes at a time and then the rest: each special byte at every place of texts
        // of 0 to 20 bytes, among neighbours that differ by one bit or lie above 0x7F.
        let fillers: [UInt8] = [0x2D, 0x2B, 0x22 ^ 0x80, 0x0B, 0x0C, 0xFF, 0x80, 0x61, 0x00]
        for length in 0...20 {
            for filler in fillers {
                var bytes = [UInt8](repeating: filler, count: length)
                bytes.withUnsafeBufferPointer {
                    XCTAssertFalse(CSVWriter.needsQuotes($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: length),
                                   "\(length) x \(filler)")
                }
                for place in 0..<length {
                    for special in [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")] {
                        bytes[place] = special
                        bytes.withUnsafeBufferPointer {
                            XCTAssertTrue(CSVWriter.needsQuotes($0.baseAddress!, count: length), "\(special) at \(place) of \(length)")
                        }
                        // Past the counted bytes, it is not seen.
                        bytes.withUnsafeBufferPointer {
                            XCTAssertFalse(CSVWriter.needsQuotes($0.baseAddress!, count: place), "\(special) just past \(place)")
                        }
                        bytes[place] = filler
                    }
                }
            }
        }
    }

    func testWriterQuotesOnlyWhenItMustAndRoundTrips() throws {
        var writer = CSVWriter()
        writer.row(["name", "x", "k"])
        for (name, x, k) in [("plain", 0.1, 3), ("a, b", 2.07e-05, -1), ("say \"hi\"", 1e16, 0), ("two\nlines", -0.0, 10)] {
            writer.text(name)
            writer.number(x)
            writer.integer(k)
            writer.endRow()
        }
        writer.text("missing")
        writer.number(.nan)
        writer.integer(1)
        writer.endRow()
        let text = String(decoding: writer.bytes, as: UTF8.self)
        XCTAssertEqual(text, "name,x,k\nplain,0.1,3\n\"a, b\",2.07e-05,-1\n\"say \"\"hi\"\"\",1e+16,0\n\"two\nlines\",-0.0,10\nmissing,,1\n")
        let back = try read(text, [("name", .text), ("x", .number), ("k", .number)])
        XCTAssertEqual(back.texts["name"]!.strings, ["plain", "a, b", "say \"hi\"", "two\nlines", "missing"])
        XCTAssertEqual(back.numbers["x"]!.prefix(4).map(\.bitPattern), [0.1, 2.07e-05, 1e16, -0.0].map(\.bitPattern))
    }
}

/// The parallel read gives exactly the sequential result, wherever the cuts fall.
final class CSVParallelReadTests: XCTestCase {
    /// A file with every hard case: quoted newlines and commas, escaped quotes, CRLF, blank
    /// lines, missing values, many categories.
    func messyCSV(rows: Int, seed: UInt64) -> String {
        var generator = SplitMix64(seed: seed)
        var text = ",id,name,g,x\r\n"
        for row in 0..<rows {
            let name: String
            switch generator.below(6) {
            case 0: name = "\"multi\nline \(row)\""
            case 1: name = "\"comma, \"\"quoted\"\" \(row)\""
            case 2: name = "\"\""
            default: name = "plain\(row)"
            }
            let x = generator.below(10) == 0 ? "" : NumberFormat.shortest(generator.unit() * 100)
            text += "\(row),id\(row),\(name),g\(generator.below(7)),\(x)"
            text += generator.below(2) == 0 ? "\r\n" : "\n"
            if generator.below(20) == 0 { text += "\n" }
        }
        return text
    }

    func testPartsJoinToTheSequentialResult() throws {
        let request: [(name: String, kind: CSVColumnKind)] = [("id", .text), ("name", .text), ("g", .category), ("x", .number)]
        for seed: UInt64 in 1...4 {
            let reader = CSVReader(bytes: Array(messyCSV(rows: 500, seed: seed).utf8), file: "m.csv")
            let one = try reader.read(request, parts: 1)
            XCTAssertEqual(one.rowCount, 500)
            for parts in [2, 3, 7, 16] {
                let many = try reader.read(request, parts: parts)
                XCTAssertEqual(many.rowCount, one.rowCount)
                XCTAssertEqual(many.lines, one.lines, "parts \(parts)")
                XCTAssertEqual(many.texts["id"], one.texts["id"])
                XCTAssertEqual(many.texts["name"], one.texts["name"])
                XCTAssertEqual(many.categories["g"], one.categories["g"])
                XCTAssertEqual(many.numbers["x"]!.map(\.bitPattern), one.numbers["x"]!.map(\.bitPattern))
            }
        }
    }

    /// `.feature` columns give each row's text exactly as the writer formats the values, in
    /// request order whatever the header's, copying fields already in that form (one run of
    /// them or scattered) and formatting the rest (trailing zeros, exponents, quoted, `5.0` in
    /// an integer column, missing), the same in any number of parts.
    func testFeatureTextIsTheWrittenFormOfEachRow() throws {
        var generator = SplitMix64(seed: 3)
        let forms: [(Double) -> String] = [
            { NumberFormat.shortest($0) }, { NumberFormat.shortest($0) }, { NumberFormat.shortest($0) },
            { NumberFormat.shortest($0) + "0" }, { "\"\(NumberFormat.shortest($0))\"" }, { String(format: "%.3e", $0) },
        ]
        var text = "b,k,name,a\n"
        for row in 0..<600 {
            let a = (generator.unit() - 0.5) * pow(10, Double(generator.below(8)) - 3)
            let b = Double(Int(generator.below(2000)) - 1000) / 100
            let key = Double(generator.below(12))
            let aText = generator.below(40) == 0 ? "" : forms[Int(generator.below(forms.count))](a)
            let keyText = generator.below(5) == 0 ? NumberFormat.shortest(key) : String(Int(key))
            text += "\(forms[Int(generator.below(forms.count))](b)),\(keyText),n\(row),\(aText)\n"
        }
        let request: [(name: String, kind: CSVColumnKind)] = [("a", .feature(integer: false)), ("name", .text),
                                                              ("k", .feature(integer: true)), ("b", .feature(integer: false))]
        let reader = CSVReader(bytes: Array(text.utf8), file: "f.csv")
        let one = try reader.read(request, parts: 1)
        XCTAssertEqual(one.rowCount, 600)
        for row in 0..<one.rowCount {
            let (a, k, b) = (one.numbers["a"]![row], one.numbers["k"]![row], one.numbers["b"]![row])
            let expected = (a.isNaN ? "" : NumberFormat.shortest(a)) + "," + String(Int(k)) + "," + NumberFormat.shortest(b)
            XCTAssertEqual(one.featureText[row], expected, "row \(row)")
        }
        for parts in [2, 5] {
            let many = try reader.read(request, parts: parts)
            XCTAssertEqual(many.featureText, one.featureText, "parts \(parts)")
        }
        XCTAssertEqual(try reader.read([("a", .number), ("name", .text)]).featureText.count, 0, "no feature asked, no text")
    }

    /// Everything a read gives, comparable.
    func summary(_ columns: CSVColumns) -> String {
        var text = "\(columns.rowCount) rows; lines \(columns.lines); bad \(columns.badCells)\n"
        for name in columns.texts.keys.sorted() { text += "\(name): \(columns.texts[name]!.strings)\n" }
        for name in columns.categories.keys.sorted() { text += "\(name): \(columns.categories[name]!)\n" }
        for name in columns.numbers.keys.sorted() { text += "\(name): \(columns.numbers[name]!.map(\.bitPattern))\n" }
        text += "feature text: \(columns.featureText.strings)\n"
        return text
    }

    func testAFileReadAWindowAtATimeGivesTheWholeFilesResult() throws {
        let request: [(name: String, kind: CSVColumnKind)] = [("id", .text), ("name", .text), ("g", .category), ("x", .number)]
        // The messy file; one with a byte order mark, a field that starts with one mid-file, a
        // row longer than the windows, CR-only line ends and no final line end; a header only.
        let long = String(repeating: "w", count: 900)
        let files = [messyCSV(rows: 300, seed: 9),
                     "\u{FEFF},id,name,g,x\n1,a,\u{FEFF}n,g1,2\r\n2,b,\"\(long)\n\(long)\",g2,\n3,c,\"x\",g1,4",
                     ",id,name,g,x\r1,a,b,g1,2\r2,b,c,g2,3\r",
                     ",id,name,g,x\r\n"]
        try withTemporaryFolder { folder in
            for (k, text) in files.enumerated() {
                let path = "\(folder)/f\(k).csv"
                XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
                // The same with the number as a feature: its text kept too.
                for request in [request, request.dropLast() + [("x", .feature(integer: false))]] {
                    let whole = summary(try CSVReader(bytes: Array(text.utf8), file: path).read(request, badCells: .collect, parts: 1))
                    for chunk in [1, 2, 3, 7, 64, 333, 1 << 20] {
                        for parts in [1, 3] {
                            let reader = try CSVReader(path: path, chunkBytes: chunk)
                            XCTAssertEqual(try reader.header(), ["", "id", "name", "g", "x"], "file \(k), window \(chunk)")
                            XCTAssertEqual(summary(try reader.read(request, badCells: .collect, parts: parts)), whole,
                                           "file \(k), window \(chunk), parts \(parts), \(request.last!.kind)")
                        }
                    }
                }
            }
            XCTAssertTrue(try CSVReader(bytes: Array(files[1].utf8), file: "b").read(request).texts["name"]!.strings[0]
                .hasPrefix("\u{FEFF}"), "a byte order mark inside the file is data")
        }
    }

    /// A stream handing out `text` a few bytes at a time (1 to 7), then `failure` if any; it
    /// says it holds `expectedBytes` (true or not).
    final class Trickle: ByteStream {
        var bytes: [UInt8], position = 0, step = 0
        let failure: (any Error)?
        let expectedBytes: Int?

        init(_ text: String, failure: (any Error)? = nil, expectedBytes: Int? = nil) {
            bytes = Array(text.utf8)
            self.failure = failure
            self.expectedBytes = expectedBytes
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard position < bytes.count else {
                if let failure { throw failure }
                return 0
            }
            step = step % 7 + 1
            let count = min(step, buffer.count, bytes.count - position)
            bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<(position + count)])) }
            position += count
            return count
        }
    }

    func testAStreamReadsAsTheWholeBytesAndEndsWithItsFailure() throws {
        let request: [(name: String, kind: CSVColumnKind)] = [("id", .text), ("name", .text), ("g", .category), ("x", .number)]
        let text = messyCSV(rows: 300, seed: 12)
        let whole = summary(try CSVReader(bytes: Array(text.utf8), file: "m.csv").read(request, badCells: .collect, parts: 1))
        // Whatever size the stream says it holds: none, its own, far less, far more (room for a
        // gigabyte's rows reserved, untouched) and more than the machine (nothing reserved).
        for expected in [nil, text.utf8.count, 1, 1 << 30, 1 << 50, 1 << 62, Int.max] {
            for chunk in [1, 5, 100, 1 << 20] {
                let reader = CSVReader(stream: Trickle(text, expectedBytes: expected), file: "m.csv", chunkBytes: chunk)
                XCTAssertEqual(try reader.header(), ["", "id", "name", "g", "x"], "the header first, then the read")
                XCTAssertEqual(summary(try reader.read(request, badCells: .collect, parts: 2)), whole,
                               "window \(chunk), expected \(String(describing: expected))")
            }
        }
        // Sizes near Int.max times a text column's share of the bytes (nearly all of them), a
        // feature's text (written twice as wide as read) and the two together: the room planned
        // past any Int is not reserved (each trapped converting or adding).
        let long = "name\n" + String(repeating: String(repeating: "a", count: 200) + "\n", count: 300)
        let wide = "x\n" + String(repeating: "1e5\n", count: 300)
        let both = "name,x\n" + String(repeating: "aaaa,1e5\n", count: 300)
        let cases: [(text: String, request: [(name: String, kind: CSVColumnKind)], expected: Int)] = [
            (long, [("name", .text)], Int.max), (wide, [("x", .feature(integer: false))], 1 << 62),
            (both, [("name", .text), ("x", .feature(integer: false))], Int.max)]
        for (text, request, expected) in cases {
            let whole = summary(try CSVReader(bytes: Array(text.utf8), file: "h.csv").read(request, parts: 1))
            let reader = CSVReader(stream: Trickle(text, expectedBytes: expected), file: "h.csv", chunkBytes: 1000)
            XCTAssertEqual(summary(try reader.read(request, parts: 2)), whole, "expected \(expected)")
        }
        // Damage met at the end of the stream wins over a row the damage cut short.
        let damaged = MSRError(.badData, "d.zip: entry \"d.csv\" is corrupt: it fails its CRC-32 check")
        for chunk in [3, 1 << 20] {
            XCTAssertEqual(errorMessage { _ = try CSVReader(stream: Trickle("a,b\n1,2\n3", failure: damaged), file: "d.csv",
                                                            chunkBytes: chunk).read([("a", .number)]) }, "\(damaged)")
        }
    }

    /// Counting a byte eight at a time equals counting it one by one, for every byte value next
    /// to the one counted (a bit apart, with the high bit, zero), at every length and alignment.
    func testCountingAByteEightAtATimeMatchesAByteByByteCount() {
        var generator = SplitMix64(seed: 3)
        let quote = UInt8(ascii: "\""), near: [UInt8] = [0x22, 0x22, 0xA2, 0x23, 0x21, 0x02, 0x00, 0xFF, 0x62, 0x0A]
        for length in 0..<100 {
            let bytes = (0..<length + 7).map { _ in near[Int(generator.next() % UInt64(near.count))] }
            for offset in 0..<8 {
                let slice = bytes[offset..<offset + length]
                let counted = bytes.withUnsafeBufferPointer {
                    CSVReader.count(quote, in: UnsafeBufferPointer(rebasing: $0[offset..<offset + length]))
                }
                XCTAssertEqual(counted, slice.filter { $0 == quote }.count, "\(length) bytes at \(offset)")
            }
        }
        let all = [UInt8](repeating: quote, count: 64 * 300 + 5)
        XCTAssertEqual(all.withUnsafeBufferPointer { CSVReader.count(quote, in: $0) }, all.count)
    }

    func testAWindowIsCutAfterItsLastRowOutsideQuotes() {
        func cut(_ text: String, after start: Int = 0) -> Int? {
            Array(text.utf8).withUnsafeBufferPointer { CSVReader.lastRowEnd(in: $0, after: start) }
        }
        XCTAssertEqual(cut("a,b\n1,2\n3,4"), 8)
        XCTAssertEqual(cut("a\n1,\"x\ny\n"), 2, "the last line feeds are inside a quoted field")
        XCTAssertEqual(cut("a\n1,\"x\"\"\ny\"\n2"), 12, "doubled quotes keep the parity")
        XCTAssertEqual(cut("a\r1\r2"), 4, "carriage returns end rows")
        XCTAssertEqual(cut("a\r\n1\r"), 3, "not a return that may be the first half of CRLF")
        XCTAssertNil(cut("a,\"b\nc"))
        XCTAssertNil(cut("a\n1,2", after: 2))
        XCTAssertNil(cut(""))
    }

    func testAWindowedReadNamesTheLineOfAnErrorAsAWholeRead() throws {
        var text = "a,b\n"
        for row in 0..<200 { text += row == 150 ? "\(row),\"never closed\n" : "\(row),\"two\nlines\"\n" }
        let unclosed = text
        text = "a,b\n" + (0..<200).map { $0 == 120 ? "1,2,3\n" : "\($0),\"x\ny\"\n" }.joined()
        withTemporaryFolder { folder in
            for (k, file) in [unclosed, text, "a,\"b\n"].enumerated() {
                let path = "\(folder)/e\(k).csv"
                XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(file.utf8)))
                let expected = errorMessage { _ = try CSVReader(bytes: Array(file.utf8), file: path).read([("a", .number)], parts: 1) }
                XCTAssertNotEqual(expected, "no error")
                for chunk in [1, 5, 50, 1000] {
                    XCTAssertEqual(errorMessage { _ = try CSVReader(path: path, chunkBytes: chunk).read([("a", .number)]) }, expected,
                                   "file \(k), window \(chunk)")
                }
            }
        }
        XCTAssertEqual(errorMessage { _ = try CSVReader(path: "/dev/null") }, "/dev/null: is a character device, not a regular file (expected a CSV file)")
    }

    func testBadCellsAndErrorsKeepTheirLinesAcrossParts() throws {
        var text = "a,b\n"
        for row in 0..<300 { text += row == 250 ? "\(row),oops\n" : "\(row),\"two\nlines\"\n" }
        let reader = CSVReader(bytes: Array(text.utf8), file: "e.csv")
        for parts in [1, 2, 5] {
            let collected = try reader.read([("a", .number), ("b", .number)], badCells: .collect, parts: parts)
            XCTAssertEqual(collected.badCells.count, 300)
            XCTAssertEqual(collected.badCells[250], BadCell(row: 250, line: 502, column: "b", value: "oops"))
            XCTAssertEqual(errorMessage { _ = try reader.read([("b", .number)], parts: parts) },
                           "e.csv:2:2: column 'b': expected a number, got \"two\\nlines\"", "the line break escaped: one line")
            XCTAssertEqual(errorMessage { _ = try reader.read([("a", .number), ("b", .text)], parts: parts) }, "no error")
        }
        let broken = CSVReader(bytes: Array((text + "1,2,3\n").utf8), file: "e.csv")
        for parts in [1, 3] {
            XCTAssertEqual(errorMessage { _ = try broken.read([("a", .number)], parts: parts) },
                           "e.csv:601: expected 2 fields as in the header, got 3")
        }
    }
}
