import FoundationEssentials
import Glibc

/// The recommendations log's calls for a reader that comes back to it (the service's monitoring
/// page): each `update` reads only the bytes appended since the one before, so a page over a log
/// of a million calls reads what came since it was last drawn, not the whole log again. The log
/// is read from its start again when it is another file (replaced) or shorter than what was read
/// (cut). The report is the one `MonitorReport.read` makes of the whole log: the same calls, the
/// same skipped lines, numbered the same.
public struct MonitorLogReader: Sendable {
    /// The whole lines read so far (up to the last newline).
    private var lines = MonitorStage.Log()
    /// What follows the last newline (a line being written, or a last line without one): read
    /// again by every `update` until its newline comes.
    private var tail = MonitorStage.Log()
    /// The file read (device and inode), the bytes of its whole lines, and how many lines.
    private var file: (device: UInt64, inode: UInt64)?
    private var offset = 0, lineCount = 0

    public init() {}

    /// Reads what the log at `path` gained since the last call. No log is no call; anything else
    /// at the path but a regular file is an error, as for msr-monitor.
    public mutating func update(log path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            self = MonitorLogReader()
            return
        }
        let (descriptor, _) = try FileBytes.openRegular(path, what: "recommendations log")
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { throw AtomicFile.ioError(path, "cannot read the file") }
        let size = Int(info.st_size), identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        if file.map({ $0 != identity }) ?? true || size < offset {
            self = MonitorLogReader()
            file = identity
        }
        let added = size - offset
        var bytes = [UInt8](repeating: 0, count: added)
        if added > 0 {
            try bytes.withUnsafeMutableBytes { try FileBytes.read(descriptor, into: $0, at: offset, path: path) }
        }
        let whole = (bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        var number = lineCount
        for line in bytes[..<whole].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            number += 1
            try lines.add(line, number: number, of: path, strict: false, MonitorStage.call)
        }
        tail = MonitorStage.Log()
        try tail.add(bytes[whole...], number: number + 1, of: path, strict: false, MonitorStage.call)
        offset += whole
        lineCount = number
    }

    /// The report of the log as last read.
    public func report(params: MonitorParams) -> MonitorReport {
        let log = lines.followed(by: tail)
        return MonitorReport(calls: log.values, skipped: log.skipped, firstSkipped: log.firstSkipped, params: params)
    }
}
