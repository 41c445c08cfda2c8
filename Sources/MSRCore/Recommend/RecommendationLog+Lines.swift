import FoundationEssentials
import Glibc

extension RecommendationLog {
    /// Why a log line cannot be read: what was expected instead.
    struct UnreadableLine: Error {
        var expected: String
    }

    /// What `readLines` found: each readable line's value in log order, and the lines that
    /// could not be read.
    public struct Lines<Value: Sendable>: Sendable {
        public var values: [Value] = []
        public var skipped = 0
        /// The first unreadable line, `file:line: what was expected`.
        public var firstSkipped: String?

        public init(values: [Value] = [], skipped: Int = 0, firstSkipped: String? = nil) {
            self.values = values
            self.skipped = skipped
            self.firstSkipped = firstSkipped
        }
    }

    /// The largest log read (msr-monitor, the service's monitoring page, msr-factorize's
    /// playlists): a line is 1-2 KB (the playlist's tracks, the songs recommended), so some two to
    /// four million calls. A larger one is refused with one line ("split it"), not read into
    /// memory (a sparse file of a terabyte took the process down).
    public static let maxReadBytes = 4 << 30

    /// Reads the log line by line with `parse`: a value, `nil` for a line to pass over, or
    /// `UnreadableLine` for a line that cannot be read (cut by a killed process, garbage), which
    /// is skipped and counted so that the log never blocks a stage, or with `strict` is the
    /// error, naming its line. No log yet is no line; anything else at the path (a folder, a
    /// FIFO, a dangling link) is an error, never "no line".
    func readLines<Value>(strict: Bool = false, _ parse: (ArraySlice<UInt8>) throws -> Value?) throws -> Lines<Value> {
        var info = stat()
        guard lstat(path, &info) == 0 else { return Lines() }
        let bytes = try FileBytes.read(path, what: "recommendations log", maxBytes: Self.maxReadBytes)
        var lines = Lines<Value>()
        for (n, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            try lines.add(line, number: n + 1, of: path, strict: strict, parse)
        }
        return lines
    }
}

extension RecommendationLog.Lines {
    /// Adds line `number` (from 1) of the log at `path` as `parse` reads it (`readLines`): its
    /// value, nothing (an empty line too), or one more skipped line, or with `strict` the error.
    mutating func add(_ line: ArraySlice<UInt8>, number: Int, of path: String, strict: Bool,
                      _ parse: (ArraySlice<UInt8>) throws -> Value?) throws {
        guard !line.isEmpty else { return }
        do {
            if let value = try parse(line) { values.append(value) }
        } catch let problem as RecommendationLog.UnreadableLine {
            let error = MSRError.badData(file: path, line: number, problem.expected)
            if strict { throw error }
            skipped += 1
            if firstSkipped == nil { firstSkipped = error.message }
        }
    }

    /// These lines, then `later`'s (the lines after them).
    func followed(by later: Self) -> Self {
        later.values.isEmpty && later.skipped == 0 ? self
            : Self(values: values + later.values, skipped: skipped + later.skipped, firstSkipped: firstSkipped ?? later.firstSkipped)
    }
}

extension RecommendationLog.Lines: Equatable where Value: Equatable {}
