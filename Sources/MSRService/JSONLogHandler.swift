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
        var object: [String: JSONValue] = ["time": .string(utcTimestamp(Date())), "level": .string(event.level.rawValue),
                                           "message": .string(event.message.description)]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = .string(value.description)
        }
        let line = Array((JSONValue.object(object).compact() + "\n").utf8)
        Self.output.withLock { _ in _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) } }
    }
}
