import Torch

/// The PyTorch Lightning release whose checkpoint layout swift-lightning writes (the
/// `pytorch-lightning_version` key): its `load_from_checkpoint` and `Trainer.fit(ckpt_path=)`
/// read our checkpoints.
public let lightningCheckpointVersion = "2.6.6"

/// Where a fit stands, as a checkpoint records it under `loops.fit_loop`: in PyTorch
/// Lightning's layout (progress counters of epochs, batches and optimizer steps, from which
/// Lightning derives `current_epoch`, `global_step` and what to run on resume), with the exact
/// position swift-lightning resumes from in the loop's own `state_dict`, which Lightning hands
/// to the loop and otherwise ignores; beside it the training sampler's seed and the metrics the
/// resumed epoch reads. Lightning's own checkpoints are read from their counters.
struct FitLoopCheckpoint {
    var progress = FitLoopProgress()
    var trainSamplerSeed: UInt64?
    var callbackMetrics: [String: Tensor] = [:]
}

extension FitLoopCheckpoint {
    /// The position a checkpoint holds: ours, an earlier swift-lightning layout, or Lightning's
    /// counters (an epoch whose end ran resumes at the next one, as Lightning resumes it).
    init(checkpoint: StateValue) {
        let loop = checkpoint["loops"]?["fit_loop"]
        progress.globalStep = checkpoint["global_step"]?.intValue ?? 0
        if let own = [loop?["state_dict"], loop].compactMap({ $0 }).first(where: { $0["batches_done"]?.intValue != nil }) {
            progress.epoch = own["epoch"]?.intValue ?? checkpoint["epoch"]?.intValue ?? 0
            progress.batchesDone = own["batches_done"]?.intValue ?? 0
            progress.phase = own["epoch_phase"]?.stringValue.flatMap(EpochPhase.init) ?? .training
            progress.batchEndPending = own["batch_end_pending"]?.boolValue ?? false
            progress.batchesThatStepped = own["batches_that_stepped"]?.intValue ?? progress.globalStep
            trainSamplerSeed = own["train_sampler_seed"]?.intValue.map { UInt64(truncatingIfNeeded: $0) }
            for (name, value) in own["callback_metrics"]?.dictValue ?? [] {
                if let name = name.stringValue, let value = value.tensorValue { callbackMetrics[name] = value }
            }
        } else if let epochs = loop?["epoch_progress"]?["current"], let completed = epochs["completed"]?.intValue {
            // Lightning: an epoch processed but not completed was saved in its epoch-end hooks; a
            // batch processed but not completed, in `on_train_batch_end` (before the batch's
            // count of batches that stepped went up).
            let processed = epochs["processed"]?.intValue ?? completed
            let batches = loop?["epoch_loop.batch_progress"]?["current"]
            let batchesProcessed = batches?["processed"]?.intValue ?? 0, batchesCompleted = batches?["completed"]?.intValue ?? 0
            progress.epoch = processed > completed ? completed + 1 : completed
            progress.batchesDone = processed > completed ? 0 : batchesProcessed
            progress.batchEndPending = processed == completed && batchesProcessed > batchesCompleted
            progress.batchesThatStepped = (loop?["epoch_loop.state_dict"]?["_batches_that_stepped"]?.intValue ?? progress.globalStep)
                + (progress.batchEndPending ? 1 : 0)
        } else {
            progress.epoch = checkpoint["epoch"]?.intValue ?? 0
            progress.batchesThatStepped = progress.globalStep
        }
        if progress.phase == .ended { (progress.epoch, progress.batchesDone, progress.phase) = (progress.epoch + 1, 0, .training) }
    }

    /// `loops` for a checkpoint: Lightning's counters for `fit_loop`, ours in its `state_dict`.
    /// `batchesPerEpoch` gives the running totals; `manual` puts the steps under manual optimization.
    func loops(batchesPerEpoch: Int, manual: Bool) -> StateValue {
        func counts(_ ready: Int, started: Int? = nil, processed: Int? = nil, completed: Int) -> StateValue {
            var pairs: [(String, StateValue)] = [("ready", .int(ready))]
            if let started { pairs.append(("started", .int(started))) }
            if let processed { pairs.append(("processed", .int(processed))) }
            pairs.append(("completed", .int(completed)))
            return .dict(pairs)
        }
        func tracker(_ current: StateValue, total: StateValue? = nil) -> [(String, StateValue)] {
            [("total", total ?? current), ("current", current)]
        }
        let p = progress
        let ended = p.phase == .ended
        let epochs = counts(p.epoch + 1, started: p.epoch + 1, processed: ended ? p.epoch + 1 : p.epoch, completed: p.epoch)
        let allBatches = p.epoch * batchesPerEpoch + p.batchesDone, pending = p.batchEndPending ? 1 : 0
        let batches = tracker(counts(p.batchesDone, started: p.batchesDone, processed: p.batchesDone, completed: p.batchesDone - pending),
                               total: counts(allBatches, started: allBatches, processed: allBatches, completed: allBatches - pending))
            + [("is_last_batch", .bool(p.batchesDone > 0 && p.batchesDone == batchesPerEpoch))]
        let steps = tracker(counts(manual ? 0 : p.globalStep, completed: manual ? 0 : p.globalStep))
        let zeroGrads = tracker(counts(manual ? 0 : p.globalStep, started: manual ? 0 : p.globalStep, completed: manual ? 0 : p.globalStep))
        let manualSteps = tracker(counts(manual ? p.globalStep : 0, completed: manual ? p.globalStep : 0))
        let own: StateValue = .dict([
            ("epoch", .int(p.epoch)), ("batches_done", .int(p.batchesDone)), ("epoch_phase", .string(p.phase.rawValue)),
            ("batch_end_pending", .bool(p.batchEndPending)), ("batches_that_stepped", .int(p.batchesThatStepped)),
            ("train_sampler_seed", trainSamplerSeed.map { .int(Int(truncatingIfNeeded: $0)) } ?? .none),
            ("callback_metrics", .dict(callbackMetrics.sorted { $0.key < $1.key }.map { ($0.key, .tensor($0.value)) })),
        ])
        return .dict([("fit_loop", .dict([
            ("state_dict", own),
            ("epoch_loop.state_dict", .dict([("_batches_that_stepped", .int(p.batchesThatStepped - pending))])),
            ("epoch_loop.batch_progress", .dict(batches)),
            ("epoch_loop.automatic_optimization.optim_progress", .dict([("optimizer", .dict([("step", .dict(steps)), ("zero_grad", .dict(zeroGrads))]))])),
            ("epoch_loop.manual_optimization.optim_step_progress", .dict(manualSteps)),
            ("epoch_progress", .dict(tracker(epochs))),
        ]))])
    }
}
