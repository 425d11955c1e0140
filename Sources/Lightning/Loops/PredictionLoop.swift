import Torch

/// Runs `predictStep` over a loader without gradients and collects its outputs (`_PredictionLoop`).
struct PredictionLoop<Batch, Output> {
    unowned let trainer: Trainer
    let module: LightningModule<Batch>
    let loader: any BatchLoader<Batch>
    let limit: Int
    /// The module's prediction step.
    let step: (Batch, Int) -> Output?

    func run() throws -> [Output] {
        module.eval()
        trainer.runningStage = .predicting
        defer { trainer.runningStage = nil }
        try trainer.callHook { try $0.onPredictEpochStart(trainer, module) }
        module.onPredictEpochStart()
        var outputs: [Output] = []
        let receivers = trainer.callbacks.compactMap { $0 as? PredictionReceiver }
        let stream = loader.stream(epoch: 0, skip: 0)
        defer { stream.finish() }
        var batchIdx = 0
        while batchIdx < limit, let batch = try stream.next() {
            let output = try trainer.runStep("predict_step", batchIdx: batchIdx) {
                withInferenceMode {
                    let precision = trainer.precisionPlugin
                    return precision.forward { step(trainer.input(batch, for: module), batchIdx) }
                }
            }
            if let output {
                outputs.append(output)
                for receiver in receivers { try receiver.receive(trainer, module, prediction: output, batch: batch, batchIdx: batchIdx) }
            }
            try trainer.callHook { try $0.onPredictBatchEnd(trainer, module, output: output as? Tensor, batch: batch, batchIdx: batchIdx) }
            batchIdx += 1
        }
        for receiver in receivers { try receiver.predictionsEnded(trainer, module) }
        module.onPredictEpochEnd()
        try trainer.callHook { try $0.onPredictEpochEnd(trainer, module) }
        return outputs
    }
}
