import FuzzSupport
import MSRCore

/// The song index reader (msr-cluster writes it; msr-predict and msr-evaluate read it, mapped).
/// An index it accepts has every uri, point and probability row in range, and a lookup that
/// ends: a uri it holds is found at a row with that uri.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSongIndex(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = Fuzz.scratch(Fuzz.bytes(data, size))
    guard let index = Fuzz.read("SongIndex.read", { try SongIndex.read(path) }) else { return 0 }
    let rows = Array(0..<min(index.count, 4))
    for row in rows {
        let uri = index.uris[row]
        let found = index.row(of: uri)
        Fuzz.check(found.map { index.uris[$0] == uri } ?? true, "row \(row)'s uri found at a row with another uri")
        _ = index.row(of: uri + "x")
        _ = index.details(row)
        Fuzz.check(Int(index.labels[row]) < index.genres.count, "row \(row)'s label is outside the genres")
    }
    Fuzz.check(index.points.count == index.count * index.dimension, "points do not fill count x dimension")
    Fuzz.check(index.probabilities.count == index.count * index.genres.count, "probabilities do not fill count x genres")
    _ = index.meanPoint(rows)
    return 0
}
