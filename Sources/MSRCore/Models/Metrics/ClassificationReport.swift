import FoundationEssentials
import Glibc

/// Accuracy, per-class precision, recall, F1 and support, and their macro and weighted means,
/// as scikit-learn's `classification_report` computes them (a 0/0 ratio counts as 0).
public struct ClassificationReport: Sendable, Equatable {
    public struct ClassScores: Sendable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public var classes: [String]
    public var perClass: [ClassScores]
    public var accuracy: Double
    public var macro: ClassScores
    public var weighted: ClassScores
    /// `confusion[actual][predicted]`: row counts.
    public var confusion: [[Int]]

    public init(actual: [Int32], predicted: [Int32], classes: [String]) {
        let k = classes.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (a, p) in zip(actual, predicted) { confusion[Int(a)][Int(p)] += 1 }
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        var perClass: [ClassScores] = []
        for c in 0..<k {
            let truePositives = confusion[c][c]
            let predictedCount = (0..<k).reduce(0) { $0 + confusion[$1][c] }
            let support = confusion[c].reduce(0, +)
            let precision = ratio(truePositives, predictedCount), recall = ratio(truePositives, support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            perClass.append(ClassScores(precision: precision, recall: recall, f1: f1, support: support))
        }
        let total = actual.count
        func mean(_ weight: (ClassScores) -> Double) -> ClassScores {
            let weights = perClass.map(weight), sum = weights.reduce(0, +)
            func average(_ value: (ClassScores) -> Double) -> Double {
                sum == 0 ? 0 : zip(perClass, weights).reduce(0) { $0 + value($1.0) * $1.1 } / sum
            }
            return ClassScores(precision: average(\.precision), recall: average(\.recall), f1: average(\.f1), support: total)
        }
        self.classes = classes
        self.perClass = perClass
        self.confusion = confusion
        accuracy = ratio((0..<k).reduce(0) { $0 + confusion[$1][$1] }, total)
        macro = mean { _ in 1 }
        weighted = mean { Double($0.support) }
    }

    /// The report as scikit-learn prints it (two decimals).
    public var text: String {
        let width = max(12, (classes.map(\.count).max() ?? 0))
        func pad(_ text: String, _ length: Int) -> String { String(repeating: " ", count: max(0, length - text.count)) + text }
        func line(_ name: String, _ scores: ClassScores) -> String {
            pad(name, width) + pad(String(printf: "%.2f", scores.precision), 11) + pad(String(printf: "%.2f", scores.recall), 10)
                + pad(String(printf: "%.2f", scores.f1), 10) + pad(String(scores.support), 10)
        }
        var out = pad("", width) + pad("precision", 11) + pad("recall", 10) + pad("f1-score", 10) + pad("support", 10) + "\n\n"
        for (name, scores) in zip(classes, perClass) { out += line(name, scores) + "\n" }
        out += "\n" + pad("accuracy", width) + pad("", 21) + pad(String(printf: "%.2f", accuracy), 10)
            + pad(String(macro.support), 10) + "\n"
        out += line("macro avg", macro) + "\n" + line("weighted avg", weighted) + "\n"
        return out
    }
}
