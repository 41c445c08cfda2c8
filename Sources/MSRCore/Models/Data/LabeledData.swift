/// A model's input: the feature matrix from an X CSV and the class codes from its y CSV.
public struct LabeledData: Sendable {
    public var features: FeatureMatrix
    public var labels: [Int32]

    /// Reads X (the schema's feature columns) and y (one column of class codes in
    /// `0..<classCount`); they must have as many rows.
    public static func load(x: String, y: String, schema: Schema, classCount: Int) throws -> LabeledData {
        let features = try readFeatures(x, schema: schema)
        let yColumns = try CSVReader(path: y).read([(schema.target, .number)])
        let codes = yColumns.numbers[schema.target]!
        var labels: [Int32] = []
        labels.reserveCapacity(codes.count)
        for (row, code) in codes.enumerated() {
            guard code.rounded() == code, code >= 0, code < Double(classCount) else {
                throw MSRError.badData(file: y, line: Int(yColumns.lines[row]),
                                       "column '\(schema.target)': expected a class code in 0..<\(classCount), got \(NumberFormat.compact(code))")
            }
            labels.append(Int32(code))
        }
        guard labels.count == features.rowCount else {
            throw MSRError.badData(file: y, "has \(labels.count) rows but \(x) has \(features.rowCount)")
        }
        return LabeledData(features: features, labels: labels)
    }

    /// Hands the feature matrix over (an empty one stays), so that its taker may free it.
    public mutating func takeFeatures() -> FeatureMatrix {
        var taken = FeatureMatrix(rowCount: 0, columnCount: 0, values: [])
        swap(&taken, &features)
        return taken
    }

    /// Reads the schema's feature columns of a CSV; a missing value is an error.
    public static func readFeatures(_ path: String, schema: Schema) throws -> FeatureMatrix {
        var columns = try CSVReader(path: path).read(schema.features.map { ($0.name, .number) })
        return try columns.takeFeatures(schema.features.map(\.name), file: path)
    }
}
