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
            ("loops", FitLoopProgress(epoch: currentEpoch, batchesDone: batchesDone, phase: epochPhase, batchEndPending: batchEndPending,
                                      globalStep: globalStep, batchesThatStepped: batchesThatStepped,
                                      trainSamplerSeed: trainSamplerSeed, callbackMetrics: callbackMetrics)
                .loops(batchesPerEpoch: trainBatchesPerEpoch, manual: !module.automaticOptimization)),
            ("callbacks", .dict(callbacks.map { ($0.stateKey, $0.stateDict()) })),
            ("optimizer_states", .list(optimizerStates)),
            ("lr_schedulers", .list(schedulerConfigs.map { $0.scheduler.stateDict() })),
            ("rng_states", .dict([("torch", .tensor(Generator.default().state))])),
            ("precision_plugin", precisionPlugin.stateDict()),
            ("hyper_parameters", .dict(module.hyperparameters)),
        ]
        if let state = datamoduleState?() { entries.append(("datamodule", state)) }
        if let fsdp = strategyPlugin as? FSDPStrategy, fsdp.options.stateDictType == .sharded {
            entries.append(("fsdp_shards", .dict([("world_size", .int(worldSize)), ("units", .list(fsdp.unitNames.map { .string($0) }))])))
        }
        module.onSaveCheckpoint(&entries)
        return entries
    }

    /// Writes a checkpoint atomically (a crash mid-save leaves the previous file intact).
    /// In a multi-process run every rank calls it: rank 0 writes, and all wait until it has.
    /// Strategies that split weights or optimizer state (ZeRO, FSDP, pipelines) gather them into
    /// the one file, as one process would write it; or, under FSDP with
    /// `stateDictType: .sharded`, each rank writes its shards to `<path>.shard-rank<N>`.
    public func saveCheckpoint(to path: String) throws {
        guard let module else { return }
        let folder = (path as NSString).deletingLastPathComponent
        var weights = StateDict()
        var optimizerStates: [StateValue] = []
        if let fsdp = strategyPlugin as? FSDPStrategy, fsdp.options.stateDictType == .sharded {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try TorchFile.save(.dict([("model_shards", .list(fsdp.shardTensors().map { .tensor($0) })),
                                      ("optimizer_states", .list(optimizers.map { $0.stateDict() }))]),
                               to: FSDPStrategy.shardPath(path, rank: globalRank))
        } else {
            weights = try strategyPlugin.moduleStateDict(module)
            optimizerStates = try optimizers.map { try strategyPlugin.optimizerStateDict($0) }
        }
        if strategyPlugin.isGlobalZero {
            var entries = checkpoint(weights: weights, optimizerStates: optimizerStates)
            for callback in callbacks { try callback.onSaveCheckpoint(self, module, checkpoint: &entries) }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try TorchFile.save(.dict(entries), to: path)
        }
        try strategyPlugin.barrier()
    }

    /// Reads a checkpoint, refusing files that are not one.
    static func readCheckpoint(_ path: String) throws -> StateValue {
        let checkpoint = try TorchFile.load(path)
        guard checkpoint["state_dict"]?.stateDictValue != nil, checkpoint["global_step"]?.intValue != nil else {
            throw TrainerError.misconfiguration("\(path) is not a checkpoint (it lacks state_dict or global_step)")
        }
        return checkpoint
    }

    /// Loads only the weights (for validate, test and predict).
    func restoreWeights(from path: String, model: LightningModuleBase) throws {
        let checkpoint = try Self.readCheckpoint(path)
        try model.loadStateDict(checkpoint["state_dict"]!.stateDictValue!)
        model.onLoadCheckpoint(checkpoint)
    }

    /// Restores a fit in Lightning's order: datamodule, weights, callbacks, precision, loop
    /// position and RNG, then optimizers and schedulers.
    func restore<Batch>(from path: String, model: LightningModule<Batch>, datamodule: LightningDataModule<Batch>?,
                        loader: any BatchLoader<Batch>) throws {
        let checkpoint = try Self.readCheckpoint(path)
        if let state = checkpoint["datamodule"] { datamodule?.loadStateDict(state) }
        var savedOptimizers = checkpoint["optimizer_states"]?.arrayValue ?? []
        let fsdp = strategyPlugin as? FSDPStrategy
        if let shards = checkpoint["fsdp_shards"]?["world_size"]?.intValue {
            guard let fsdp, shards == worldSize else {
                throw TrainerError.misconfiguration(
                    "\(path) is a sharded FSDP checkpoint of \(shards) ranks; resume it with strategy .fsdp on \(shards) processes")
            }
            let own = try TorchFile.load(FSDPStrategy.shardPath(path, rank: globalRank))
            try fsdp.loadShardTensors((own["model_shards"]?.arrayValue ?? []).compactMap(\.tensorValue))
            savedOptimizers = own["optimizer_states"]?.arrayValue ?? []
        } else {
            try strategyPlugin.loadModuleStateDict(model, checkpoint["state_dict"]!.stateDictValue!)
        }
        if let hp = checkpoint["hyper_parameters"]?.dictValue {
            model.restoreHyperparameters(hp.compactMap { k, v in k.stringValue.map { ($0, v) } })
        }
        model.onLoadCheckpoint(checkpoint)
        for callback in callbacks {
            if let state = checkpoint["callbacks"]?[callback.stateKey] { callback.loadStateDict(state) }
            try callback.onLoadCheckpoint(self, model, checkpoint: checkpoint)
        }
        if let state = checkpoint["precision_plugin"] { precisionPlugin.loadStateDict(state) }
        let position = FitLoopProgress(checkpoint: checkpoint)
        (currentEpoch, batchesDone, epochPhase, batchEndPending) = (position.epoch, position.batchesDone, position.phase, position.batchEndPending)
        (globalStep, batchesThatStepped) = (position.globalStep, position.batchesThatStepped)
        // The values the epoch's end and the callbacks read next (a validation's metrics).
        callbackMetrics.merge(position.callbackMetrics) { $1 }
        resumedFrom = path
        if let seed = position.trainSamplerSeed, let seeded = loader as? any SeededSampling { seeded.reseed(seed) }
        if let state = checkpoint["rng_states"]?["torch"]?.tensorValue { Generator.default().state = state }
        guard savedOptimizers.count == optimizers.count else {
            throw TrainerError.misconfiguration("\(path) holds \(savedOptimizers.count) optimizer states; configureOptimizers returned \(optimizers.count)")
        }
        for (optimizer, state) in zip(optimizers, savedOptimizers) {
            if checkpoint["fsdp_shards"] != nil {
                try optimizer.loadStateDict(state)
            } else {
                try strategyPlugin.loadOptimizerStateDict(optimizer, state)
            }
        }
        for (config, state) in zip(schedulerConfigs, checkpoint["lr_schedulers"]?.arrayValue ?? []) {
            config.scheduler.loadStateDict(state)
        }
    }
}
