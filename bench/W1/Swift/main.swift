// Workload W1 with swift-lightning's Trainer: an MLP 64-128-128-10 on 8x8 digit-like images,
// batch 64, Adam; logging, checkpoints, progress bar and summary off. Prints one JSON record.
// With a second argument of 2, the same in DDP over two processes of one thread (W4): rank 0
// prints the job's samples per second.
import Foundation
import Lightning
import Torch

/// Seconds since this process started (from /proc, so library loading before main counts).
func processAge() -> Double {
    let stat = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
    let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
    let start = fields.count > 19 ? Double(fields[19]) ?? 0 : 0
    let uptime = Double(((try? String(contentsOfFile: "/proc/uptime", encoding: .utf8)) ?? "0").split(separator: " ")[0]) ?? 0
    return uptime - start / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Peak resident memory in MiB.
func peakRSS() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

final class MLP: LightningModule<(Tensor, Tensor)> {
    let net = Sequential { Linear(64, 128); ReLU(); Linear(128, 128); ReLU(); Linear(128, 10) }
    var lastLoss: Tensor?
    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let loss = F.crossEntropy(net(batch.0), batch.1)
        lastLoss = loss
        return loss
    }
    override func configureOptimizers() -> OptimizerConfig { .init(Adam(parameters(), lr: 1e-3)) }
}

/// Times the steps: the first one from process start, then steady state after a warm-up.
final class Clock: Callback {
    let warmup: Int
    var firstStep: Double?
    var start: UInt64 = 0, end: UInt64 = 0
    init(warmup: Int) { self.warmup = warmup }
    func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        if firstStep == nil { firstStep = processAge() }
        if trainer.globalStep == warmup { start = DispatchTime.now().uptimeNanoseconds }
        end = DispatchTime.now().uptimeNanoseconds
    }
}

let steps = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1000
let devices = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 1 : 1
let warmup = 50
TorchSettings.numThreads = 1
seedEverything(0)
let g = Generator(seed: 1)
let x = Tensor.rand([4096, 64], generator: g)
let y = x.matmul(Tensor.randn([64, 10], generator: g)).argmax(dim: 1)
let loader = DataLoader(TensorDataset(x, y), batchSize: 64, shuffle: true, seed: 2)
let clock = Clock(warmup: warmup)
let model = MLP()
let trainer = try Trainer(devices: .count(devices), maxSteps: steps, numSanityValSteps: 0, enableCheckpointing: false, enableProgressBar: false,
                          enableModelSummary: false, defaultRootDir: NSTemporaryDirectory(), callbacks: [clock], logger: [])
try trainer.fit(model, train: loader)
let rate = Double(steps - warmup) / (Double(clock.end - clock.start) / 1e9)
if trainer.isGlobalZero {
    print(String(format: "{\"workload\": \"%@\", \"framework\": \"swift-lightning\", \"processes\": %d, \"steps_per_s\": %.2f, \"samples_per_s\": %.1f, \"first_step_s\": %.3f, \"peak_rss_mb\": %.1f, \"final_loss\": %.5f}",
                 devices > 1 ? "W4" : "W1", devices, rate, rate * 64 * Double(devices), clock.firstStep ?? 0, peakRSS(), model.lastLoss?.item() ?? .nan))
}
