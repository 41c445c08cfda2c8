import FoundationEssentials
import Glibc

/// The recommendations log's calls for a reader that comes back to it (the service's monitoring
/// page): each `update` reads only the bytes appended since the one before, so a page over a log
/// of a million calls reads what came since it was last drawn, not the whole log again. The log
/// is read from its start again when it is another file (replaced), shorter than what was read
/// (cut), or no longer holds the bytes read at its start and just before where the reading
/// stopped (written over in place, or removed and made again on the same inode: a change that
/// leaves those bytes as they were goes unseen). The report is the one `MonitorReport.read` makes of
/// the whole log: the same calls (without their times, which the page does not show: less memory
/// a call), the same skipped lines, numbered the same. A log past
/// `RecommendationLog.maxReadBytes` is refused, as `MonitorReport.read` refuses it.
public struct MonitorLogReader: Sendable {
    /// The whole lines read so far (up to the last newline).
    private var lines = MonitorStage.Log()
    /// What follows the last newline (a line being written, or a last line without one): read
    /// again by every `update` until its newline comes.
    private var tail = MonitorStage.Log()
    /// The file read (device and inode), the bytes of its whole lines, and how many lines.
    private var file: (device: UInt64, inode: UInt64)?
    private var offset = 0, lineCount = 0
    /// The log's first bytes and the bytes before `offset`, as read (at most `markLength` each):
    /// a log whose bytes there changed is read again from its start.
    private var head: [UInt8] = [], last: [UInt8] = []
    private static let markLength = 64

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
        guard size <= RecommendationLog.maxReadBytes else {
            throw FileBytes.tooLarge(path, what: "recommendations log", maxBytes: RecommendationLog.maxReadBytes)
        }
        if try !holds(descriptor, file: identity, size: size, path: path) {
            self = MonitorLogReader()
            file = identity
        }
        let added = size - offset
        let bytes = try FileBytes.read(descriptor, count: added, at: offset, path: path)
        let whole = (bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        var number = lineCount
        for line in bytes[..<whole].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            number += 1
            try lines.add(line, number: number, of: path, strict: false, Self.call)
        }
        tail = MonitorStage.Log()
        try tail.add(bytes[whole...], number: number + 1, of: path, strict: false, Self.call)
        if head.count < Self.markLength { head = try FileBytes.read(descriptor, count: min(size, Self.markLength), at: 0, path: path) }
        offset += whole
        lineCount = number
        last = try FileBytes.read(descriptor, count: min(offset, Self.markLength), at: offset - min(offset, Self.markLength), path: path)
    }

    /// Whether the log open as `descriptor` is the one read so far, with what was read of it.
    private func holds(_ descriptor: Int32, file identity: (UInt64, UInt64), size: Int, path: String) throws -> Bool {
        guard let file, file == identity, size >= offset, size >= head.count else { return false }
        return try FileBytes.read(descriptor, count: head.count, at: 0, path: path) == head
            && FileBytes.read(descriptor, count: last.count, at: offset - last.count, path: path) == last
    }

    /// A logged call without its time.
    private static func call(_ line: ArraySlice<UInt8>) throws -> MonitorReport.Call {
        var call = try MonitorStage.call(line)
        call.time = ""
        return call
    }

    /// The report of the log as last read.
    public func report(params: MonitorParams) -> MonitorReport {
        let log = lines.followed(by: tail)
        return MonitorReport(calls: log.values, skipped: log.skipped, firstSkipped: log.firstSkipped, params: params)
    }
}
