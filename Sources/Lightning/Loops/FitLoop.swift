import Foundation
import Torch

/// Epochs of training batches with validation between them (`_FitLoop` with its
/// `_TrainingEpochLoop` and automatic optimization): the order of hooks, accumulation,
/// clipping, scheduler steps and the resumable position all live here.
struct FitLoop<Batch> {
    unowned let trainer: Trainer
    let module: LightningModule<Batch>
    let train: any BatchLoader<Batch>
    let val: (any BatchLoader<Batch>)?

    func run() throws {
        let t = trainer
        if let val, t.numSanityValSteps != 0, t.globalStep == 0, t.batchIdx == 0, t.currentEpoch == 0 {
            t.sanityChecking = true
            try t.callHook { try $0.onSanityCheckStart(t, module) }
            let all = t.limitValBatches.batches(of: val.count)
            let limit = t.numSanityValSteps == -1 ? all : min(t.numSanityValSteps, all)
            try EvaluationLoop(trainer: t, module: module, loader: val, stage: .sanityCheck, limit: limit).run()
            t.callbackMetrics = [:]
            t.progressBarMetrics = [:]
            t.sanityChecking = false
            try t.callHook { try $0.onSanityCheckEnd(t, module) }
        }
        try t.callHook { try $0.onTrainStart(t, module) }
        module.onTrainStart()
        while !finished {
            if try runEpoch() {
                t.fitProgress.nextEpoch()
                try agreeOnStopping()
            }
        }
        module.onTrainEnd()
        try t.callHook { try $0.onTrainEnd(t, module) }
    }

    /// Whether fitting is over: a limit reached, a stop requested (after `minEpochs`), or an interruption.
    var finished: Bool {
        let t = trainer
        if t.interrupted { return true }
        if t.maxSteps >= 0 && t.globalStep >= t.maxSteps { return true }
        if let maxEpochs = t.maxEpochs, maxEpochs >= 0, t.currentEpoch >= maxEpochs { return true }
        if t.shouldStop && t.currentEpoch >= t.minEpochs { return true }
        return t.strategyPlugin.worldSize == 1 && timeUp
    }

    /// Whether `maxTime` has passed on this process's clock.
    private var timeUp: Bool { trainer.maxTime.map { Date().timeIntervalSince(trainer.fitStart) >= $0 } ?? false }

    /// In a multi-process run, a stop requested on any rank (or its time limit) stops every
    /// rank at the same step: the ranks' decisions are reduced at epoch ends, after validation,
    /// and, when `maxTime` is set, at every optimizer step (one small collective each).
    private func agreeOnStopping() throws {
        let t = trainer
        guard t.strategyPlugin.worldSize > 1 else { return }
        t.shouldStop = try t.strategyPlugin.reduceBooleanDecision(t.shouldStop || timeUp)
        t.agreedShouldStop = t.shouldStop
    }

    /// Whether to stop at this step boundary; in a multi-process run only what all ranks agreed.
    private func stopsWithinEpoch() throws -> Bool {
        let t = trainer
        if t.strategyPlugin.worldSize == 1 { return finishedWithinEpoch || (t.shouldStop && t.currentEpoch >= t.minEpochs) }
        if t.maxTime != nil { try agreeOnStopping() }
        return finishedWithinEpoch || (t.agreedShouldStop && t.currentEpoch >= t.minEpochs)
    }

