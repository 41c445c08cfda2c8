import Foundation
import MSRCore

/// What every fuzz target shares: the input as bytes, a scratch file for readers that take a
/// path, and the rule that a reader fails only by throwing `MSRError`.
public enum Fuzz {
    /// libFuzzer's input as an array (a reader's own copy, as `FileBytes.read` gives it).
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The project's schema (schema.yaml), so that CSV and playlist inputs meet the real columns.
    public static let schema = Schema(
        columns: [
            .init(name: "uri", type: .string), .init(name: "genre", type: .string),
            .init(name: "key", type: .int64, min: -1, max: 11),
            .init(name: "acousticness", type: .float64, min: 0, max: 1),
            .init(name: "danceability", type: .float64, min: 0, max: 1),
            .init(name: "energy", type: .float64, min: 0, max: 1),
            .init(name: "instrumentalness", type: .float64, min: 0, max: 1),
            .init(name: "loudness", type: .float64, min: -60, max: 5),
            .init(name: "speechiness", type: .float64, min: 0, max: 1),
            .init(name: "valence", type: .float64, min: 0, max: 1),
            .init(name: "tempo", type: .float64, min: 0, max: 300),
        ],
        id: "uri", target: "genre")

    /// This process's scratch file: readers that only take a path read the input from it. One
    /// per process (libFuzzer runs one input at a time), in `MSR_FUZZ_SCRATCH` (the folder
    /// scripts/fuzz makes and removes, on /dev/shm: a file is written and read at every input),
    /// or else the temporary folder.
    public static let scratchPath: String = {
        let folder = ProcessInfo.processInfo.environment["MSR_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
        return folder + "/msr-fuzz-\(getpid())"
    }()

    /// Writes `bytes` to the scratch file and returns its path.
    public static func scratch(_ bytes: [UInt8]) -> String {
        let path = scratchPath
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { fatalError("fuzz harness: cannot open \(path)") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            guard count > 0 else { fatalError("fuzz harness: cannot write \(path)") }
            written += count
        }
        return path
    }

    /// Runs a reader: success or a thrown `MSRError` are both fine (bad input is expected); any
    /// other error would reach the stages' runner unmapped (exit 1, no file named), so it stops
    /// the fuzzer as a crash, naming the reader and the error.
    @discardableResult
    public static func read<T>(_ reader: String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch is MSRError {
            return nil
        } catch {
            fatalError("\(reader) threw \(type(of: error)), not MSRError: \(error)")
        }
    }

    /// Stops the fuzzer when an invariant of a successfully read value does not hold.
    public static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError(message()) }
    }
}
