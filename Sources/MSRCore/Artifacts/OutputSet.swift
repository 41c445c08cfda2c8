import FoundationEssentials
import Glibc

/// A stage's outputs written all or none: each file goes to a temporary beside its target, and
/// only when every one of them was written are they renamed into place, one after the other.
///
/// `add` each output, then `commit()`. Any failure before the renames (a write, a full disk, an
/// error of the stage between two `add`s) removes every temporary and leaves every previous
/// output as it was; so does dropping the set without committing. Only a failing rename, once
/// they have started, can leave some outputs new and some old (a rename within a folder fails
/// only when the folder itself went away or became read-only).
public final class OutputSet: @unchecked Sendable {
    private struct Staged {
        var path: String
        var temporary: String
    }

    private var staged: [Staged] = []
    private var retired: [String] = []
    private var committed = false
    // Files may be staged from several threads at once (a stage writing one file per genre).
    private let lock = Lock()

    public init() {}

    deinit {
        if !committed { discard() }
    }

    /// The paths added so far, in order.
    public var paths: [String] { staged.map(\.path) }

    /// Writes `bytes` to a temporary beside `path`, to be renamed over it by `commit()`. On
    /// failure every temporary of the set is removed.
    public func add(_ bytes: [UInt8], to path: String) throws {
        try add(to: path) { try $0.write(bytes) }
    }

    /// Writes the file `path` piece by piece (`write` appends to its temporary), to be renamed
    /// over it by `commit()`: a large output is never held whole. On failure (`write`'s too)
    /// every temporary of the set is removed.
    public func add(to path: String, _ write: (AtomicFile) throws -> Void) throws {
        do {
            let file = try AtomicFile(path: path)
            try write(file)
            try file.stage(in: self)
        } catch {
            discard()
            throw error
        }
    }

    /// Takes over a finished temporary (an `AtomicFile` staged into the set) for `path`.
    func adopt(temporary: String, for path: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !committed, !staged.contains(where: { $0.path == path }) else {
            unlink(temporary)
            throw committed ? MSRError(.io, "\(path): the stage's outputs were already written")
                            : MSRError(.badData, "\(path): two outputs of the stage are this one file")
        }
        staged.append(Staged(path: path, temporary: temporary))
    }

    /// Writes a string's UTF-8; see `add(_:to:)`.
    public func add(_ text: String, to path: String) throws {
        try add(Array(text.utf8), to: path)
    }

    /// Writes a JSON value as `JSONValue.write(to:)` does; see `add(_:to:)`.
    public func add(_ json: JSONValue, to path: String) throws {
        try add(json.serialized(), to: path)
    }

    /// Files of an earlier run that this one replaces by nothing (a genre's file when there are
    /// fewer genres now): removed by `commit()` once every output is in place, never before.
    public func retire(_ paths: [String]) {
        lock.lock()
        defer { lock.unlock() }
        retired += paths.filter { path in !staged.contains { $0.path == path } }
    }

    /// Renames every temporary over its target, in the order they were added, then removes the
    /// retired files.
    public func commit() throws {
        lock.lock()
        defer { lock.unlock() }
        guard !committed else { return }
        committed = true
        for (index, file) in staged.enumerated() where rename(file.temporary, file.path) != 0 {
            let error = AtomicFile.ioError(file.path, "cannot rename the temporary file into place")
            for rest in staged[index...] { unlink(rest.temporary) }
            throw error
        }
        for path in retired { unlink(path) }
    }

    /// Removes every temporary written so far; the targets stay as they were.
    public func discard() {
        lock.lock()
        defer { lock.unlock() }
        for file in staged { unlink(file.temporary) }
        staged = []
    }
}
