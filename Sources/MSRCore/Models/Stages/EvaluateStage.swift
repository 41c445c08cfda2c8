import Dispatch
import FoundationEssentials
import Glibc

/// msr-evaluate: scores the classifier on the test split; DVC metrics and confusion plot.
public enum EvaluateStage {
    /// Runs the stage; returns the classification report and the summary line.
    public static func run(_ inputs: StageInputs, tracking: Tracking = .off) throws -> StageOutput {
        let (config, schema) = (inputs.config, inputs.schema)
        let paths = config.evaluation
        var timer = PhaseTimer(inputs.events)
        let model = try GradientBoostingClassifier.read(paths.model)
        timer.mark("load model")
        let data = try LabeledData.load(x: paths.xTest, y: paths.yTest, schema: schema, classCount: model.classes.count)
        guard model.featureNames == schema.features.map(\.name) else {
            throw MSRError.badData(file: paths.model, "was trained on features \(model.featureNames.joined(separator: ", ")); "
                + "schema.yaml has \(schema.features.map(\.name).joined(separator: ", ")) (train again)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let (predicted, logLoss) = model.predictWithLogLoss(data.features, labels: data.labels)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        timer.mark("read test split, predict")
        let report = ClassificationReport(actual: data.labels, predicted: predicted, classes: model.classes)
        // The metrics and the confusion plot's data are written both or neither.
        let outputs = OutputSet()
        try outputs.add(metricsJSON(report, logLoss: logLoss, seconds: seconds), to: paths.metrics)
        try outputs.add(to: paths.confusion) { file in
            try writeConfusion(actual: data.labels, predicted: predicted, classes: model.classes) { try file.write($0) }
        }
        try outputs.commit()
        let note = try tracking.record(events: inputs.events) { client in
            try logToMLflow(client, inputs: inputs, accuracy: report.accuracy, metrics: [
                "accuracy": report.accuracy, "macro_f1": report.macro.f1, "weighted_f1": report.weighted.f1,
                "log_loss": logLoss, "time_predict": seconds,
            ])
        }
        return StageOutput(report: report.text + "\n", summary: "accuracy \(String(printf: "%.4f", report.accuracy)), macro F1 "
            + "\(String(printf: "%.4f", report.macro.f1)), log loss \(String(printf: "%.4f", logLoss)) on "
            + "\(data.labels.count) test rows -> \(paths.metrics), \(paths.confusion)" + (note.map { "; \($0)" } ?? ""))
    }

    /// The confusion plot's data, `[{"actual": ..., "predicted": ...}, ...]` one object a test
    /// row, as `JSONValue.serialized()` writes it, handed to `sink` a piece of at most about
    /// 1 MiB at a time: no JSON tree of a million objects built first (each class's literal is
    /// escaped once), and the text never held whole.
    static func writeConfusion(actual: [Int32], predicted: [Int32], classes: [String],
                               to sink: ([UInt8]) throws -> Void) rethrows {
        guard !actual.isEmpty else { return try sink(Array(JSONValue.array([]).serialized().utf8)) }
        let names = classes.map { JSONValue.string($0).compact().utf8 }
        let piece = 1 << 20
        var out = Array("[\n".utf8)
        out.reserveCapacity(piece + 4096)
        for (row, (truth, guess)) in zip(actual, predicted).enumerated() {
            if row > 0 { out += ",\n".utf8 }
            out += "  {\n    \"actual\": ".utf8
            out += names[Int(truth)]
            out += ",\n    \"predicted\": ".utf8
            out += names[Int(guess)]
            out += "\n  }".utf8
            if out.count >= piece {
                try sink(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        out += "\n]\n".utf8
        try sink(out)
    }

    /// The MLflow experiment of the classifier, and its registered model.
    public static let experiment = "msr-classifier", registeredModel = "msr-genre-classifier"

    /// Logs the run (train params, test metrics, the model and metrics files), registers the
    /// model as a new version, and moves the `champion` alias to it when its accuracy beats the
    /// current champion's (the reference project's best-model selection).
    static func logToMLflow(_ client: MLflowClient, inputs: StageInputs, accuracy: Double, metrics: [String: Double]) throws -> String {
        let paths = inputs.config.evaluation
        let run = try client.logRun(
            experiment: experiment, name: "classifier", params: inputs.params.train.mlflowParams, metrics: metrics,
            tags: Tracking.tags(command: "msr-evaluate", paramsFile: inputs.params.file),
            artifacts: [(paths.model, "model/" + URL(fileURLWithPath: paths.model).lastPathComponent),
                        (paths.metrics, "metrics/" + URL(fileURLWithPath: paths.metrics).lastPathComponent),
                        (paths.confusion, "metrics/" + URL(fileURLWithPath: paths.confusion).lastPathComponent)])
        let version = try client.registerVersion(of: registeredModel, source: run.artifactURI + "/model", runID: run.id)
        var line = "MLflow run \(run.id) in \(experiment), \(registeredModel) version \(version)"
        if let champion = try client.alias("champion", of: registeredModel) {
            let best = try client.metrics(ofRun: champion.runID)["accuracy"] ?? -.infinity
            guard accuracy > best else {
                return line + "; champion stays version \(champion.version)" + String(printf: " (its accuracy %.4f >= %.4f)", best, accuracy)
            }
            line += String(printf: " is the champion (accuracy %.4f > %.4f)", accuracy, best)
        } else {
            line += " is the first champion"
        }
        try client.setAlias("champion", of: registeredModel, version: version)
        return line
    }

    /// metrics.json. `time_predict` (seconds to score the test rows) is the one figure that
    /// varies between runs: dvc.yaml declares the metrics file uncached.
    static func metricsJSON(_ report: ClassificationReport, logLoss: Double, seconds: Double) -> JSONValue {
        func scores(_ s: ClassificationReport.ClassScores) -> JSONValue {
            .object(["precision": .double(s.precision), "recall": .double(s.recall), "f1": .double(s.f1), "support": .int(s.support)])
        }
        var perClass: [String: JSONValue] = [:]
        for (name, s) in zip(report.classes, report.perClass) { perClass[name] = scores(s) }
        return .object([
            "accuracy": .double(report.accuracy),
            "macro_f1": .double(report.macro.f1),
            "weighted_f1": .double(report.weighted.f1),
            "log_loss": .double(logLoss),
            "time_predict": .double(seconds),
            "macro_avg": scores(report.macro),
            "weighted_avg": scores(report.weighted),
            "per_class": .object(perClass),
        ])
    }
}