    /// Runs (the rest of) one epoch; returns whether it completed.
    private func runEpoch() throws -> Bool {
        let t = trainer
        let limit = t.limitTrainBatches.batches(of: train.count)
        t.trainBatchesPerEpoch = limit
        let valLimit = val.map { t.limitValBatches.batches(of: $0.count) } ?? 0
        t.valBatchesPerCheck = valLimit
        let validateThisEpoch = valLimit > 0 && t.checkValEveryNEpoch.map { (t.currentEpoch + 1) % $0 == 0 } ?? true
        // As Lightning: validation after every `valEvery` batches of the epoch, the last batch
        // included only when it is one of them.
        let valEvery: Int = {
            switch t.valCheckInterval {
            case .count(let n): return n
            case .fraction(let f): return max(1, Int(Double(limit) * f))
            }
        }()
        if validateThisEpoch, limit > 0, valEvery > limit {
            throw TrainerError.invalidArgument("valCheckInterval", "\(valEvery) batches must be at most the number of training batches "
                + "(\(limit)); to turn validation off set limitValBatches to 0")
        }
        module.train()
        if t.batchIdx == 0 {
            try t.callHook { try $0.onTrainEpochStart(t, module) }
            module.onTrainEpochStart()
        }
        t.runningStage = .training
        defer { t.runningStage = nil }
        let stream = train.stream(epoch: t.overfitting ? 0 : t.currentEpoch, skip: t.batchIdx)
        defer { stream.finish() }
        /// What follows a batch's end hooks: the validation due after it (unless it is the epoch's
        /// last), then an interruption or a stop at a step boundary. Returns whether the epoch goes on.
        func afterBatchEnd() throws -> Bool {
            t.fitProgress.batchEndPending = false
            let due = validateThisEpoch && t.batchIdx % valEvery == 0 && t.batchIdx < limit
            if due || (t.validationRequested && t.batchIdx < limit), let val {
                try runValidation(val, limit: valLimit)
            }
            let atBoundary = !module.automaticOptimization || t.batchIdx % t.accumulateGradBatches == 0
            if atBoundary, try t.stopsForSignal() { return false }
            if atBoundary, t.batchIdx < limit, try stopsWithinEpoch() {
                t.stoppedWithinEpoch = true
                return false
            }
            return true
        }
        // A checkpoint saved in a batch's end hooks resumes with what followed them.
        if t.fitProgress.batchEndPending, try !afterBatchEnd() { return false }
        while t.batchIdx < limit {
            guard let batch = try t.profile("train_dataloader_next", { try stream.next() }) else { break }
            let batchIdx = t.batchIdx
            t.currentBatch = batch
            try t.callHook { try $0.onTrainBatchStart(t, module, batch: batch, batchIdx: batchIdx) }
            guard module.onTrainBatchStart(batch, batchIdx: batchIdx) else { break }
            let stepsBefore = t.globalStep
            let loss = try t.profile("run_training_batch") {
                try module.automaticOptimization
                    ? automaticStep(batch, batchIdx: batchIdx, last: batchIdx + 1 == limit)
                    : manualStep(batch, batchIdx: batchIdx)
            }
            t.fitProgress.batchProcessed(stepped: t.globalStep > stepsBefore)
            let stepped = t.globalStep > stepsBefore
            module.onTrainBatchEnd(loss, batch: batch, batchIdx: batchIdx)
            try t.callHook { try $0.onTrainBatchEnd(t, module, loss: loss, batch: batch, batchIdx: batchIdx) }
            try t.publishStepMetrics(log: stepped && t.batchesThatStepped % t.logEveryNSteps == 0)
            try t.profiler?.step()
            guard try afterBatchEnd() else { return false }
        }
        // The epoch's end, in phases a checkpoint records: one saved in the end-of-epoch
        // validation's hooks resumes after that validation, one saved in the epoch-end hooks
        // at the next epoch.
        if t.fitProgress.phase == .training {
            t.fitProgress.phase = .validated
            if validateThisEpoch, limit % valEvery == 0, let val { try runValidation(val, limit: valLimit) }
        }
        if t.fitProgress.phase == .validated {
            t.fitProgress.phase = .ended
            try t.publishEpochMetrics(t.trainingMetrics)
            try stepSchedulers(.epoch)
            module.onTrainEpochEnd()
            try t.callHook { try $0.onTrainEpochEnd(t, module) }
        }
        return true
    }

    /// A training step that optimizes by itself (manual optimization); each `manualBackward`
    /// synchronises gradients in a multi-process run.
    private func manualStep(_ batch: Batch, batchIdx: Int) throws -> Tensor? {
        try trainer.strategyPlugin.beforeTrainingStep(synchronizing: true)
        let precision = trainer.precisionPlugin
        return try trainer.runStep("training_step", batchIdx: batchIdx) {
            precision.forward { module.trainingStep(trainer.input(batch, for: module), batchIdx: batchIdx) }
        }
    }

    /// Limits that end fitting in the middle of an epoch.
    private var finishedWithinEpoch: Bool {
        let t = trainer
        if t.maxSteps >= 0 && t.globalStep >= t.maxSteps { return true }
        return t.strategyPlugin.worldSize == 1 && timeUp
    }

    private func runValidation(_ val: any BatchLoader<Batch>, limit: Int) throws {
        trainer.validationRequested = false
        try EvaluationLoop(trainer: trainer, module: module, loader: val, stage: .validating, limit: limit).run()
        trainer.runningStage = .training
        try agreeOnStopping()
    }

