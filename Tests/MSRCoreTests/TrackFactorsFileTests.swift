@testable import MSRCore
import MSRTestSupport
import XCTest

/// models/factors.msrf: the same factors always give the same bytes and read back equal; a
/// truncated or lying file is one error naming it, never a crash.
final class TrackFactorsFileTests: XCTestCase {
    static let ids = ["5E30LdtzQTGqRvNd7l6kG5", "09gysnJpfQ3ublBmJDfcEC", "2K7xn816oNHJZ0aVqdQsha"]

    static func model() -> TrackFactors {
        var params = FactorizeParams()
        params.factors = 2
        params.alpha = 12.5
        params.solver = .cholesky
        params.bm25 = true
        params.randomState = 9
        return TrackFactors(uris: TextColumn(ids), playlistCounts: [2, 1, 3], factors: [0.5, -1, 0.25, 2, -0.125, 3],
                            params: params, playlists: 4, pairs: 6)
    }

    func testRoundTripsByteForByte() throws {
        try withTemporaryFolder { folder in
            let path = "\(folder)/factors.msrf"
            try AtomicFile.write(Self.model().encoded(), to: path)
            let loaded = try TrackFactors.read(path)
            XCTAssertEqual(loaded, Self.model())
            XCTAssertEqual(loaded.encoded(), Self.model().encoded())
            XCTAssertEqual(loaded.factor(1), [0.25, 2])
            XCTAssertEqual(loaded.rows(), [Self.ids[0]: 0, Self.ids[1]: 1, Self.ids[2]: 2])
            XCTAssertEqual(loaded.params.solver, .cholesky)
            XCTAssertTrue(loaded.params.bm25)
            XCTAssertEqual(loaded.params.randomState, 9)
            // The layout the README documents: header, counts, padding, rows of 8, YᵀY, uris.
            let bytes = Self.model().encoded()
            XCTAssertEqual(Array(bytes.prefix(8)), Array("MSRFACT1".utf8))
            XCTAssertEqual(bytes.count, 8 + 4 * 4 + 8 + 8 + 8 + 4 * 4 + 8 + 8 + 3 * 4 + 4 + 3 * 8 * 4 + 2 * 2 * 4 + 66)
            XCTAssertEqual(String(decoding: bytes.suffix(66), as: UTF8.self), Self.ids.joined())
        }
    }

    /// The file keeps YᵀY, summed when the model is made: the fold-in does not sum it again.
    func testKeepsTheGramOfTheFactors() throws {
        // [0.5, -1], [0.25, 2], [-0.125, 3]: every product exact in Float32.
        XCTAssertEqual(Self.model().gram, [0.328125, -0.375, -0.375, 14])
        try withTemporaryFolder { folder in
            let path = "\(folder)/factors.msrf"
            try AtomicFile.write(Self.model().encoded(), to: path)
            XCTAssertEqual(try TrackFactors.read(path).gram, [0.328125, -0.375, -0.375, 14])
        }
    }

    func testATruncatedFileIsOneErrorNamingIt() throws {
        let bytes = Self.model().encoded()
        try withTemporaryFolder { folder in
            let path = "\(folder)/factors.msrf"
            for length in 0..<bytes.count {
                try Data(bytes.prefix(length)).write(to: URL(fileURLWithPath: path))
                let message = errorMessage { _ = try TrackFactors.read(path) }
                XCTAssertTrue(message.hasPrefix("\(path): "), "\(length) bytes: \(message)")
                XCTAssertNotEqual(message, "no error", "\(length) bytes")
            }
            try Data(bytes + [0]).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(errorMessage { _ = try TrackFactors.read(path) },
                           "\(path): unexpected bytes after the uris: a damaged factors file (run msr-factorize again)")
            XCTAssertEqual(errorMessage { _ = try TrackFactors.read("\(folder)/none.msrf") },
                           "\(folder)/none.msrf: factors file (run msr-factorize) not found")
        }
    }

