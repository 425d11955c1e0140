// The cost of the progress bar per training step: the same Trainer run of a small MLP with no
// progress bar and with one drawing a terminal line (written to /dev/null) with its default
// throttle, and redrawn after every batch.
// Prints "<name> <microseconds per step>" as the median of several runs.
import Foundation
import Lightning
import Torch

final class MLP: LightningModule<(Tensor, Tensor)> {
    let net = Sequential { Linear(32, 64); ReLU(); Linear(64, 4) }
    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let loss = F.crossEntropy(net(batch.0), batch.1)
        log("loss", loss, progressBar: true)
        return loss
    }
    override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.01)) }
}

TorchSettings.numThreads = 1
let data = TensorDataset(Tensor.randn([4096, 32]), Tensor.randint(0, 4, [4096]))
let root = NSTemporaryDirectory() + "swift-lightning-bench-\(getpid())"
defer { try? FileManager.default.removeItem(atPath: root) }
let null = FileHandle(forWritingAtPath: "/dev/null")!

func microsecondsPerStep(progressBar: Bool, minInterval: Double = 0.1) throws -> Double {
    let callbacks: [Callback] = progressBar ? [ProgressBar(minInterval: minInterval, stream: null, isTerminal: true)] : []
    let trainer = try Trainer(maxEpochs: 3, enableCheckpointing: false, enableProgressBar: progressBar,
                              enableModelSummary: false, defaultRootDir: root, callbacks: callbacks, logger: [])
    let loader = DataLoader(data, batchSize: 32)
    let start = DispatchTime.now().uptimeNanoseconds
    try trainer.fit(MLP(), train: loader)
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(trainer.globalStep)
}

_ = try microsecondsPerStep(progressBar: true, minInterval: 0)
var off: [Double] = [], on: [Double] = [], every: [Double] = []
for _ in 0..<7 {
    off.append(try microsecondsPerStep(progressBar: false))
    on.append(try microsecondsPerStep(progressBar: true))
    every.append(try microsecondsPerStep(progressBar: true, minInterval: 0))
}
print(String(format: "step_without_bar %.1f", off.sorted()[3]))
print(String(format: "step_with_bar %.1f", on.sorted()[3]))
print(String(format: "step_with_bar_every_batch %.1f", every.sorted()[3]))
