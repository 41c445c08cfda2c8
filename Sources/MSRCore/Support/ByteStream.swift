/// Bytes read in order, a piece at a time, to their end: what `CSVReader` parses a window at a
/// time without the whole input in memory (an archive entry as it inflates).
public protocol ByteStream: AnyObject {
    /// Copies the next bytes into `buffer`, at most `buffer.count`; returns how many, 0 only at
    /// the end. Throws what went wrong making them (a damaged archive).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// How many bytes the stream says it holds in all (a size to make room for, never trusted
    /// beyond that), nil when it does not know.
    var expectedBytes: Int? { get }
}

extension ByteStream {
    public var expectedBytes: Int? { nil }
}
