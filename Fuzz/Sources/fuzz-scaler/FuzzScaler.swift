import FuzzSupport
import MSRCore

/// The scaler file reader (scaler.json: msr-transform writes it; msr-cluster and msr-predict
/// read it). A scaler it accepts standardises rows of its own width.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScaler(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = Fuzz.scratch(Fuzz.bytes(data, size))
    guard let scaler = Fuzz.read("FeatureScaler.read", { try FeatureScaler.read(path) }) else { return 0 }
    let d = scaler.features.count
    let rows = FeatureMatrix(rowCount: 2, columnCount: d, values: (0..<(2 * d)).map { Double($0) })
    let standardized = scaler.standardizedRows(rows)
    Fuzz.check(standardized.count == 2 * d, "standardizedRows gave \(standardized.count) values for 2 rows of \(d)")
    return 0
}
