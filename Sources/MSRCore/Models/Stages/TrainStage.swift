import Dispatch
import FoundationEssentials
import Glibc

/// msr-train: fits the boosted-trees genre classifier on the training split.
public enum TrainStage {
    /// Runs the stage; returns its summary line.
    public static func run(_ inputs: StageInputs) throws -> String {
        let (config, params, schema) = (inputs.config, inputs.params, inputs.schema)
        let paths = config.training
        let classes = try LabelsFile.read(paths.labels)
        var data = try LabeledData.load(x: paths.xTrain, y: paths.yTrain, schema: schema, classCount: classes.count)
        let rows = data.labels.count
        let events = inputs.events
        let start = DispatchTime.now().uptimeNanoseconds
        // The fit takes the matrix (and may free it once binned).
        let features = data.takeFeatures()
        let model = try GradientBoostingClassifier.fit(
            consume features, labels: data.labels, classes: classes, featureNames: schema.features.map(\.name),
            params: params.train) { trees, total in events.progress("tree \(trees)/\(total)") }
        events.progressDone()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // The model and its importance are written both or neither.
        let outputs = OutputSet()
        try outputs.add(model.encoded(), to: paths.model)
        try outputs.add(importanceJSON(model), to: paths.importance)
        try outputs.commit()
        return "\(model.rounds) rounds x \(classes.count) classes = \(model.forest.treeCount) trees on \(rows) rows "
            + "in \(String(printf: "%.2f", seconds)) s -> \(paths.model)"
    }

    /// Feature importance: each feature's share of the total split gain, and the raw gain.
    static func importanceJSON(_ model: GradientBoostingClassifier) -> JSONValue {
        let total = model.importance.reduce(0, +)
        var shares: [String: JSONValue] = [:], gains: [String: JSONValue] = [:]
        for (name, gain) in zip(model.featureNames, model.importance) {
            shares[name] = .double(total > 0 ? gain / total : 0)
            gains[name] = .double(gain)
        }
        return .object(["importance": .object(shares), "gain": .object(gains), "type": .string("gain")])
    }
}
