import Foundation
import Logging
import MSRCore
import Synchronization

/// A swift-log handler writing one JSON object per line (`time`, `level`, `message`, then the
/// metadata) to standard output: the request log a collector ingests.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    private static let output = Mutex(())

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let line = Self.line(event, metadata: metadata, time: utcTimestamp(Date()))
        Self.output.withLock { _ in _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) } }
    }

    /// The event's line: `time`, `level` and `message`, then the handler's metadata and the
    /// event's (later ones replacing earlier ones of the same key), each value as its text, in
    /// sorted key order as `JSONValue.compact` writes them; written straight to bytes, as every
    /// request logs one.
    static func line(_ event: LogEvent, metadata: Logger.Metadata, time: String) -> [UInt8] {
        var members: [(key: String, value: String)] = [("time", time), ("level", event.level.rawValue),
                                                        ("message", event.message.description)]
        func put(_ key: String, _ value: Logger.Metadata.Value) {
            if let i = members.firstIndex(where: { $0.key == key }) { members[i].value = value.description } else {
                members.append((key, value.description))
            }
        }
        for (key, value) in metadata where event.metadata?[key] == nil { put(key, value) }
        for (key, value) in event.metadata ?? [:] { put(key, value) }
        members.sort { $0.key < $1.key }
        var out = JSONBytes(capacity: 512)
        out.beginObject()
        for (key, value) in members { out.member(escaping: key, value) }
        out.endObject()
        out.newline()
        return out.bytes
    }
}
