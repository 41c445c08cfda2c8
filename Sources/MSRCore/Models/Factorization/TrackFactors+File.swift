/// The factors file msr-factorize writes (`models/factors.msrf`), little-endian, version 2:
///
/// ```
/// "MSRFACT1"                      8 bytes of magic
/// version: UInt32 (2)
/// tracks n, factors k: UInt32 each   k in [1, 1024]
/// playlists P: UInt32             training playlists (the matrix's rows)
/// pairs: UInt64                   distinct (playlist, track) pairs: the sum of the counts
/// params:                         the fit's factorize section
///   regularization, alpha: Float64 each
///   iterations, cg_steps: UInt32 each
///   solver: UInt32                0 cg, 1 cholesky
///   bm25: UInt32                  0 or 1
///   random_state: UInt64
/// uri bytes B: UInt64             22 n
/// counts: n Int32                 training playlists holding each track, in [1, P]
/// zeros to a multiple of 32 bytes
/// factors: n x s Float32          s = k rounded up to a multiple of 8, zeros after the k values:
///                                 track i's factor starts at value i*s (rows read in place)
/// gram: k x k Float32             YᵀY of the factors (row-major, without the regularization)
/// uris: B bytes                   track i's 22-character Spotify id is bytes 22i ..< 22(i+1)
/// ```
///
/// The same factors always encode to the same bytes. Reading maps the file, uses the factor rows
/// where they lie and checks every field: the magic, the version, each count, each param within
/// its range, each count within [1, P] and their sum, each factor finite and each padding zero,
/// YᵀY finite and symmetric with no negative value on its diagonal, each uri a distinct Spotify
/// id, and the size: a truncated or damaged file is one error naming it. YᵀY is not summed again
/// (that is what keeping it saves: the outer products of 9,205 tracks were half of a cold
/// msr-predict): a file whose YᵀY disagrees with its factors folds playlists in wrongly, as a file
/// with wrong factors recommends wrongly.
extension TrackFactors {
    static let magic = "MSRFACT1"
    static let version: UInt32 = 2
    /// The most tracks a file may hold.
    static let maxTracks = 1 << 28
    /// The factor rows' alignment in the file.
    static let rowsAlignment = 32

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.raw(Array(Self.magic.utf8))
        writer.uint32(Self.version)
        writer.uint32(UInt32(count))
        writer.uint32(UInt32(params.factors))
        writer.uint32(UInt32(playlists))
        writer.records([UInt64(pairs)])
        writer.double(params.regularization)
        writer.double(params.alpha)
        writer.uint32(UInt32(params.iterations))
        writer.uint32(UInt32(params.cgSteps))
        writer.uint32(params.solver == .cg ? 0 : 1)
        writer.uint32(params.bm25 ? 1 : 0)
        writer.records([params.randomState])
        writer.records([UInt64(uris.bytes.count)])
        writer.int32s(playlistCounts)
        writer.pad(to: Self.rowsAlignment)
        writer.records(UnsafeBufferPointer(start: matrix.storage, count: count * matrix.stride))
        writer.records(gram)
        writer.raw(uris.bytes)
        return writer.bytes
    }

    /// Reads a factors file, mapped: the factor rows stay in the file's pages. A missing file is
    /// a missing input, a damaged or foreign one a bad-data error naming it.
    public static func read(_ path: String) throws -> TrackFactors {
        try decode(MappedRegion(mapping: path, what: "factors file (run msr-factorize)"), file: path)
    }

    /// The model in `region`'s bytes (`file` names it in errors).
    static func decode(_ region: MappedRegion, file path: String) throws -> TrackFactors {
        var reader = BinaryReader(bytes: region.bytes, file: path)
        func damaged(_ what: String) -> MSRError { MSRError.badData(file: path, "\(what): a damaged factors file (run msr-factorize again)") }
        try reader.header(magic: magic, version: version, what: "factors file", remedy: "run msr-factorize again")
        let n = try reader.count(limit: maxTracks, what: "track")
        let k = try reader.count(limit: FactorizeParams.maxFactors, what: "factor")
        let playlists = Int(try reader.uint32())
        let pairs = try reader.records(1, of: UInt64.self)[0]
        var params = FactorizeParams()
        params.factors = k
        params.regularization = try reader.double()
        params.alpha = try reader.double()
        params.iterations = Int(try reader.uint32())
        params.cgSteps = Int(try reader.uint32())
        let solver = try reader.uint32(), bm25 = try reader.uint32()
        params.randomState = try reader.records(1, of: UInt64.self)[0]
        let byteCount = try reader.records(1, of: UInt64.self)[0]
        guard k >= 1 else { throw damaged("0 factors") }
        guard params.regularization.isFinite, params.regularization >= 0, params.alpha.isFinite, params.alpha > 0,
              (1...10_000).contains(params.iterations), (1...1000).contains(params.cgSteps), solver <= 1, bm25 <= 1 else {
            throw damaged("params out of their ranges")
        }
        params.solver = solver == 0 ? .cg : .cholesky
        params.bm25 = bm25 == 1
        // 22 bytes per uri: a larger count is a lie, refused before any allocation.
        guard byteCount == UInt64(22 * n) else { throw damaged("\(byteCount) uri bytes for \(n) tracks") }
        let counts = try reader.int32s(n)
        let padding = (rowsAlignment - reader.offset % rowsAlignment) % rowsAlignment
        guard try reader.raw(padding).allSatisfy({ $0 == 0 }) else { throw damaged("padding that is not zeros") }
        let stride = FactorKernels.stride(k)
        let rowsOffset = try reader.skip(n * stride, of: Float.self)
        let gram = try reader.records(k * k, of: Float.self)
        let bytes = try reader.raw(Int(byteCount))
        guard reader.atEnd else { throw damaged("unexpected bytes after the uris") }
        guard counts.allSatisfy({ $0 >= 1 && Int($0) <= playlists }), counts.reduce(0, { $0 + UInt64($1) }) == pairs else {
            throw damaged("the tracks' playlist counts disagree with \(playlists) playlists and \(pairs) pairs")
        }
        let matrix = FactorMatrix(region: region, offset: rowsOffset, rows: n, factors: k)
        // Every value finite, every padding value zero (the kernels sum it in).
        guard matrix.isFinite, matrix.paddingIsZero else { throw damaged("a factor that is not a finite number, or a row's padding not zeros") }
        guard gram.allSatisfy(\.isFinite),
              (0..<k).allSatisfy({ i in gram[i * k + i] >= 0 && (0..<i).allSatisfy { gram[i * k + $0] == gram[$0 * k + i] } }) else {
            throw damaged("YᵀY not a finite symmetric matrix")
        }
        // Each uri is 22 bytes (checked above): a Spotify id, once. On the bytes, with no String
        // a track (a cold msr-predict reads ten thousand of them); the table is the model's index.
        let uris = TextColumn(bytes: bytes, ends: (0..<n).map { 22 * ($0 + 1) })
        let bad = bytes.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            return (0..<n).first { !TrackIDForm.spotify.accepts(base + 22 * $0, count: 22) }
        }
        if let bad { throw damaged("track \(bad)'s uri is not a Spotify track id") }
        guard let index = ByteStringTable(distinct: uris) else {
            var seen = ByteStringTable(capacity: n)
            let twice = (0..<n).first { !seen.insert(uris, $0).inserted } ?? 0
            throw damaged("track \(uris[twice]) listed twice")
        }
        return TrackFactors(index: index, playlistCounts: counts, matrix: matrix, gram: gram, params: params, playlists: playlists,
                            pairs: Int(pairs))
    }
}
