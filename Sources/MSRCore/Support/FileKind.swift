import FoundationEssentials
import Glibc

/// What sits at a path: in words for messages ("is a directory"), or whether it is a regular file.
enum FileKind {
    /// "a directory", "a character device", ... for `info.st_mode`.
    static func describe(_ info: stat) -> String {
        switch info.st_mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Whether `path` is a regular file (after symbolic links).
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
