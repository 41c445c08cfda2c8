/// A seeded shuffle split of row indices, as scikit-learn's `train_test_split` makes it: the
/// test set has ceil(n * test_size) rows, both sets come in shuffled order.
public struct TrainTestSplit: Sendable, Equatable {
    public var train: [Int]
    public var test: [Int]

    /// Splits `count` rows. With `strata` (a class per row), each class is split on its own so
    /// that its share is the same in both sets, the rounding remainders going to the classes
    /// with the largest fractional parts. `parameter` names the params key `testSize` came
    /// from, for the error when a set would be empty.
    public init(count: Int, testSize: Double, seed: UInt64, strata: [Int32]? = nil,
                parameter: String = "transform.test_size") throws {
        let testCount = Int((Double(count) * testSize).rounded(.up))
        guard testCount >= 1, testCount < count else {
            throw MSRError(.badData, "\(parameter) \(testSize) leaves \(count - testCount) training "
                + "and \(testCount) held-out rows out of \(count): both sets need at least one row")
        }
        var generator = SplitMix64(seed: seed)
        guard let strata else {
            var order = Array(0..<count)
            generator.shuffle(&order)
            test = Array(order[..<testCount])
            train = Array(order[testCount...])
            return
        }
        let classCount = Int(strata.max() ?? 0) + 1
        var members = [[Int]](repeating: [], count: classCount)
        for (row, label) in strata.enumerated() { members[Int(label)].append(row) }
        let shares = members.map { Double($0.count) * Double(testCount) / Double(count) }
        var takes = shares.map { Int($0.rounded(.down)) }
        let remainders = shares.indices.sorted { (shares[$0] - Double(takes[$0]), $1) > (shares[$1] - Double(takes[$1]), $0) }
        for label in remainders.prefix(testCount - takes.reduce(0, +)) { takes[label] += 1 }
        var test: [Int] = [], train: [Int] = []
        for label in 0..<classCount {
            var rows = members[label]
            generator.shuffle(&rows)
            test += rows[..<takes[label]]
            train += rows[takes[label]...]
        }
        generator.shuffle(&test)
        generator.shuffle(&train)
        self.test = test
        self.train = train
    }
}
