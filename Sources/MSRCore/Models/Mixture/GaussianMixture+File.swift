/// A mixture's file (`models/mixture_<label>.json`): what it was fitted on and every fitted
/// value, so it can be read back (msr-predict) or inspected.
///
/// ```
/// {"format": "msr-gaussian-mixture", "version": 1, "genre": "pop",
///  "features": [...], "scaling": "standard",
///  "covariance_type": "spherical", "weights": [k], "means": [[d] x k],
///  "covariances": spherical [k] | diag [[d] x k] | tied [[d] x d] | full [[[d] x d] x k],
///  "converged": true, "n_iter": 12, "lower_bound": -9.87}
/// ```
extension GaussianMixture {
    public func json(genre: String, features: [String]) -> JSONValue {
        let d = dimension, k = componentCount
        func rows(_ values: ArraySlice<Double>, _ width: Int) -> JSONValue {
            .array(stride(from: values.startIndex, to: values.endIndex, by: width).map { start in
                .array(values[start..<(start + width)].map(JSONValue.double))
            })
        }
        let covarianceValue: JSONValue
        switch covarianceType {
        case .spherical: covarianceValue = .array(covariances.map(JSONValue.double))
        case .diag: covarianceValue = rows(covariances[...], d)
        case .tied: covarianceValue = rows(covariances[...], d)
        case .full: covarianceValue = .array((0..<k).map { c in rows(covariances[(c * d * d)..<((c + 1) * d * d)], d) })
        }
        return .object([
            "format": .string("msr-gaussian-mixture"),
            "version": .int(1),
            "genre": .string(genre),
            "features": .array(features.map(JSONValue.string)),
            "scaling": .string("standard"),
            "covariance_type": .string(covarianceType.rawValue),
            "weights": .array(weights.map(JSONValue.double)),
            "means": rows(means[...], d),
            "covariances": covarianceValue,
            "converged": .bool(converged),
            "n_iter": .int(iterations),
            "lower_bound": .double(lowerBound),
        ])
    }
}
