/// The folder part of `path`, as NSString's `deletingLastPathComponent` gives it: trailing slashes
/// dropped, then the last component and the slashes before it: `a/b/c` -> `a/b`, `/a` -> `/`,
/// `a` -> `` (empty: the current folder), `/` -> `/`.
public func parentPath(_ path: String) -> String {
    var bytes = Array(path.utf8)
    while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
    guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "" }
    var end = slash
    while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
    return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
}
