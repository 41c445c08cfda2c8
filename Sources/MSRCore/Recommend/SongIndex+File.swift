/// The song index's file (the layout is in `SongIndex`'s documentation).
extension SongIndex {
    /// The file's bytes for these songs, with their recordings and the uri lookup table, handed
    /// to `sink` piece by piece (about a megabyte each, a section at most): the file is never
    /// held whole. The probabilities come in `chunks` (one a genre, in row order), each made by
    /// `probabilities(chunk)` when its turn comes: at a million songs of 114 genres they are most
    /// of the file (456 MB).
    static func encode(genres: [String], featureNames: [String], uris: TextColumn, labels: [Int32], components: [Int32],
                       points: [Float], chunks: Int, probabilities: (Int) -> [Float], descriptive: [DescriptiveColumn],
                       to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let n = labels.count, slotCount = lookupSlots(songs: n)
        let recordings = Recordings(points: points, dimension: featureNames.count, count: n)
        var writer = BinaryWriter()
        func flush() throws {
            if writer.bytes.count >= 1 << 20 { try writer.drain(sink) }
        }
        writer.raw(Array(magic.utf8))
        writer.uint32(version)
        writer.uint32(UInt32(n))
        writer.uint32(UInt32(featureNames.count))
        writer.uint32(UInt32(genres.count))
        writer.records([UInt64(uris.bytes.count)])
        writer.uint32(UInt32(slotCount))
        writer.uint32(UInt32(descriptive.count))
        for name in genres + featureNames { writer.string(name) }
        for column in descriptive {
            writer.string(column.name)
            writer.records([UInt64(column.values.bytes.count)])
        }
        // Each section aligned to 8 bytes, as the reader expects it.
        func section<T: BitwiseCopyable>(_ values: [T]) throws {
            writer.pad(to: 8)
            if values.count * MemoryLayout<T>.stride >= 1 << 20 {
                try writer.drain(sink, then: values)  // a large section goes out as it lies
            } else {
                writer.records(values)
                try flush()
            }
        }
        func text(_ column: TextColumn) throws {
            let (starts, lengths) = MappedText.offsets(column)
            try section(starts)
            try section(lengths)
            try section(column.bytes)
        }
        try section(labels)
        try section(components)
        try section(recordings.first)
        try section(recordings.shared.map { $0 ? UInt8(1) : 0 })
        try section(lookup(uris, slotCount: slotCount))
        try text(uris)
        try section(points)
        writer.pad(to: 8)
        for chunk in 0..<chunks {
            try writer.drain(sink, then: probabilities(chunk))
        }
        for column in descriptive {
            try text(column.values)
        }
        writer.pad(to: 8)
        try writer.drain(sink)
    }

    /// The lookup table's size for `n` songs: the least power of two at least 16 and 2n (so at
    /// most half full).
    static func lookupSlots(songs n: Int) -> Int {
        var slots = 16
        while slots < 2 * n { slots <<= 1 }
        return slots
    }

