import Foundation
import Lightning
import TestSupport
import Torch

/// A small classifier that records the hooks the Trainer calls.
final class TinyClassifier: LightningModule<(Tensor, Tensor)> {
    let net: Sequential
    var events: [String] = []
    var recordEvents = false
    var failAtBatch: Int?
    var schedulerInterval: SchedulerInterval = .epoch
    /// Steps a ReduceLROnPlateau on `val_loss` at epoch ends instead of the StepLR.
    var plateau = false
    var lr = 0.1

    init(dropout: Double = 0.2) {
        net = Sequential {
            Linear(4, 16)
            ReLU()
            Dropout(dropout)
            Linear(16, 3)
        }
        super.init()
    }

    override func forward(_ x: Tensor) -> Tensor { net(x) }

    private func note(_ event: String) { if recordEvents { events.append(event) } }

    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        note("trainingStep")
        let x = batchIdx == failAtBatch ? batch.0[TensorIndex.all, 0..<3] : batch.0
        let loss = F.crossEntropy(forward(x), batch.1)
        log("train_loss", loss, onEpoch: true, progressBar: true)
        return loss
    }

    override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        note("validationStep")
        let logits = forward(batch.0)
        log("val_loss", F.crossEntropy(logits, batch.1))
        log("val_acc", (logits.argmax(dim: 1) .== batch.1).float().mean(), progressBar: true)
    }

    override func testStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        log("test_loss", F.crossEntropy(forward(batch.0), batch.1))
    }

    override func predictStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { forward(batch.0).argmax(dim: 1) }

    override func configureOptimizers() -> OptimizerConfig {
        let optimizer = SGD(parameters(), lr: lr, momentum: 0.9)
        if plateau { return OptimizerConfig(optimizer, scheduler: ReduceLROnPlateau(optimizer, factor: 0.5, patience: 0), monitor: "val_loss") }
        return OptimizerConfig(optimizer, scheduler: StepLR(optimizer, stepSize: 1, gamma: 0.9), interval: schedulerInterval)
    }

    override func onFitStart() { note("onFitStart") }
    override func onFitEnd() { note("onFitEnd") }
    override func onTrainStart() { note("onTrainStart") }
    override func onTrainEnd() { note("onTrainEnd") }
    override func onTrainEpochStart() { note("onTrainEpochStart") }
    override func onTrainEpochEnd() { note("onTrainEpochEnd") }
    override func onValidationEpochStart() { note("onValidationEpochStart") }
    override func onValidationEpochEnd() { note("onValidationEpochEnd") }
    override func onTrainBatchStart(_ batch: (Tensor, Tensor), batchIdx: Int) -> Bool {
        note("onTrainBatchStart")
        return true
    }
    override func onTrainBatchEnd(_ loss: Tensor?, batch: (Tensor, Tensor), batchIdx: Int) { note("onTrainBatchEnd") }
    override func onBeforeBackward(_ loss: Tensor) { note("onBeforeBackward") }
    override func onAfterBackward() { note("onAfterBackward") }
    override func onBeforeOptimizerStep(_ optimizer: Optimizer) { note("onBeforeOptimizerStep") }
    override func onBeforeZeroGrad(_ optimizer: Optimizer) { note("onBeforeZeroGrad") }
    override func setup(stage: Stage) { note("setup") }
    override func teardown(stage: Stage) { note("teardown") }
}

/// 64 points of 4 features, labelled by a fixed linear rule (so a model can learn them).
func classificationData(count: Int = 64, seed: UInt64 = 3) -> TensorDataset {
    let g = Generator(seed: seed)
    let x = Tensor.randn([count, 4], generator: g)
    let y = x.matmul(Tensor([[1, -1, 0], [0.5, 1, -1], [-1, 0, 1], [0, 0.5, 0.5]] as [[Float]])).argmax(dim: 1)
    return TensorDataset(x, y)
}

/// Records which callback hooks ran, and can act at a batch.
final class Recorder: Callback {
    var events: [String] = []
    var validationRuns = 0
    var sanityBatches = 0
    var trainBatches = 0
    var gradNorms: [Double] = []
    var gradMaxAbs: [Double] = []
    var stopAtBatch: Int?
    var interruptAtBatch: Int?
    var exceptions: [String] = []
    var teardowns = 0

    func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        trainBatches += 1
        if batchIdx == stopAtBatch { trainer.shouldStop = true }
        if trainBatches - 1 == interruptAtBatch { raise(SIGINT) }
    }
    func onValidationBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {
        if trainer.sanityChecking { sanityBatches += 1 }
    }
    func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if !trainer.sanityChecking { validationRuns += 1 }
    }
    func onBeforeZeroGrad(_ trainer: Trainer, _ module: LightningModuleBase, optimizer: Optimizer) throws {
        let grads = module.parameters().compactMap(\.grad)
        gradNorms.append(Tensor.stack(grads.map { $0.norm() }).norm().item())
        gradMaxAbs.append(grads.map { $0.abs().max().item() }.max() ?? 0)
    }
    func onException(_ trainer: Trainer, _ module: LightningModuleBase, error: Error) { exceptions.append("\(error)") }
    func teardown(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws { teardowns += 1 }
}

/// A trainer writing under a fresh folder, quiet unless a test reads its output.
func makeTrainer(_ dir: String, output: OutputCapture? = nil, _ configure: (String) throws -> Trainer) rethrows -> Trainer {
    let trainer = try configure(dir)
    trainer.printer = { output?.lines.append($0) }
    return trainer
}

/// Collects what a Trainer prints.
final class OutputCapture {
    var lines: [String] = []
    var text: String { lines.joined(separator: "\n") }
}
