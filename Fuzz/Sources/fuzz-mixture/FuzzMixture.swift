import FuzzSupport
import MSRCore

/// The Gaussian mixture file reader (msr-cluster writes one per genre; msr-predict reads them),
/// for the schema's feature count. A mixture it accepts is then scored: scoring may refuse it
/// (a covariance that is not positive definite throws), but must not trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMixture(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = Fuzz.scratch(Fuzz.bytes(data, size))
    let d = Fuzz.schema.features.count
    guard let (mixture, _) = Fuzz.read("GaussianMixture.read", { try GaussianMixture.read(path, dimension: d) }) else {
        return 0
    }
    let points = (0..<(2 * d)).map { Double($0 % 3) - 1 }
    if let scores = try? mixture.scoreSamples(points) {
        Fuzz.check(scores.count == 2, "scoreSamples gave \(scores.count) scores for 2 points")
    }
    _ = try? mixture.predict(points)
    return 0
}
