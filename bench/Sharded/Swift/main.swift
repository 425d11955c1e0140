// The sharded-training benchmark: one MLP (6.6M parameters, Adam) trained on two processes
// with DDP, ZeRO-1, ZeRO-2, FSDP, a 2-stage pipeline or tensor parallelism, or on four with
// tensor parallelism in pairs and data parallelism across them, replicated (2d) or fully
// sharded as one unit (2d-fsdp); each rank writes its throughput and memory to
// <out>/<strategy>-rank<N>.json.
// Usage: BenchSharded ddp|zero1|zero2|fsdp|pipeline|tp|2d|2d-fsdp STEPS OUT
import Foundation
import Lightning
import Torch

let arguments = CommandLine.arguments
let strategyName = arguments.count > 1 ? arguments[1] : "ddp"
let steps = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
let out = arguments.count > 3 ? arguments[3] : "."
let width = 1024, hidden = 6, globalBatch = 64, inputs = 256, classes = 10

/// VmRSS (now) or VmHWM (peak) of this process, in MiB.
func residentMB(_ field: String) -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
    return Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

func bytes(_ tensors: [Tensor]) -> Int { tensors.reduce(0) { $0 + $1.numel * $1.dtype.elementSize } }

final class MLP: LightningModule<(Tensor, Tensor)>, PipelineModule {
    let net = Sequential {
        Linear(inputs, width)
        ReLU()
        for _ in 0..<hidden {
            Linear(width, width)
            ReLU()
        }
        Linear(width, classes)
    }
    var times: [Double] = []
    var started = 0.0
    var startRSS = 0.0
    var gradientBytes = 0, parameterBytes = 0
    var lastLoss = 0.0

    override func forward(_ x: Tensor) -> Tensor { net(x) }

    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        F.crossEntropy(forward(batch.0), batch.1)
    }

    override func onTrainStart() { startRSS = residentMB("VmRSS:") }
    override func onTrainBatchStart(_ batch: (Tensor, Tensor), batchIdx: Int) -> Bool {
        started = Date().timeIntervalSinceReferenceDate
        return true
    }
    override func onTrainBatchEnd(_ outputs: Tensor?, batch: (Tensor, Tensor), batchIdx: Int) {
        times.append(Date().timeIntervalSinceReferenceDate - started)
        if let outputs { lastLoss = outputs.item() }
    }

    override func onBeforeOptimizerStep(_ optimizer: Optimizer) {
        var held: [ObjectIdentifier: Tensor] = [:]
        for p in parameters() + trainer!.strategyPlugin.parameters(of: optimizer) { held[ObjectIdentifier(p)] = p }
        gradientBytes = max(gradientBytes, bytes(held.values.compactMap(\.grad)))
        parameterBytes = bytes(Array(held.values))
    }

    /// Under tensor parallelism, Megatron's MLP pairs: a column-parallel Linear, its ReLU on the
    /// split features, then a row-parallel one.
    override func parallelize(_ mesh: DeviceMesh) throws {
        let linears = net.namedChildren().filter { $0.1 is Linear }.map { "net.\($0.0)" }
        var plan: [String: any ParallelStyle] = [:]
        for (i, path) in linears.enumerated() { plan[path] = i % 2 == 0 ? ColwiseParallel() : RowwiseParallel() }
        try parallelizeModule(self, group: mesh["tensor_parallel"], plan: plan)
    }

    override func configureOptimizers() -> OptimizerConfig { OptimizerConfig(Adam(parameters(), lr: 1e-4)) }

    var pipelineLayers: Sequential { net }
    func pipelineInputs(_ batch: (Tensor, Tensor)) -> (input: Tensor, target: Tensor) { batch }
    func pipelineLoss(_ output: Tensor, target: Tensor) -> Tensor { F.crossEntropy(output, target) }
}

do {
    seedEverything(0)
    TorchSettings.numThreads = 1
    let strategy: Strategy
    switch strategyName {
    case "zero1": strategy = .zero(stage: 1)
    case "zero2": strategy = .zero(stage: 2)
    case "fsdp": strategy = .fsdp(wrapPolicy: .modules([Linear.self]))
    case "pipeline": strategy = .pipeline(stages: 2, microBatches: 4)
    case "tp": strategy = .modelParallel(dataParallelSize: 1, tensorParallelSize: 2)
    case "2d": strategy = .modelParallel(dataParallelSize: 2, tensorParallelSize: 2)
    case "2d-fsdp": strategy = .modelParallel(dataParallelSize: 2, tensorParallelSize: 2, dataParallelism: .fullyShard(.whole))
    default: strategy = .ddp
    }
    let devices = strategyName.hasPrefix("2d") ? 4 : 2
    let perRank = ["pipeline", "tp"].contains(strategyName) ? globalBatch : globalBatch / 2
    let generator = Generator(seed: 1)
    let data = TensorDataset(Tensor.randn([steps * globalBatch, inputs], generator: generator),
                             Tensor.randint(0, classes, [steps * globalBatch], generator: generator))
    let loader = DataLoader(data, batchSize: perRank, collate: Collate { samples in
        (Tensor.stack(samples.map { $0[0] }), Tensor.stack(samples.map { $0[1] }))
    })
    let trainer = try Trainer(devices: .count(devices), strategy: strategy, maxEpochs: 1, maxSteps: steps, enableCheckpointing: false,
                              enableProgressBar: false, enableModelSummary: false, logger: [])
    let model = MLP()
    try trainer.fit(model, train: loader)
    let sorted = model.times.dropFirst(2).sorted()
    let state = trainer.optimizers.flatMap { $0.state.values.flatMap(\.values) }.compactMap(\.tensorValue).filter { $0.dim > 0 }
    let report: [String: Any] = [
        "framework": "swift-lightning-\(strategyName)", "rank": trainer.globalRank,
        "steps_per_s": sorted.isEmpty ? 0 : 1 / sorted[sorted.count / 2],
        "peak_rss_mb": residentMB("VmHWM:"), "training_rss_mb": residentMB("VmHWM:") - model.startRSS,
        "parameter_bytes": model.parameterBytes, "gradient_bytes": model.gradientBytes,
        "optimizer_state_bytes": bytes(state), "final_loss": model.lastLoss,
    ]
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try JSONSerialization.data(withJSONObject: report, options: .sortedKeys)
        .write(to: URL(fileURLWithPath: "\(out)/\(strategyName)-rank\(trainer.globalRank).json"))
} catch {
    FileHandle.standardError.write(Data("BenchSharded: \(error)\n".utf8))
    exit(1)
}
