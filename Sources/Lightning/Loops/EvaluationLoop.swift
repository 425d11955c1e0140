import Torch

/// Runs validation or test batches without gradients, in eval mode, and publishes the
/// epoch means of what the steps logged (`_EvaluationLoop`).
struct EvaluationLoop<Batch> {
    unowned let trainer: Trainer
    let module: LightningModule<Batch>
    let loader: any BatchLoader<Batch>
    let stage: RunningStage
    /// The number of batches to run.
    let limit: Int

    func run() throws {
        let wasTraining = module.isTraining
        module.eval()
        defer { module.train(wasTraining) }
        let previous = trainer.runningStage
        trainer.runningStage = stage
        defer { trainer.runningStage = previous }
        let testing = stage == .testing
        if testing {
            try trainer.callHook { try $0.onTestEpochStart(trainer, module) }
            module.onTestEpochStart()
        } else {
            try trainer.callHook { try $0.onValidationStart(trainer, module) }
            module.onValidationStart()
            try trainer.callHook { try $0.onValidationEpochStart(trainer, module) }
            module.onValidationEpochStart()
        }
        let stream = loader.stream(epoch: 0, skip: 0)
        defer { stream.finish() }
        var batchIdx = 0
        while batchIdx < limit, let batch = try stream.next() {
            trainer.currentBatch = batch
            try trainer.profile(testing ? "test_step" : "validation_step") {
                try trainer.runStep(testing ? "test_step" : "validation_step", batchIdx: batchIdx) {
                    withNoGrad {
                        let precision = trainer.precisionPlugin, batch = trainer.input(batch, for: module)
                        precision.forward { testing ? module.testStep(batch, batchIdx: batchIdx) : module.validationStep(batch, batchIdx: batchIdx) }
                    }
                }
            }
            if testing {
                try trainer.callHook { try $0.onTestBatchEnd(trainer, module, batch: batch, batchIdx: batchIdx) }
            } else {
                try trainer.callHook { try $0.onValidationBatchEnd(trainer, module, batch: batch, batchIdx: batchIdx) }
            }
            batchIdx += 1
        }
        if testing {
            module.onTestEpochEnd()
            try trainer.callHook { try $0.onTestEpochEnd(trainer, module) }
            try trainer.publishEpochMetrics(trainer.evaluationMetrics)
        } else {
            module.onValidationEpochEnd()
            try trainer.callHook { try $0.onValidationEpochEnd(trainer, module) }
            try trainer.publishEpochMetrics(trainer.evaluationMetrics)
            module.onValidationEnd()
            try trainer.callHook { try $0.onValidationEnd(trainer, module) }
        }
    }
}
