/// When boosting stops early, as scikit-learn's HistGradientBoosting decides it: after
/// `patience` rounds in a row whose held-out loss did not fall below the best so far by more
/// than `tol`.
struct EarlyStopping {
    let tol: Double
    let patience: Int
    /// The held-out loss after each round so far.
    private(set) var losses: [Double] = []
    private var best = Double.infinity
    private var roundsWithoutGain = 0

    init(tol: Double, patience: Int) {
        self.tol = tol
        self.patience = patience
    }

    /// Records the loss after a round; true when the fit should stop.
    mutating func stops(after loss: Double) -> Bool {
        losses.append(loss)
        if loss < best - tol {
            best = loss
            roundsWithoutGain = 0
            return false
        }
        roundsWithoutGain += 1
        return roundsWithoutGain >= patience
    }
}
