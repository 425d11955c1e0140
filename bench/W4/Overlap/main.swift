// Does DDP's all-reduce overlap backward? Two processes of one thread train an MLP of six
// 1024-wide layers (6.3M parameters, 25 MB of gradients) with accumulateGradBatches: 2, so
// every other backward runs without synchronisation (no_sync) and the others all-reduce their
// buckets from the gradient hooks. Rank 0 prints the median backward time of both kinds and
// the time of one blocking all-reduce of the same gradients, as JSON.
import Foundation
import Lightning
import Torch

final class Wide: LightningModule<(Tensor, Tensor)> {
    let net = Sequential {
        Linear(1024, 1024); ReLU(); Linear(1024, 1024); ReLU(); Linear(1024, 1024); ReLU()
        Linear(1024, 1024); ReLU(); Linear(1024, 1024); ReLU(); Linear(1024, 1024); ReLU(); Linear(1024, 10)
    }
    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(net(batch.0), batch.1) }
    override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 1e-3)) }
}

/// Backward times, split by whether the step synchronised gradients.
final class BackwardClock: Callback {
    var started: UInt64 = 0
    var local: [Double] = [], synchronized: [Double] = []
    func onBeforeBackward(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor) throws {
        started = DispatchTime.now().uptimeNanoseconds
    }
    func onAfterBackward(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        if trainer.batchIdx < 4 { return }
        if (trainer.batchIdx + 1) % 2 == 0 { synchronized.append(ms) } else { local.append(ms) }
    }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let steps = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20
let bucketCapMB = CommandLine.arguments.count > 2 ? Double(CommandLine.arguments[2]) ?? 25 : 25
TorchSettings.numThreads = 1
seedEverything(0)
let x = Tensor.randn([64 * 2 * (steps * 2 + 4), 1024])
let y = Tensor.randint(0, 10, [x.size(0)])
let clock = BackwardClock()
let model = Wide()
let trainer = try Trainer(devices: 2, strategy: .ddp(bucketCapMB: bucketCapMB), maxSteps: steps, numSanityValSteps: 0,
                          accumulateGradBatches: 2, enableCheckpointing: false, enableProgressBar: false,
                          enableModelSummary: false, callbacks: [clock], logger: [])
try trainer.fit(model, train: DataLoader(TensorDataset(x, y), batchSize: 64))
let grads = model.parameters().map { Tensor.randn($0.shape) }
var allReduce: [Double] = []
for _ in 0..<10 {
    try trainer.strategyPlugin.barrier()
    let start = DispatchTime.now().uptimeNanoseconds
    try trainer.strategyPlugin.allReduce(grads, op: .sum)
    allReduce.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
if trainer.isGlobalZero {
    let (local, synced, comm) = (median(clock.local), median(clock.synchronized), median(allReduce))
    let hidden = (local + comm - synced) / comm
    print(String(format: "{\"bucket_cap_mb\": %.0f, \"backward_no_sync_ms\": %.2f, \"backward_ddp_ms\": %.2f, \"all_reduce_ms\": %.2f, \"overlapped_fraction\": %.2f}",
                 bucketCapMB, local, synced, comm, hidden))
}
