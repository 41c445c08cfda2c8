import Glibc

/// Standard error, where msr's commands write their one-line errors, warnings and progress.
public enum StandardError {
    /// Writes `text` whole (short writes and interruptions retried; a closed standard error
    /// loses it, as it would lose any message).
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
