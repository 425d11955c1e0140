import Torch

/// The PyTorch Lightning release whose checkpoint layout swift-lightning writes (the
/// `pytorch-lightning_version` key): its `load_from_checkpoint` and `Trainer.fit(ckpt_path=)`
/// read our checkpoints.
public let lightningCheckpointVersion = "2.6.6"

/// Where a fit stands, as a checkpoint records it under `loops.fit_loop`: in PyTorch
/// Lightning's layout (progress counters of epochs, batches and optimizer steps, from which
/// Lightning derives `current_epoch`, `global_step` and what to run on resume), with the exact
/// position swift-lightning resumes from in the loop's own `state_dict`, which Lightning hands
/// to the loop and otherwise ignores. Lightning's own checkpoints are read from their counters.
struct FitLoopProgress {
    var epoch = 0
    var batchesDone = 0
    var phase = EpochPhase.training
    /// Saved in a batch's end hooks, before what follows them.
    var batchEndPending = false
    var globalStep = 0
    var batchesThatStepped = 0
    var trainSamplerSeed: UInt64?
    var callbackMetrics: [String: Tensor] = [:]

}

extension FitLoopProgress {
    /// The position a checkpoint holds: ours, an earlier swift-lightning layout, or Lightning's
    /// counters (an epoch whose end ran resumes at the next one, as Lightning resumes it).
    init(checkpoint: StateValue) {
        let loop = checkpoint["loops"]?["fit_loop"]
        globalStep = checkpoint["global_step"]?.intValue ?? 0
        if let own = [loop?["state_dict"], loop].compactMap({ $0 }).first(where: { $0["batches_done"]?.intValue != nil }) {
            epoch = own["epoch"]?.intValue ?? checkpoint["epoch"]?.intValue ?? 0
            batchesDone = own["batches_done"]?.intValue ?? 0
            phase = own["epoch_phase"]?.stringValue.flatMap(EpochPhase.init) ?? .training
            batchEndPending = own["batch_end_pending"]?.boolValue ?? false
            batchesThatStepped = own["batches_that_stepped"]?.intValue ?? globalStep
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
            epoch = processed > completed ? completed + 1 : completed
            batchesDone = processed > completed ? 0 : batchesProcessed
            batchEndPending = processed == completed && batchesProcessed > batchesCompleted
            batchesThatStepped = (loop?["epoch_loop.state_dict"]?["_batches_that_stepped"]?.intValue ?? globalStep)
                + (batchEndPending ? 1 : 0)
        } else {
            epoch = checkpoint["epoch"]?.intValue ?? 0
            batchesThatStepped = globalStep
        }
        if phase == .ended { (epoch, batchesDone, phase) = (epoch + 1, 0, .training) }
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
        func progress(_ current: StateValue, total: StateValue? = nil) -> [(String, StateValue)] {
            [("total", total ?? current), ("current", current)]
        }
        let ended = phase == .ended
        let epochs = counts(epoch + 1, started: epoch + 1, processed: ended ? epoch + 1 : epoch, completed: epoch)
        let allBatches = epoch * batchesPerEpoch + batchesDone, pending = batchEndPending ? 1 : 0
        let batches = progress(counts(batchesDone, started: batchesDone, processed: batchesDone, completed: batchesDone - pending),
                               total: counts(allBatches, started: allBatches, processed: allBatches, completed: allBatches - pending))
            + [("is_last_batch", .bool(batchesDone > 0 && batchesDone == batchesPerEpoch))]
        let steps = progress(counts(manual ? 0 : globalStep, completed: manual ? 0 : globalStep))
        let zeroGrads = progress(counts(manual ? 0 : globalStep, started: manual ? 0 : globalStep, completed: manual ? 0 : globalStep))
        let manualSteps = progress(counts(manual ? globalStep : 0, completed: manual ? globalStep : 0))
        let own: StateValue = .dict([
            ("epoch", .int(epoch)), ("batches_done", .int(batchesDone)), ("epoch_phase", .string(phase.rawValue)),
            ("batch_end_pending", .bool(batchEndPending)), ("batches_that_stepped", .int(batchesThatStepped)),
            ("train_sampler_seed", trainSamplerSeed.map { .int(Int(truncatingIfNeeded: $0)) } ?? .none),
            ("callback_metrics", .dict(callbackMetrics.sorted { $0.key < $1.key }.map { ($0.key, .tensor($0.value)) })),
        ])
        return .dict([("fit_loop", .dict([
            ("state_dict", own),
            ("epoch_loop.state_dict", .dict([("_batches_that_stepped", .int(batchesThatStepped - pending))])),
            ("epoch_loop.batch_progress", .dict(batches)),
            ("epoch_loop.automatic_optimization.optim_progress", .dict([("optimizer", .dict([("step", .dict(steps)), ("zero_grad", .dict(zeroGrads))]))])),
            ("epoch_loop.manual_optimization.optim_step_progress", .dict(manualSteps)),
            ("epoch_progress", .dict(progress(epochs))),
        ]))])
    }
}
