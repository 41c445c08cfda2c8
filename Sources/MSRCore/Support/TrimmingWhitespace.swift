extension StringProtocol {
    /// The text without the white space (spaces, tabs, line ends) at either end.
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}

extension Substring {
    /// The text without the spaces and tabs at either end, and nothing else trimmed (HTTP's
    /// optional white space; a pasted id's blanks). On UTF-8 bytes: both are ASCII, so the cuts
    /// fall between Unicode scalars.
    public func trimmingBlanks() -> Substring {
        let utf8 = self.utf8
        func blank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end, blank(utf8[start]) { start = utf8.index(after: start) }
        while start < end, blank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return self[start..<end]
    }
}
