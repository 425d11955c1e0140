import Foundation
import Torch

/// The version written into checkpoints.
public let swiftLightningVersion = "0.1.0"

extension Trainer {
    /// Everything needed to continue exactly: Lightning's keys and loop layout, in PyTorch's file
    /// format (`torch.load(path, weights_only=False)` in Python opens it; Lightning resumes it).
    func checkpoint(weights: StateDict, optimizerStates: [StateValue]) -> [(String, StateValue)] {
        guard let module else { return [] }
        var entries: [(String, StateValue)] = [
            ("epoch", .int(currentEpoch)),
            ("global_step", .int(globalStep)),
            ("pytorch-lightning_version", .string(lightningCheckpointVersion)),
            ("swift-lightning_version", .string(swiftLightningVersion)),
            ("state_dict", .stateDict(weights)),
            ("loops", FitLoopCheckpoint(progress: fitProgress, trainSamplerSeed: trainSamplerSeed, callbackMetrics: callbackMetrics)
                .loops(batchesPerEpoch: trainBatchesPerEpoch, manual: !module.automaticOptimization)),
            ("callbacks", .dict(callbacks.map { ($0.stateKey, $0.stateDict()) })),
            ("optimizer_states", .list(optimizerStates)),
            ("lr_schedulers", .list(schedulerConfigs.map { $0.scheduler.stateDict() })),
            ("rng_states", .dict([("torch", .tensor(Generator.default().state))])),
            ("precision_plugin", precisionPlugin.stateDict()),
            ("hyper_parameters", .dict(module.hyperparameters)),
        ]
        if let state = datamoduleState?() { entries.append(("datamodule", state)) }
        module.onSaveCheckpoint(&entries)
        return entries
    }

    /// Writes a checkpoint atomically (a crash mid-save leaves the previous file intact).
    /// In a multi-process run every rank calls it; the strategy decides who writes what:
    /// strategies that split weights or optimizer state (ZeRO, FSDP, pipelines) gather them into
    /// one file, as one process would write it, or, under FSDP with `stateDictType: .sharded`,
    /// each rank writes its own shards beside it.
    public func saveCheckpoint(to path: String) throws {
        guard let module else { return }
        let weights = try strategyPlugin.moduleStateDict(module)
        let optimizerStates = try optimizers.map { try strategyPlugin.optimizerStateDict($0) }
        var entries = checkpoint(weights: weights, optimizerStates: optimizerStates)
        if strategyPlugin.isGlobalZero {
            for callback in callbacks { try callback.onSaveCheckpoint(self, module, checkpoint: &entries) }
        }
        try strategyPlugin.saveCheckpoint(entries, to: path)
    }

    /// Reads a checkpoint, refusing files that are not one.
    static func readCheckpoint(_ path: String) throws -> StateValue { try validCheckpoint(TorchFile.load(path), path: path) }

    /// `checkpoint` (read from `path`), refused when it is not a Trainer checkpoint.
    static func validCheckpoint(_ checkpoint: StateValue, path: String) throws -> StateValue {
        guard checkpoint["state_dict"]?.stateDictValue != nil, checkpoint["global_step"]?.intValue != nil else {
            throw TrainerError.misconfiguration("\(path) is not a checkpoint (it lacks state_dict or global_step)")
        }
        return checkpoint
    }

    /// A checkpoint's optimizer states, refusing a count other than the run's.
    static func optimizerStates(in checkpoint: StateValue, count: Int) throws -> [StateValue] {
        let saved = checkpoint["optimizer_states"]?.arrayValue ?? []
        guard saved.count == count else {
            throw TrainerError.misconfiguration("the checkpoint holds \(saved.count) optimizer states; configureOptimizers returned \(count)")
        }
        return saved
    }

    /// Loads only the weights (for validate, test and predict).
    func restoreWeights(from path: String, model: LightningModuleBase) throws {
        let checkpoint = try Self.validCheckpoint(strategyPlugin.loadCheckpoint(path), path: path)
        try naming(path) { try strategyPlugin.loadModuleState(from: checkpoint, into: model) }
        model.onLoadCheckpoint(checkpoint)
    }

    /// Restores a fit in Lightning's order: datamodule, weights, callbacks, precision, loop
    /// position and RNG, then optimizers and schedulers.
    func restore<Batch>(from path: String, model: LightningModule<Batch>, datamodule: LightningDataModule<Batch>?,
                        loader: any BatchLoader<Batch>) throws {
        let checkpoint = try Self.validCheckpoint(strategyPlugin.loadCheckpoint(path), path: path)
        if let state = checkpoint["datamodule"] { datamodule?.loadStateDict(state) }
        try naming(path) { try strategyPlugin.loadModuleState(from: checkpoint, into: model) }
        if let hp = checkpoint["hyper_parameters"]?.dictValue {
            model.restoreHyperparameters(hp.compactMap { k, v in k.stringValue.map { ($0, v) } })
        }
        model.onLoadCheckpoint(checkpoint)
        for callback in callbacks {
            if let state = checkpoint["callbacks"]?[callback.stateKey] { callback.loadStateDict(state) }
            try callback.onLoadCheckpoint(self, model, checkpoint: checkpoint)
        }
        if let state = checkpoint["precision_plugin"] { precisionPlugin.loadStateDict(state) }
        let position = FitLoopCheckpoint(checkpoint: checkpoint)
        fitProgress = position.progress
        // The values the epoch's end and the callbacks read next (a validation's metrics).
        callbackMetrics.merge(position.callbackMetrics) { $1 }
        resumedFrom = path
        if let seed = position.trainSamplerSeed, let seeded = loader as? any SeededSampling { seeded.reseed(seed) }
        if let state = checkpoint["rng_states"]?["torch"]?.tensorValue { Generator.default().state = state }
        try naming(path) { try strategyPlugin.loadOptimizerStates(from: checkpoint, into: optimizers) }
        for (config, state) in zip(schedulerConfigs, checkpoint["lr_schedulers"]?.arrayValue ?? []) {
            config.scheduler.loadStateDict(state)
        }
    }

    /// Runs `body`, prefixing the checkpoint's path to a misconfiguration it reports.
    private func naming(_ path: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch TrainerError.misconfiguration(let message) {
            throw TrainerError.misconfiguration("\(path): \(message)")
        }
    }
}
