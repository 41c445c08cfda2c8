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

extension GaussianMixture {
    /// Reads a mixture file; returns the mixture and its genre. A file that is not a mixture of
    /// `dimension` features is a bad-data error naming it.
    public static func read(_ path: String, dimension d: Int) throws -> (mixture: GaussianMixture, genre: String) {
        let object = try JSONFile.read(path, what: "mixture file")
        func fail(_ what: String) -> MSRError { MSRError.badData(file: path, "\(what) (run msr-cluster again)") }
        guard object["format"] as? String == "msr-gaussian-mixture", object["version"] as? Int == 1 else {
            throw fail("not an msr Gaussian mixture, version 1")
        }
        guard let genre = object["genre"] as? String,
              let typeName = object["covariance_type"] as? String,
              let type = MixtureParams.CovarianceType(rawValue: typeName),
              let weights = object["weights"] as? [Double], !weights.isEmpty,
              let means = object["means"] as? [[Double]], means.count == weights.count, means.allSatisfy({ $0.count == d })
        else { throw fail("expected genre, covariance_type, weights and \(d)-feature means") }
        let k = weights.count
        let covariances: [Double]?
        switch type {
        case .spherical:
            covariances = (object["covariances"] as? [Double]).flatMap { $0.count == k ? $0 : nil }
        case .diag, .tied:
            let rows = object["covariances"] as? [[Double]]
            let expected = type == .diag ? k : d
            covariances = rows.flatMap { $0.count == expected && $0.allSatisfy({ $0.count == d }) ? $0.flatMap { $0 } : nil }
        case .full:
            let blocks = object["covariances"] as? [[[Double]]]
            covariances = blocks.flatMap { blocks in
                blocks.count == k && blocks.allSatisfy({ $0.count == d && $0.allSatisfy({ $0.count == d }) })
                    ? blocks.flatMap { $0.flatMap { $0 } } : nil
            }
        }
        guard let covariances else { throw fail("covariances do not fit \(typeName) with \(k) components of \(d) features") }
        var mixture = GaussianMixture(covarianceType: type, dimension: d, weights: weights, means: means.flatMap { $0 },
                                      covariances: covariances)
        mixture.converged = object["converged"] as? Bool ?? false
        mixture.iterations = object["n_iter"] as? Int ?? 0
        mixture.lowerBound = object["lower_bound"] as? Double ?? -.infinity
        return (mixture, genre)
    }
}
