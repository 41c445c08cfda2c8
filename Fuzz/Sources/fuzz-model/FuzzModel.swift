import FuzzSupport
import MSRCore

/// The boosted-trees model file reader (msr-train writes it; msr-evaluate and msr-predict read
/// it). A model it accepts must predict without trapping: the reader is what stands between a
/// damaged file and the tree walk's unchecked node indexes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = Fuzz.scratch(Fuzz.bytes(data, size))
    guard let model = Fuzz.read("GradientBoostingClassifier.read", { try GradientBoostingClassifier.read(path) }) else {
        return 0
    }
    let features = model.featureNames.count
    let rows = FeatureMatrix(rowCount: 2, columnCount: features,
                             values: (0..<(2 * features)).map { $0 % 2 == 0 ? 0.5 : -1e300 })
    let probabilities = model.predictProbabilities(rows)
    Fuzz.check(probabilities.count == 2 * model.classes.count,
               "predictProbabilities gave \(probabilities.count) values for 2 rows of \(model.classes.count) classes")
    return 0
}
