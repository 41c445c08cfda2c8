import FuzzSupport
import MSRCore

/// The factors file reader (msr-factorize writes it; msr-predict, msr-serve and msr-evaluate read
/// it), through `TrackFactors.read` as they do. A file it accepts must encode back to the very
/// same bytes (every field it let through is one the writer gives back), have a factor row for
/// each of its distinct uris, and fold a playlist in without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFactors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let path = Fuzz.scratch(bytes)
    guard let model = Fuzz.read("TrackFactors.read", { try TrackFactors.read(path) }) else { return 0 }
    let encoded = model.encoded()
    if encoded != bytes {
        let common = min(bytes.count, encoded.count)
        let first = (0..<common).first { bytes[$0] != encoded[$0] } ?? common
        Fuzz.check(false, "TrackFactors.read accepted \(bytes.count) bytes that encode back to \(encoded.count) bytes, "
                   + "the first difference at byte \(first)")
    }
    Fuzz.check(model.factors.count == model.count * model.params.factors,
               "\(model.factors.count) factors for \(model.count) tracks of \(model.params.factors)")
    Fuzz.check(model.rows().count == model.count, "\(model.count) tracks but \(model.rows().count) distinct uris")
    for row in 0..<min(model.count, 4) {
        Fuzz.check(model.factor(row).count == model.params.factors, "track \(row)'s factor is not \(model.params.factors) values")
    }
    // The fold-in msr-predict and msr-serve solve for a playlist (up to 128 factors: the exact
    // solve is cubic in them); it may find no factor, but must not trap.
    if model.count > 0, model.params.factors <= 128 {
        let rows = Array(0..<min(model.count, 3))
        if let factor = FoldIn(model).factor(rows: rows + rows) {
            Fuzz.check(factor.count == model.params.factors, "the fold-in gave \(factor.count) values, not \(model.params.factors)")
        }
    }
    return 0
}
