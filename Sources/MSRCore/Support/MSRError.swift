import FoundationEssentials
import Glibc

/// An error a stage reports to its user: one line naming the file, the place and what was expected.
///
/// The kind decides the process exit code, following `sysexits.h` (the README lists them):
/// bad data 65, a missing input 66, an unavailable service 69, an I/O failure 74, busy 75.
public struct MSRError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, which decides the exit code.
    public enum Kind: Sendable, Equatable {
        /// The input exists but is not what was expected (parse error, validation failure, bad params).
        case badData
        /// An input file or URL that is not there.
        case missingInput
        /// Reading or writing failed for a reason that is not the data's fault.
        case io
        /// A check the user asked for failed (msr-monitor --fail-under): exit 1, for an
        /// orchestrator to alert or retrain on.
        case alert
        /// A service the stage needs (the MLflow server) is down or refused the request: 69.
        case unavailable
        /// Another run of the same stage holds the project's outputs: 75, try again later.
        case busy
    }

    public var kind: Kind
    /// The whole message, already prefixed with its location (`file:line:column: `) when there is one.
    public var message: String
    /// The path, within the input, of the value at fault (`tracks[3].track_uri`), when the
    /// reader knows it: a service reports it as the request field.
    public var field: String?

    public init(_ kind: Kind, _ message: String, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
    }

    /// A bad-data error located in a file, at a line and optionally a column (both 1-based).
    public static func badData(file: String, line: Int? = nil, column: Int? = nil, _ message: String) -> MSRError {
        MSRError(.badData, Location(file: file, line: line, column: column).prefix + message)
    }

    /// A missing input, named by its path.
    public static func missing(_ path: String, _ what: String) -> MSRError {
        MSRError(.missingInput, "\(path): \(what) not found")
    }

    /// The process exit code for this error.
    public var exitCode: Int32 {
        switch kind {
        case .badData: return 65
        case .missingInput: return 66
        case .io: return 74
        case .alert: return 1
        case .unavailable: return 69
        case .busy: return 75
        }
    }

    public var description: String { message }
}

/// A place in an input file, printed `file:line:column: ` as compilers do.
public struct Location: Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column: `, leaving out what is unknown.
    public var prefix: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text + ": "
    }
}

extension MSRError {
    /// What a file operation's error says in words: the system's text for its POSIX error (`No
    /// such file or directory`), else the error's own description.
    public static func reason(_ error: any Error) -> String {
        if let posix = (error as? POSIXError) ?? ((error as? CocoaError)?.underlying as? POSIXError) {
            return String(cString: strerror(posix.code.rawValue))
        }
        return "\(error)"
    }
}
