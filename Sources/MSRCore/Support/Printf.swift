import Glibc

extension String {
    /// `format` filled by C's printf (`vsnprintf`): numbers as `%.4f`, `%7.3f`, `%5d`, `%g`,
    /// `%02X` write them, the same digits Foundation's `String(format:)` writes, without linking
    /// Foundation. Only numeric conversions: a string goes in by interpolation.
    public init(printf format: String, _ arguments: CVarArg...) {
        self = withVaList(arguments) { list in
            var buffer = [CChar](repeating: 0, count: 128)
            let needed = Int(vsnprintf(&buffer, buffer.count, format, list))
            guard needed >= buffer.count else {
                return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            return withVaList(arguments) { again in
                var large = [CChar](repeating: 0, count: needed + 1)
                _ = vsnprintf(&large, large.count, format, again)
                return String(decoding: large.prefix(needed).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
    }

    /// The string padded with spaces, or cut, to `length` characters (as NSString's
    /// `padding(toLength:withPad:" ",startingAt:0)`), for the aligned columns of the reports.
    public func padded(to length: Int) -> String {
        count >= length ? String(prefix(length)) : self + String(repeating: " ", count: length - count)
    }
}
