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
    /// Most components a mixture file may hold (cluster.n_components' bound).
    public static let maxComponents = MixtureParams.maxComponents

    /// Reads a mixture file; returns the mixture and its genre.
    ///
    /// Everything read is checked, so that what msr-predict computes with it is defined: the
    /// shapes (`k` weights, `k` means of `dimension` features, covariances of the type's shape),
    /// finite values, weights above 0 summing to 1, variances above 0, and full or tied
    /// covariances symmetric and positive definite. A failure is a bad-data error naming the file
    /// and the JSON path (`covariances[1]: not positive definite`).
    public static func read(_ path: String, dimension d: Int) throws -> (mixture: GaussianMixture, genre: String) {
        let file = JSONFileReader(path: path, remedy: "run msr-cluster again")
        let object = try file.object(what: "mixture file")
        guard object["format"] == .string("msr-gaussian-mixture"), object["version"] == .int(1) else {
            throw file.fail("", "not an msr Gaussian mixture, version 1")
        }
        let genre = try file.string(object["genre"], at: "genre")
        guard case .array(let features)? = object["features"], features.count == d,
              features.allSatisfy({ if case .string = $0 { true } else { false } }) else {
            throw file.fail("features", "expected a list of \(d) feature names")
        }
        guard case .string(let typeName)? = object["covariance_type"],
              let type = MixtureParams.CovarianceType(rawValue: typeName) else {
            throw file.fail("covariance_type", "expected one of \(MixtureParams.CovarianceType.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        let weightList = try file.list(object["weights"], at: "weights", what: "numbers", count: nil)
        guard (1...maxComponents).contains(weightList.count) else {
            throw file.fail("weights", "expected a list of 1 to \(maxComponents) numbers, got \(weightList.count)")
        }
        let k = weightList.count
        let weights = try file.numbers(object["weights"], at: "weights", what: "numbers", count: k, positive: true)
        let sum = weights.reduce(0, +)
        // The fit's weights sum to 1 within rounding (and the 10 ulp each component's count starts from).
        guard abs(sum - 1) <= 1e-6 else {
            throw file.fail("weights", "sum to \(NumberFormat.shortest(sum)), expected 1")
        }
        let means = try file.rows(object["means"], at: "means", count: k, width: d, what: "rows (one per weight)")

        let covariances: [Double]
        switch type {
        case .spherical:
            covariances = try file.numbers(object["covariances"], at: "covariances", what: "numbers (one per weight)", count: k,
                                           positive: true)
        case .diag:
            covariances = try file.rows(object["covariances"], at: "covariances", count: k, width: d,
                                        what: "rows (one per weight)", positive: true)
        case .tied:
            covariances = try file.rows(object["covariances"], at: "covariances", count: d, width: d, what: "rows")
            try checkPositiveDefinite(covariances, dimension: d, at: "covariances", file: file)
        case .full:
            let blocks = try file.list(object["covariances"], at: "covariances", what: "matrices (one per weight)", count: k)
            var values: [Double] = []
            values.reserveCapacity(k * d * d)
            for (c, block) in blocks.enumerated() {
                let matrix = try file.rows(block, at: "covariances[\(c)]", count: d, width: d, what: "rows")
                try checkPositiveDefinite(matrix, dimension: d, at: "covariances[\(c)]", file: file)
                values += matrix
            }
            covariances = values
        }
        var mixture = GaussianMixture(covarianceType: type, dimension: d, weights: weights, means: means, covariances: covariances)
        // What the fit reported: informative only, so read leniently.
        if case .bool(let converged)? = object["converged"] { mixture.converged = converged }
        if case .int(let iterations)? = object["n_iter"] { mixture.iterations = iterations }
        switch object["lower_bound"] {
        case .double(let value)?: mixture.lowerBound = value
        case .int(let value)?: mixture.lowerBound = Double(value)
        default: break
        }
        return (mixture, genre)
    }
}

extension GaussianMixture {
    /// A covariance matrix must be symmetric (only its lower triangle is used) and positive
    /// definite (its Cholesky factor exists), as the fit makes it.
    fileprivate static func checkPositiveDefinite(_ matrix: [Double], dimension d: Int, at: String,
                                                  file: JSONFileReader) throws {
        for a in 0..<d {
            for b in 0..<a where abs(matrix[a * d + b] - matrix[b * d + a]) > 1e-9 * max(1, abs(matrix[a * d + b])) {
                throw file.fail(at, "not symmetric ([\(b)][\(a)] differs from [\(a)][\(b)])")
            }
        }
        guard choleskyLower(matrix, dimension: d) != nil else { throw file.fail(at, "not positive definite") }
    }
}
