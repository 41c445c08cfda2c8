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

    /// Reads the log line by line with `parse`: a value, `nil` for a line to pass over, or
    /// `UnreadableLine` for a line that cannot be read (cut by a killed process, garbage), which
    /// is skipped and counted so that the log never blocks a stage, or with `strict` is the
    /// error, naming its line. No log yet is no line; anything else at the path (a folder, a
    /// FIFO, a dangling link) is an error, never "no line".
    func readLines<Value>(strict: Bool = false, _ parse: (ArraySlice<UInt8>) throws -> Value?) throws -> Lines<Value> {
        var info = stat()
        guard lstat(path, &info) == 0 else { return Lines() }
        let bytes = try FileBytes.read(path, what: "recommendations log")
        var lines = Lines<Value>()
        for (n, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                if let value = try parse(line) { lines.values.append(value) }
            } catch let problem as UnreadableLine {
                let error = MSRError.badData(file: path, line: n + 1, problem.expected)
                if strict { throw error }
                lines.skipped += 1
                if lines.firstSkipped == nil { lines.firstSkipped = error.message }
            }
        }
        return lines
    }
}

extension RecommendationLog.Lines: Equatable where Value: Equatable {}
