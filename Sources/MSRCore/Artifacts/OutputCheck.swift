import FoundationEssentials
import Glibc

/// Refuses, before a stage does any work, outputs that would destroy something: a path that is
/// a device, a FIFO or a folder (renaming a file over it would replace the node), and an output
/// that is the same file as one of the stage's inputs or as another of its outputs.
///
/// Files are compared by device and inode, so a second spelling of a path, a symbolic link or a
/// hard link is caught; an absent file by its nearest existing folder's device and inode and the rest of its path.
public enum OutputCheck {
    /// Throws on the first output that may not be written; `configFile` prefixes the message.
    /// `others` are what the other stages write (`key` naming the command too): an output may
    /// not be one of them either.
    public static func check(inputs: [StageFile], outputs: [StageFile], others: [StageFile] = [],
                             configFile: String) throws {
        func refuse(_ output: StageFile, _ why: String) -> MSRError {
            MSRError(.badData, "\(configFile): \(output.key): \(output.path) \(why)")
        }
        var seen: [Identity: StageFile] = [:]
        for input in inputs {
            if let identity = Identity(input.path), seen[identity] == nil { seen[identity] = input }
        }
        var elsewhere: [Identity: StageFile] = [:]
        for other in others {
            if let identity = Identity(other.path), elsewhere[identity] == nil { elsewhere[identity] = other }
        }
        var written: [Identity: StageFile] = [:]
        for output in outputs {
            var info = stat()
            if stat(output.path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
                throw refuse(output, "is \(FileKind.describe(info)), not a regular file: refusing to replace it "
                             + "(point the key at a file)")
            }
            // A folder on the way that is a file: the write could only fail, after all the work.
            if let (ancestor, ancestorInfo) = nearestExisting(output.path), ancestor != output.path,
               (ancestorInfo.st_mode & S_IFMT) != S_IFDIR {
                throw refuse(output, "cannot be made: \(ancestor) is \(FileKind.describe(ancestorInfo)), not a folder")
            }
            guard let identity = Identity(output.path) else { continue }
            if let input = seen[identity] {
                throw refuse(output, "is the same file as the input \(input.key) (\(input.path)): refusing to "
                             + "overwrite an input (give the output a path of its own)")
            }
            if let other = elsewhere[identity] {
                throw refuse(output, "is the same file as \(other.key) (\(other.path)): each output needs a path of its own")
            }
            if let other = written[identity] {
                throw refuse(output, "is the same file as the output \(other.key) (\(other.path)): each output "
                             + "needs a path of its own")
            }
            written[identity] = output
        }
    }

    /// The path itself or its nearest ancestor that exists (as written, `.` for a relative
    /// path's start), with what `stat` says of it.
    static func nearestExisting(_ path: String) -> (String, stat)? {
        var current = path
        var info = stat()
        while stat(current, &info) != 0 {
            guard errno == ENOENT || errno == ENOTDIR else { return nil }
            let parent = parentPath(current)
            if parent == current || parent.isEmpty {
                guard stat(".", &info) == 0, !path.hasPrefix("/") else { return nil }
                return (".", info)
            }
            current = parent
        }
        return (current, info)
    }

    /// What a path points at: the file's device and inode, or for an absent file the nearest
    /// existing folder's and the rest of the path below it.
    struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
        var rest: [String]

        init?(_ path: String) {
            var info = stat()
            // An existing file is what the kernel resolves the path to (a stage checks every
            // input: 114 mixtures at full scale, where URL's path arithmetic cost milliseconds).
            if stat(path, &info) == 0 {
                (device, inode, rest) = (UInt64(info.st_dev), UInt64(info.st_ino), [])
                return
            }
            var url = URL(fileURLWithPath: path).standardizedFileURL
            var rest: [String] = []
            while stat(url.path, &info) != 0 {
                guard url.path != "/" else { return nil }
                rest.insert(url.lastPathComponent, at: 0)
                url.deleteLastPathComponent()
            }
            (device, inode, self.rest) = (UInt64(info.st_dev), UInt64(info.st_ino), rest)
        }
    }
}