    /// Each field that lies is refused with what it says wrong.
    func testALyingFileIsRefused() throws {
        let good = Self.model().encoded()
        // Offsets of the fields (see TrackFactors+File.swift).
        let tracks = 12, factors = 16, playlists = 20, pairs = 24, alpha = 40, solver = 56, bytesCount = 72
        let counts = 80, padding = 92, values = 96, gram = 192, uris = 208
        func put<T>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
            withUnsafeBytes(of: value) { for (k, byte) in $0.enumerated() { bytes[offset + k] = byte } }
        }
        let cases: [(String, (inout [UInt8]) -> Void, String)] = [
            ("magic", { $0[0] = UInt8(ascii: "X") }, "not an msr factors file (expected the MSRFACT1 header)"),
            ("version", { put(UInt32(1), at: 8, in: &$0) }, "factors file version 1; this msr reads version 2 (run msr-factorize again)"),
            ("tracks", { put(UInt32.max, at: tracks, in: &$0) }, "track count 4294967295 exceeds 268435456: a damaged model"),
            ("more tracks", { put(UInt32(4), at: tracks, in: &$0) }, "66 uri bytes for 4 tracks: a damaged factors file (run msr-factorize again)"),
            ("no factor", { put(UInt32(0), at: factors, in: &$0) }, "0 factors: a damaged factors file (run msr-factorize again)"),
            ("factors", { put(UInt32(4096), at: factors, in: &$0) }, "factor count 4096 exceeds 1024: a damaged model"),
            ("playlists", { put(UInt32(2), at: playlists, in: &$0) },
             "the tracks' playlist counts disagree with 2 playlists and 6 pairs: a damaged factors file (run msr-factorize again)"),
            ("pairs", { put(UInt64(7), at: pairs, in: &$0) },
             "the tracks' playlist counts disagree with 4 playlists and 7 pairs: a damaged factors file (run msr-factorize again)"),
            ("alpha", { put(-1.0, at: alpha, in: &$0) }, "params out of their ranges: a damaged factors file (run msr-factorize again)"),
            ("alpha nan", { put(Double.nan, at: alpha, in: &$0) }, "params out of their ranges: a damaged factors file (run msr-factorize again)"),
            ("solver", { put(UInt32(2), at: solver, in: &$0) }, "params out of their ranges: a damaged factors file (run msr-factorize again)"),
            ("uri bytes", { put(UInt64.max, at: bytesCount, in: &$0) },
             "18446744073709551615 uri bytes for 3 tracks: a damaged factors file (run msr-factorize again)"),
            ("a count", { put(Int32(0), at: counts, in: &$0) },
             "the tracks' playlist counts disagree with 4 playlists and 6 pairs: a damaged factors file (run msr-factorize again)"),
            ("padding", { $0[padding + 1] = 1 }, "padding that is not zeros: a damaged factors file (run msr-factorize again)"),
            ("a factor", { put(Float.infinity, at: values + 32, in: &$0) },
             "a factor that is not a finite number, or a row's padding not zeros: a damaged factors file (run msr-factorize again)"),
            ("a row's padding", { put(Float(1), at: values + 8, in: &$0) },
             "a factor that is not a finite number, or a row's padding not zeros: a damaged factors file (run msr-factorize again)"),
            ("YᵀY nan", { put(Float.nan, at: gram + 12, in: &$0) }, "YᵀY not a finite symmetric matrix: a damaged factors file (run msr-factorize again)"),
            ("YᵀY not symmetric", { put(Float(1), at: gram + 4, in: &$0) },
             "YᵀY not a finite symmetric matrix: a damaged factors file (run msr-factorize again)"),
            ("YᵀY negative diagonal", { put(Float(-1), at: gram, in: &$0) },
             "YᵀY not a finite symmetric matrix: a damaged factors file (run msr-factorize again)"),
            ("a uri", { $0[uris + 3] = UInt8(ascii: ":") },
             "track 0's uri is not a Spotify track id: a damaged factors file (run msr-factorize again)"),
            ("a uri twice", { for k in 0..<22 { $0[uris + 22 + k] = $0[uris + k] } },
             "track 5E30LdtzQTGqRvNd7l6kG5 listed twice: a damaged factors file (run msr-factorize again)"),
        ]
        try withTemporaryFolder { folder in
            let path = "\(folder)/factors.msrf"
            for (name, damage, expected) in cases {
                var bytes = good
                damage(&bytes)
                XCTAssertNotEqual(bytes, good, name)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                XCTAssertEqual(errorMessage { _ = try TrackFactors.read(path) }, "\(path): \(expected)", name)
            }
        }
    }
}