    /// The open-addressing table of the uris' rows (a repeated uri keeps its first row).
    private static func lookup(_ uris: TextColumn, slotCount: Int) -> [Int32] {
        var slots = [Int32](repeating: -1, count: slotCount)
        let mask = slotCount - 1
        uris.bytes.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for row in 0..<uris.count {
                let range = uris.range(row)
                var slot = Int(truncatingIfNeeded: ByteStringTable.hash(base + range.lowerBound, range.count)) & mask
                while slots[slot] >= 0 {
                    let other = uris.range(Int(slots[slot]))
                    if bytes[other].elementsEqual(bytes[range]) { break }
                    slot = (slot + 1) & mask
                }
                if slots[slot] < 0 { slots[slot] = Int32(row) }
            }
        }
        return slots
    }

    /// The index in `region`'s bytes, its values left in place; a damaged or foreign file is a
    /// bad-data error naming `file`.
    static func decode(_ region: MappedRegion, file path: String) throws -> SongIndex {
        var reader = BinaryReader(bytes: region.bytes, file: path)
        try reader.header(magic: magic, version: version, what: "song index", remedy: "run msr-cluster again")
        let n = try reader.count(limit: 1 << 30, what: "song")
        let d = try reader.count(limit: 100_000, what: "feature")
        let genreCount = try reader.count(limit: 100_000, what: "genre")
        let byteCount = Int(clamping: try reader.records(1, of: UInt64.self)[0])
        let slotCount = try reader.count(limit: 1 << 31, what: "lookup slot")
        let columnCount = try reader.count(limit: 1000, what: "descriptive column")
        guard slotCount == lookupSlots(songs: n) else {
            throw MSRError.badData(file: path, "\(slotCount) lookup slots for \(n) songs: a damaged index")
        }
        let genres = try (0..<genreCount).map { _ in try reader.string() }
        let featureNames = try (0..<d).map { _ in try reader.string() }
        let columns = try (0..<columnCount).map { _ in (name: try reader.string(), bytes: Int(clamping: try reader.records(1, of: UInt64.self)[0])) }
        func section<T: BitwiseCopyable>(_ count: Int, _ type: T.Type) throws -> MappedValues<T> {
            try reader.align(8)
            return region.values(at: try reader.skip(count, of: T.self), count: count)
        }
        let labels = try section(n, Int32.self), components = try section(n, Int32.self)
        let recordings = try section(n, Int32.self), shared = try section(n, UInt8.self)
        let slots = try section(slotCount, Int32.self)
        func text(_ byteCount: Int) throws -> MappedText {
            let starts = try section(n, Int64.self), lengths = try section(n, UInt16.self)
            return MappedText(bytes: try section(byteCount, UInt8.self), starts: starts, lengths: lengths)
        }
        let uris = try text(byteCount)
        let (pointCount, o1) = n.multipliedReportingOverflow(by: d), (probabilityCount, o2) = n.multipliedReportingOverflow(by: genreCount)
        guard !o1, !o2 else { throw MSRError.badData(file: path, "\(n) songs of \(d) features and \(genreCount) genres: a damaged index") }
        let points = try section(pointCount, Float.self)
        let probabilities = try section(probabilityCount, Float.self)
        var descriptive: [Text] = []
        for column in columns {
            descriptive.append(Text(name: column.name, values: try text(column.bytes)))
        }
        try reader.align(8)
        guard reader.atEnd else { throw MSRError.badData(file: path, "unexpected bytes after the descriptive columns: a damaged index") }
        // What is used as an index without a check is checked here, at every load (8 MB of a
        // million-song index): the genres and components. The lookup slots and text offsets are
        // checked as they are used, and the recordings are only compared.
        guard inRange(labels, 0..<Int32(genreCount)), inRange(components, 0..<Int32.max) else {
            throw MSRError.badData(file: path, "a song's genre or component is outside the index: a damaged index")
        }
        return SongIndex(genres: genres, featureNames: featureNames, uris: uris, labels: labels, components: components,
                         points: points, probabilities: probabilities, descriptive: descriptive,
                         recordings: recordings, shared: shared, slots: slots,
                         genreStarts: genreStarts(labels, genres: genreCount), region: region)
    }

    /// Where each genre's rows start (and the row count last), or nil when the labels are not
    /// in increasing order (labels checked in range first).
    private static func genreStarts(_ labels: MappedValues<Int32>, genres: Int) -> [Int]? {
        labels.withUnsafeBufferPointer { labels in
            var step = Int32.max
            for row in labels.indices.dropFirst() { step = min(step, labels[row] &- labels[row - 1]) }
            guard step >= 0 else { return nil }
            // Each genre's first row, by binary search.
            return (0...genres).map { genre in
                var low = 0, high = labels.count
                while low < high {
                    let middle = (low + high) / 2
                    if labels[middle] < Int32(genre) { low = middle + 1 } else { high = middle }
                }
                return low
            }
        }
    }

    // The checks below scan millions of values at a cold start: each is a min/max reduction,
    // which the compiler vectorises (a branch per value took 6 of a cold call's 18 ms).

    /// Whether every value lies in `range`.
    private static func inRange(_ values: MappedValues<Int32>, _ range: Range<Int32>) -> Bool {
        values.withUnsafeBufferPointer { values in
            var low = Int32.max, high = Int32.min
            for value in values {
                low = min(low, value)
                high = max(high, value)
            }
            return values.isEmpty || (low >= range.lowerBound && high < range.upperBound)
        }
    }
}
