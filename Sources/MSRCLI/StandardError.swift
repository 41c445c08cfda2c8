import Glibc
import MSRCore

/// Standard error, where msr's commands write their one-line errors, warnings and progress.
public enum StandardError {
    /// Writes `text` whole (short writes and interruptions retried; a closed or full standard error
    /// loses it, as it would lose any message: no trap, the exit code still says what happened).
    public static func write(_ text: String) {
        _ = StandardStream.write(text, to: 2)
    }
}

/// Standard output, where a command's report and summary line go.
public enum StandardOutput {
    /// Writes `text` whole; a standard output that is closed or full is an error (exit 74), not a
    /// report silently lost with exit 0.
    public static func write(_ text: String) throws {
        guard StandardStream.write(text, to: 1) else {
            throw MSRError(.io, "stdout: cannot write the output (\(String(cString: strerror(errno))))")
        }
    }
}

/// write(2) of a whole text to a descriptor.
enum StandardStream {
    /// False (errno set) when the text could not be written whole.
    static func write(_ text: String, to descriptor: Int32) -> Bool {
        var text = text
        return text.withUTF8 { writeWhole(UnsafeRawBufferPointer($0), to: descriptor) }
    }
}