    /// Training step, backward and (at the end of an accumulation window) the optimizer step,
    /// each through the strategy.
    private func automaticStep(_ batch: Batch, batchIdx: Int, last: Bool) throws -> Tensor? {
        let t = trainer
        if let optimizer = t.optimizers.first, optimizer.requiresClosure { return try closureStep(optimizer, batch, batchIdx: batchIdx) }
        let stepsOptimizer = (batchIdx + 1) % t.accumulateGradBatches == 0 || last
        try t.strategyPlugin.beforeTrainingStep(synchronizing: stepsOptimizer)
        let input = t.input(batch, for: module)
        let context = t.trainingStepContext(module, batch: input, batchIdx: batchIdx, synchronizing: stepsOptimizer,
                                            accumulation: t.accumulateGradBatches)
        guard let loss = try t.runStep("training_step", batchIdx: batchIdx, {
            try t.strategyPlugin.trainingStep(module, batch: input, batchIdx: batchIdx, context: context)
        }) else { return nil }
        try t.callHook { try $0.onAfterBackward(t, module) }
        module.onAfterBackward()
        guard stepsOptimizer else { return loss }
        var stepped = true
        for optimizer in t.optimizers {
            try t.callHook { try $0.onBeforeOptimizerStep(t, module, optimizer: optimizer) }
            module.onBeforeOptimizerStep(optimizer)
            stepped = try t.profile("optimizer_step") {
                try t.runStep("optimizer_step", batchIdx: batchIdx) {
                    try t.strategyPlugin.optimizerStep(optimizer, precision: t.precisionPlugin, clipValue: t.gradientClipVal,
                                                       clipAlgorithm: t.gradientClipAlgorithm)
                }
            } && stepped
            try t.callHook { try $0.onBeforeZeroGrad(t, module, optimizer: optimizer) }
            module.onBeforeZeroGrad(optimizer)
            optimizer.zeroGrad()
        }
        t.fitProgress.globalStep += 1
        if stepped { try stepSchedulers(.step) }
        return loss
    }

    /// A step of an optimizer that re-evaluates the loss itself (LBFGS): the training step, its
    /// backward and the backward hooks run inside the optimizer's closure, as many times as it
    /// asks, as Lightning runs them; the step's loss is the first evaluation's.
    private func closureStep(_ optimizer: Optimizer, _ batch: Batch, batchIdx: Int) throws -> Tensor? {
        let t = trainer
        if t.accumulateGradBatches != 1 || t.precisionPlugin.scalesLoss || t.gradientClipVal != nil {
            throw TrainerError.misconfiguration(
                "\(type(of: optimizer)) re-evaluates the loss inside its step: it runs without gradient accumulation, clipping or a loss scaler (precision 16-mixed), as in Lightning")
        }
        let input = t.input(batch, for: module)
        let context = t.trainingStepContext(module, batch: input, batchIdx: batchIdx, synchronizing: true, accumulation: 1)
        try t.callHook { try $0.onBeforeOptimizerStep(t, module, optimizer: optimizer) }
        module.onBeforeOptimizerStep(optimizer)
        var failure: Error?
        var skipped = false
        let loss = try t.runStep("optimizer_step", batchIdx: batchIdx) {
            optimizer.step {
                guard failure == nil else { return Tensor(Float.nan) }
                do {
                    optimizer.zeroGrad()
                    try t.strategyPlugin.beforeTrainingStep(synchronizing: true)
                    guard let loss = try t.runStep("training_step", batchIdx: batchIdx, {
                        try t.strategyPlugin.trainingStep(module, batch: input, batchIdx: batchIdx, context: context)
                    }) else {
                        skipped = true
                        return Tensor(Float(0))
                    }
                    try t.callHook { try $0.onAfterBackward(t, module) }
                    module.onAfterBackward()
                    return loss
                } catch {
                    failure = error
                    return Tensor(Float.nan)
                }
            }
        }
        if let failure { throw failure }
        try t.runStep("optimizer_step", batchIdx: batchIdx) { try t.strategyPlugin.afterOptimizerStep(optimizer) }
        try t.callHook { try $0.onBeforeZeroGrad(t, module, optimizer: optimizer) }
        module.onBeforeZeroGrad(optimizer)
        optimizer.zeroGrad()
        t.fitProgress.globalStep += 1
        try stepSchedulers(.step)
        return skipped ? nil : loss
    }

    /// Steps the schedulers of an interval at their frequency; plateau schedulers read their metric.
    private func stepSchedulers(_ interval: SchedulerInterval) throws {
        let t = trainer
        let count = interval == .step ? t.globalStep : t.currentEpoch + 1
        for config in t.schedulerConfigs where config.interval == interval && count % config.frequency == 0 {
            if let plateau = config.scheduler as? ReduceLROnPlateau {
                guard let name = config.monitor, let value = t.callbackMetrics[name] else {
                    if !config.strict { continue }
                    throw TrainerError.misconfiguration(
                        "ReduceLROnPlateau conditioned on metric \(config.monitor ?? "<none>") which is not available. Available metrics are: \(t.callbackMetrics.keys.sorted()). Condition can be set using `monitor` in LRSchedulerConfig.")
                }
                plateau.step(value.item())
            } else {
                config.scheduler.step()
            }
        }
    }
}
