// Checkpoint costs (docs/benchmarks.md):
//   BenchCheckpoint files [repeats] [path]: saves and loads a state dict of about 1 GB (16 float32
//     tensors of 64 MB) with TorchFile, printing "save <ms>" and "load <ms>" per round;
//   BenchCheckpoint steps [rounds]: fits a 100M-parameter model (SGD with momentum: 800 MB
//     checkpoints) saving every 4th step, with the default and with AsyncCheckpointIO in turn,
//     printing each round's median step time without a save, of the steps that save, and of the
//     steps right after one.
import Foundation
import Lightning
import Torch

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

func files(repeats: Int, path: String) throws {
    let state = StateDict((0..<16).map { ("layer\($0).weight", Tensor.randn([4096, 4096])) })
    for _ in 0..<repeats {
        print("save", try milliseconds { try TorchFile.save(state, to: path) })
        print("load", try milliseconds { _ = try TorchFile.loadStateDict(path) })
    }
    try? FileManager.default.removeItem(atPath: path)
}

/// 16 Linear(2500, 2500) layers: 100M parameters.
final class Big: LightningModule<(Tensor, Tensor)> {
    let net = Sequential { for _ in 0..<16 { Linear(2500, 2500); ReLU() } }

    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        F.mseLoss(net(batch.0), batch.1)
    }

    override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 1e-4, momentum: 0.9)) }
}

/// Each step's wall time, from one batch's start to the next one's (saves included).
final class StepTimes: Callback {
    var starts: [UInt64] = []
    func onTrainBatchStart(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {
        starts.append(DispatchTime.now().uptimeNanoseconds)
    }
    var milliseconds: [Double] { zip(starts.dropFirst(), starts).map { Double($0 - $1) / 1e6 } }
}

func steps(rounds: Int) throws {
    let data = TensorDataset(Tensor.randn([16 * 32, 2500]), Tensor.randn([16 * 32, 2500]))
    for round in 0..<rounds {
        for async in [false, true] {
            let dir = NSTemporaryDirectory() + "bench-checkpoint-steps"
            try? FileManager.default.removeItem(atPath: dir)
            let times = StepTimes()
            let trainer = try Trainer(maxSteps: 16, enableProgressBar: false, enableModelSummary: false, defaultRootDir: dir,
                                      callbacks: [times, ModelCheckpoint(dirpath: dir, saveTopK: -1, everyNTrainSteps: 4)],
                                      logger: [], plugins: async ? [.checkpointIO(AsyncCheckpointIO())] : [])
            try trainer.fit(Big(), train: DataLoader(data, batchSize: 32, collate: .pair))
            // Step i (0-based) saves after it when (i + 1) % 4 == 0; the last step has no successor timed.
            let ms = times.milliseconds
            let saving = ms.indices.filter { ($0 + 1) % 4 == 0 }
            let after = saving.map { $0 + 1 }.filter { $0 < ms.count }
            let plain = ms.indices.filter { !saving.contains($0) && !after.contains($0) && $0 > 0 }
            print(String(format: "round %d %@: plain %.0f ms, saving %.0f ms, after a save %.0f ms", round,
                         async ? "async" : "sync ", median(plain.map { ms[$0] }), median(saving.map { ms[$0] }),
                         median(after.map { ms[$0] })))
            try? FileManager.default.removeItem(atPath: dir)
        }
    }
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "files" {
case "steps": try steps(rounds: arguments.count > 2 ? Int(arguments[2])! : 3)
default:
    try files(repeats: arguments.count > 2 ? Int(arguments[2])! : 3,
              path: arguments.count > 3 ? arguments[3] : NSTemporaryDirectory() + "bench-checkpoint.pt")
}
