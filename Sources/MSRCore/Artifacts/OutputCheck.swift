import Foundation

/// Refuses, before a stage does any work, outputs that would destroy something: a path that is
/// a device, a FIFO or a folder (renaming a file over it would replace the node), and an output
/// that is the same file as one of the stage's inputs or as another of its outputs.
///
/// Files are compared by device and inode, so a second spelling of a path, a symbolic link or a
/// hard link is caught; an absent file by its nearest existing folder's device and inode and the rest of its path.
public enum OutputCheck {
    /// Throws on the first output that may not be written; `configFile` prefixes the message.
    public static func check(inputs: [StageFile], outputs: [StageFile], configFile: String) throws {
        func refuse(_ output: StageFile, _ why: String) -> MSRError {
            MSRError(.badData, "\(configFile): \(output.key): \(output.path) \(why)")
        }
        var seen: [Identity: StageFile] = [:]
        for input in inputs {
            if let identity = Identity(input.path), seen[identity] == nil { seen[identity] = input }
        }
        var written: [Identity: StageFile] = [:]
        for output in outputs {
            var info = stat()
            if stat(output.path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
                throw refuse(output, "is \(FileKind.describe(info)), not a regular file: refusing to replace it "
                             + "(point the key at a file)")
            }
            guard let identity = Identity(output.path) else { continue }
            if let input = seen[identity] {
                throw refuse(output, "is the same file as the input \(input.key) (\(input.path)): refusing to "
                             + "overwrite an input (give the output a path of its own)")
            }
            if let other = written[identity] {
                throw refuse(output, "is the same file as the output \(other.key) (\(other.path)): each output "
                             + "needs a path of its own")
            }
            written[identity] = output
        }
    }

    /// What a path points at: the file's device and inode, or for an absent file the nearest
    /// existing folder's and the rest of the path below it.
    struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
        var rest: [String]

        init?(_ path: String) {
            var url = URL(fileURLWithPath: path).standardizedFileURL
            var rest: [String] = []
            var info = stat()
            while stat(url.path, &info) != 0 {
                guard url.path != "/" else { return nil }
                rest.insert(url.lastPathComponent, at: 0)
                url.deleteLastPathComponent()
            }
            (device, inode, self.rest) = (UInt64(info.st_dev), UInt64(info.st_ino), rest)
        }
    }
}
