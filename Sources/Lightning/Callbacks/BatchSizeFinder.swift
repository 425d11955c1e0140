import Torch

/// A module or datamodule whose training loader `trainDataloader()` builds with `batchSize`,
/// for `BatchSizeFinder` to change (Lightning's `batch_size` attribute).
public protocol BatchSizeTunable: AnyObject {
    var batchSize: Int { get set }
}

/// Finds the largest batch size that trains without running out of memory, before fit trains
/// (Lightning's `BatchSizeFinder`): `stepsPerTrial` training steps per trial, the batch size
/// doubling from `initVal` until a trial runs out of memory (`.power`, which then keeps the last
/// size that fit), or then bisecting between the last success and the failure (`.binsearch`),
/// for at most `maxTrials` trials and no further than one batch holding the whole dataset. The
/// trials' changes to weights, optimizer and random state are undone; fit then trains with the
/// size found, set on the datamodule (or the module) that is `BatchSizeTunable`, whose
/// `trainDataloader()` gives the training loader.
public final class BatchSizeFinder: Callback {
    public enum Mode: String, Sendable { case power, binsearch }

    public let mode: Mode
    public let stepsPerTrial: Int
    public let initVal: Int
    public let maxTrials: Int
    /// The batch size found.
    public private(set) var optimalBatchSize: Int?
    /// Each trial's batch size and whether it fit.
    public private(set) var trials: [(batchSize: Int, fit: Bool)] = []

    public init(mode: Mode = .power, stepsPerTrial: Int = 3, initVal: Int = 2, maxTrials: Int = 25) {
        (self.mode, self.stepsPerTrial, self.initVal, self.maxTrials) = (mode, stepsPerTrial, initVal, maxTrials)
    }

    /// Whether `error` is running out of memory (CUDA's allocator, cuDNN's, or the CPU's).
    static func isOutOfMemory(_ error: Error) -> Bool {
        let text = "\(error)"
        return ["out of memory", "can't allocate memory", "CUDNN_STATUS_NOT_SUPPORTED", "CUDNN_STATUS_ALLOC_FAILED"].contains { text.contains($0) }
    }

    public func onFitStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard let tunable = (trainer.currentDatamodule as? BatchSizeTunable) ?? (module as? BatchSizeTunable) else {
            throw TrainerError.misconfiguration("BatchSizeFinder needs the datamodule or \(type(of: module)) to conform to BatchSizeTunable")
        }
        guard let rebuild = trainer.rebuildTrainLoader, let run = trainer.trainingSteps, module.automaticOptimization else {
            throw TrainerError.misconfiguration(
                "BatchSizeFinder needs automatic optimization and the training loader from trainDataloader(), not passed to fit(train:)")
        }
        let weights = StateDict(module.stateDict().map { ($0.key, $0.value.clone()) })
        let optimizerStates = trainer.optimizers.map { $0.stateDict() }
        let rng = Generator.default().state
        let precisionState = trainer.precisionPlugin.stateDict()
        trials = []
        var size = initVal, low = 0, high: Int?
        for _ in 0..<maxTrials {
            tunable.batchSize = size
            let batches = try rebuild()
            do {
                try run(stepsPerTrial, { _ in }) { _ in true }
                trials.append((size, true))
            } catch where Self.isOutOfMemory(error) {
                trials.append((size, false))
                high = size
                if mode == .power || size <= initVal { break }
                size = (low + size) / 2
                if size <= low { break }
                continue
            }
            low = size
            if batches <= 1 { break }
            if let high {
                if high - low <= 1 { break }
                size = (low + high) / 2
            } else {
                size *= 2
            }
        }
        guard low > 0 else {
            throw TrainerError.misconfiguration("BatchSizeFinder: even a batch of \(initVal) runs out of memory")
        }
        optimalBatchSize = low
        tunable.batchSize = low
        _ = try rebuild()
        try module.loadStateDict(weights)
        for (optimizer, state) in zip(trainer.optimizers, optimizerStates) { try optimizer.loadStateDict(state) }
        Generator.default().state = rng
        trainer.precisionPlugin.loadStateDict(precisionState)
        trainer.printer("BatchSizeFinder: batch size \(low) (trials: \(trials.map { "\($0.batchSize) \($0.fit ? "fit" : "out of memory")" }.joined(separator: ", ")))")
    }
}
