// Does DDP's all-reduce overlap backward? Two processes of one thread train an MLP of six
// 1024-wide layers (6.3M parameters, 25 MB of gradients) with accumulateGradBatches: 2, so
// every other backward runs without synchronisation (no_sync) and the others all-reduce their
// buckets from the gradient hooks. Rank 0 prints the median backward time of both kinds and
// when each gradient bucket's all-reduce ran relative to backward (c10d's all-reduce hook,
// timed), as JSON.
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

/// Backward intervals and, for the synchronised ones, the bucket all-reduces inside them.
final class BackwardClock: Callback {
    var started: Int64 = 0
    var local: [Double] = []
    var steps: [(start: Int64, end: Int64, buckets: [GradientReducer.BucketEvent])] = []
    func onBeforeBackward(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor) throws {
        started = GradientReducer.clock
    }
    func onAfterBackward(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        let end = GradientReducer.clock
        let buckets = (trainer.strategyPlugin as! DDPStrategy).bucketTimeline()
        if trainer.batchIdx < 4 { return }
        if buckets.isEmpty { local.append(Double(end - started) / 1e6) } else { steps.append((started, end, buckets)) }
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
let trainer = try Trainer(devices: 2, strategy: .ddp(bucketCapMB: bucketCapMB, recordBucketTimeline: true), maxSteps: steps,
                          numSanityValSteps: 0, accumulateGradBatches: 2, enableCheckpointing: false, enableProgressBar: false,
                          enableModelSummary: false, callbacks: [clock], logger: [])
try trainer.fit(model, train: DataLoader(TensorDataset(x, y), batchSize: 64))
if trainer.isGlobalZero {
    // Compute alone takes about as long as a backward without synchronisation; communication
    // before that point ran while backward was still computing.
    let compute = median(clock.local) * 1e6
    var comm = 0.0, overlapped = 0.0
    for step in clock.steps {
        let computeEnd = Double(step.start) + compute
        for b in step.buckets {
            comm += Double(b.end - b.start)
            overlapped += max(0, min(Double(b.end), computeEnd) - Double(b.start))
        }
    }
    let sample = clock.steps[clock.steps.count / 2]
    let timeline = sample.buckets.map {
        String(format: "{\"bucket\": %d, \"start_ms\": %.2f, \"end_ms\": %.2f}", $0.bucket,
               Double($0.start - sample.start) / 1e6, Double($0.end - sample.start) / 1e6)
    }.joined(separator: ", ")
    let synced = median(clock.steps.map { Double($0.end - $0.start) / 1e6 })
    print(String(format: "{\"bucket_cap_mb\": %.0f, \"buckets\": %d, \"backward_no_sync_ms\": %.2f, \"backward_ddp_ms\": %.2f, \"comm_ms_per_step\": %.2f, \"overlapped_fraction\": %.2f, \"timeline\": [%@]}",
                 bucketCapMB, sample.buckets.count, compute / 1e6, synced, comm / Double(clock.steps.count) / 1e6,
                 overlapped / comm, timeline))
}
