/// Multiplies each group's learning rate by `lrLambda(step)` at every step (`MultiplicativeLR`).
public final class MultiplicativeLR: LRScheduler {
    let lrLambdas: [(Int) -> Double]

    /// One function for every group.
    public convenience init(_ optimizer: Optimizer, lrLambda: @escaping (Int) -> Double, lastEpoch: Int = -1) {
        self.init(optimizer, lrLambdas: Array(repeating: lrLambda, count: optimizer.paramGroups.count), lastEpoch: lastEpoch)
    }

    /// One function per group.
    public init(_ optimizer: Optimizer, lrLambdas: [(Int) -> Double], lastEpoch: Int = -1) {
        if lrLambdas.count != optimizer.paramGroups.count {
            argumentError("MultiplicativeLR", "Expected \(optimizer.paramGroups.count) lr_lambdas, but got \(lrLambdas.count)")
        }
        self.lrLambdas = lrLambdas
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] {
        isInitial ? currentLrs : zip(lrLambdas, currentLrs).map { $1 * $0(lastEpoch) }
    }

    public override var stateEntries: [(String, StateValue)] {
        [("lr_lambdas", .list(lrLambdas.map { _ in .none }))]
    }
}
