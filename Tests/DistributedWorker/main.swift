// A training program the distributed tests start as real processes: `--key value` options
// choose the job's shape; it writes each rank's weights, seen samples and metrics to --out.
import ExampleSupport
import Foundation
import Lightning
import Metrics
import Torch

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let key = arguments.popFirst(), key.hasPrefix("--"), let value = arguments.popFirst() { options[String(key.dropFirst(2))] = value }
@MainActor func option(_ name: String, _ fallback: Int) -> Int { options[name].flatMap(Int.init) ?? fallback }
let out = options["out"] ?? FileManager.default.currentDirectoryPath
let devices = option("devices", 2), numNodes = option("num-nodes", 1)
let batchSize = option("batch", 8), epochs = option("epochs", 2), maxSteps = option("max-steps", -1)
let failRank = option("fail-rank", -1), failStep = option("fail-step", -1), sleepMs = option("sleep-ms", 0)
/// `--crash-rank R --crash-step S`: rank R kills itself (SIGKILL) once at step S, leaving `crashed` in --out.
let crashRank = option("crash-rank", -1), crashStep = option("crash-step", -1)
let hiddenLayers = option("hidden-layers", 0), width = option("width", 16)
let activationCheckpointing = options["activation-checkpointing"] != nil
/// With `--branch`, odd batches go through one more layer: the set of unused parameters changes every step.
let branch = options["branch"] != nil
/// With `--batchnorm`, a BatchNorm1d follows the first layer (`--sync-batchnorm`: synchronised by the Trainer).
let batchnorm = options["batchnorm"] != nil

/// The metrics of the `--metric-shards` run, children of a module so that the strategy gives
/// them its process group.
final class MetricHolder: Module {
    let accuracy = Accuracy(task: .multiclass, numClasses: 4, average: .macro)
    let auroc = AUROC(task: .multiclass, numClasses: 4)
    let mse = MeanSquaredError()
    let spearman = SpearmanCorrCoef()
    let mean = MeanMetric()
    let scale = Linear(1, 1)
}

/// What every rank reports besides its weights.
protocol Reporting: LightningModule<(Tensor, Tensor, Tensor)> {
    var seen: [Int] { get }
    var gradientBytes: Int { get }
    var parameterBytes: Int { get }
}

/// Samples (x, y, id): the id tells which samples each rank saw.
final class Worker: LightningModule<(Tensor, Tensor, Tensor)> {
    let net = Sequential {
        Linear(8, width)
        if batchnorm { BatchNorm1d(width) }
        Tanh()
        for _ in 0..<hiddenLayers {
            Linear(width, width)
            Tanh()
        }
        Linear(width, 4)
    }
    let branchHead = Sequential { if branch { Linear(4, 4) } }
    var seen: [Int] = []
    /// The most gradient memory this rank held at an optimizer step.
    var gradientBytes = 0
    /// The parameter memory this rank held at the last optimizer step (module parameters and shards).
    var parameterBytes = 0
    let sleepMs: Int, failRank: Int, failStep: Int

    init(sleepMs: Int, failRank: Int, failStep: Int) {
        (self.sleepMs, self.failRank, self.failStep) = (sleepMs, failRank, failStep)
        super.init()
    }

    /// With `--activation-checkpointing`, each Linear's activations are recomputed in backward.
    override func forward(_ x: Tensor) -> Tensor {
        guard activationCheckpointing else { return net(x) }
        return net.layers.reduce(x) { y, layer in layer is Linear ? checkpoint(y) { layer($0) } : layer(y) }
    }

    override func trainingStep(_ batch: (Tensor, Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let trainer = self.trainer!
        if sleepMs > 0 {
            if batchIdx == 0 { FileManager.default.createFile(atPath: "\(out)/training-rank\(trainer.globalRank)", contents: nil) }
            usleep(UInt32(sleepMs * 1000))
        }
        if trainer.globalRank == crashRank, trainer.globalStep == crashStep, !FileManager.default.fileExists(atPath: "\(out)/crashed") {
            FileManager.default.createFile(atPath: "\(out)/crashed", contents: nil)
            kill(getpid(), SIGKILL)
        }
        seen += batch.2.scalars(as: Int64.self).map(Int.init)
        let x = trainer.globalRank == failRank && trainer.globalStep == failStep ? batch.0[TensorIndex.all, 0..<3] : batch.0
        let output = branch && batchIdx % 2 == 1 ? branchHead(forward(x)) : forward(x)
        let loss = F.crossEntropy(output, batch.1)
        log("train_loss", loss)
        log("rank_value", Tensor(Double(trainer.globalRank)), onStep: true, onEpoch: true, syncDist: true)
        return loss
    }

    override func validationStep(_ batch: (Tensor, Tensor, Tensor), batchIdx: Int) {
        log("val_loss", F.crossEntropy(forward(batch.0), batch.1), syncDist: true)
    }

    override func onBeforeOptimizerStep(_ optimizer: Optimizer) {
        var held: [ObjectIdentifier: Tensor] = [:]
        for p in parameters() + trainer!.strategyPlugin.parameters(of: optimizer) { held[ObjectIdentifier(p)] = p }
        let bytes = held.values.compactMap(\.grad).reduce(0) { $0 + $1.numel * $1.dtype.elementSize }
        gradientBytes = max(gradientBytes, bytes)
        parameterBytes = held.values.reduce(0) { $0 + $1.numel * $1.dtype.elementSize }
    }

    override func configureOptimizers() -> OptimizerConfig { OptimizerConfig(SGD(parameters(), lr: 0.1, momentum: 0.9)) }

    /// Leaves a mark: which ranks prepared data.
    override func prepareData() {
        FileManager.default.createFile(atPath: "\(out)/prepared-rank\(trainer!.globalRank)", contents: nil)
    }
}

extension Worker: Reporting {}

/// A GAN stepped by hand (`--model gan`): two optimizers and two backward passes a step. The
/// first two columns of x are the real points and the other six the generator's noise, so any
/// number of processes sees the same noise for the same sample.
final class GANWorker: LightningModule<(Tensor, Tensor, Tensor)>, Reporting {
    let generator = Sequential { Linear(6, 16); ReLU(); Linear(16, 2) }
    let discriminator = Sequential { Linear(2, 16); LeakyReLU(negativeSlope: 0.2); Linear(16, 1) }
    var seen: [Int] = []
    var gradientBytes: Int { 0 }
    var parameterBytes: Int { 0 }

    override var automaticOptimization: Bool { false }

    override func trainingStep(_ batch: (Tensor, Tensor, Tensor), batchIdx: Int) -> Tensor? {
        seen += batch.2.scalars(as: Int64.self).map(Int.init)
        let (optG, optD) = (optimizers()[0], optimizers()[1])
        let real = batch.0[TensorIndex.all, 0..<2], fake = generator(batch.0[TensorIndex.all, 2..<8])
        let n = real.size(0)
        let dLoss = F.binaryCrossEntropyWithLogits(discriminator(real), Tensor.ones([n, 1]))
            + F.binaryCrossEntropyWithLogits(discriminator(fake.detach()), Tensor.zeros([n, 1]))
        optD.zeroGrad()
        manualBackward(dLoss)
        optD.step()
        let gLoss = F.binaryCrossEntropyWithLogits(discriminator(fake), Tensor.ones([n, 1]))
        optG.zeroGrad()
        manualBackward(gLoss)
        optG.step()
        log("d_loss", dLoss)
        log("g_loss", gLoss)
        return nil
    }

    override func configureOptimizers() -> OptimizerConfig {
        .init(optimizers: [Adam(generator.parameters(), lr: 0.01), Adam(discriminator.parameters(), lr: 0.01)])
    }
}

extension Worker: PipelineModule {
    var pipelineLayers: Sequential { net }
    func pipelineInputs(_ batch: (Tensor, Tensor, Tensor)) -> (input: Tensor, target: Tensor) {
        seen += batch.2.scalars(as: Int64.self).map(Int.init)
        return (batch.0, batch.1)
    }
    func pipelineLoss(_ output: Tensor, target: Tensor) -> Tensor { F.crossEntropy(output, target) }
}

/// Limits the memory this process may add once training starts (`--memory-budget-mb`):
/// RLIMIT_DATA is set to the data segment's size at that point plus the budget, so an
/// allocation beyond it fails (as a Torch error that ends the run).
final class MemoryBudget: Callback {
    let stateKey = "MemoryBudget"
    let megabytes: Int
    init(megabytes: Int) { self.megabytes = megabytes }

    func onTrainStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmData:") }),
              let kilobytes = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]) else { return }
        var limit = rlimit(rlim_cur: rlim_t((kilobytes + megabytes * 1024) * 1024), rlim_max: rlim_t.max)
        setrlimit(Int32(RLIMIT_DATA.rawValue), &limit)
    }

    /// The budget covers training only (saving the whole weights afterwards needs more).
    func onTrainEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        var limit = rlimit(rlim_cur: rlim_t.max, rlim_max: rlim_t.max)
        setrlimit(Int32(RLIMIT_DATA.rawValue), &limit)
    }
}

/// Every step's loss, as the training loop returned it.
final class LossRecorder: Callback {
    let stateKey = "LossRecorder"
    var losses: [Double] = []
    func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        if let loss { losses.append(loss.item()) }
    }
}

do {
    seedEverything(0)
    TorchSettings.numThreads = 1
    let generator = Generator(seed: 1)
    let x = Tensor.randn([64, 8], generator: generator)
    let y = Tensor.randint(0, 4, [64], generator: generator)
    let data = TensorDataset(x, y, Tensor.arange(64))
    // `--metric-shards`: no training; each rank updates metrics with its own, uneven share of 40
    // scored samples (rank 0 the first 23, rank 1 the other 17) in batches of 5, and reports
    // what `compute()` gives over both ranks.
    if options["metric-shards"] != nil {
        let fabric = try Fabric(devices: .count(devices), strategy: .ddp(timeout: 60))
        try fabric.launch()
        let metrics = MetricHolder()
        _ = try fabric.setupModule(metrics)
        let g = Generator(seed: 3)
        let (scores, labels) = (Tensor.randn([40, 4], generator: g), Tensor.randint(0, 4, [40], generator: g))
        let values = Tensor.randn([40], generator: g)
        let targets = (values + Tensor.randn([40], generator: g) * 0.5).round()
        let share = fabric.globalRank == 0 ? 0..<23 : 23..<40
        for start in stride(from: share.lowerBound, to: share.upperBound, by: 5) {
            let batch = start..<min(start + 5, share.upperBound)
            metrics.accuracy.update(scores[batch], labels[batch])
            metrics.auroc.update(scores[batch], labels[batch])
            metrics.mse.update(values[batch], targets[batch])
            metrics.spearman.update(values[batch], targets[batch])
            _ = metrics.mean(values[batch])
        }
        let report: [String: Any] = [
            "accuracy": metrics.accuracy.compute().item(), "auroc": metrics.auroc.compute().item(),
            "mse": metrics.mse.compute().item(), "spearman": metrics.spearman.compute().item(),
            "mean": metrics.mean.compute().item(),
            "updates": metrics.accuracy.updates,
        ]
        try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: "\(out)/report-rank\(fabric.globalRank).json"))
        exit(0)
    }
    let collateMs = UInt32(option("collate-ms", 0))
    let train = DataLoader(data, batchSize: batchSize, shuffle: options["shuffle"] != "false", numWorkers: option("workers", 0), seed: 7,
                           collate: Collate { samples in
        usleep(collateMs * 1000)
        return (Tensor.stack(samples.map { $0[0] }), Tensor.stack(samples.map { $0[1] }), Tensor.stack(samples.map { $0[2] }))
    })
    let val = DataLoader(TensorDataset(x[0..<30], y[0..<30], Tensor.arange(30)), batchSize: 8, collate: Collate { samples in (Tensor.stack(samples.map { $0[0] }), Tensor.stack(samples.map { $0[1] }), Tensor.stack(samples.map { $0[2] })) })
    let recorder = LossRecorder()
    var callbacks: [Callback] = [recorder]
    if options["memory-budget-mb"] != nil { callbacks.append(MemoryBudget(megabytes: option("memory-budget-mb", 0))) }
    if options["save-every"] != nil { callbacks.append(ModelCheckpoint(dirpath: out + "/checkpoints", saveTopK: -1, everyNTrainSteps: option("save-every", 1))) }
    let strategy: Strategy
    switch options["strategy"] {
    case "zero1": strategy = .zero(stage: 1, options: .init(timeout: 60))
    case "zero2": strategy = .zero(stage: 2, options: .init(timeout: 60))
    case "fsdp": strategy = .fsdp(wrapPolicy: .minParameters(50), timeout: 60)
    case "fsdp-sharded": strategy = .fsdp(wrapPolicy: .minParameters(50), stateDictType: .sharded, timeout: 60)
    case "gpipe": strategy = .pipeline(stages: 2, microBatches: option("micro-batches", 4), schedule: .gpipe, timeout: 60)
    case "1f1b": strategy = .pipeline(stages: 2, microBatches: option("micro-batches", 4), schedule: .oneFOneB, timeout: 60)
    case "ddp-find-unused": strategy = .ddp(findUnusedParameters: true, timeout: 60)
    default: strategy = devices * numNodes > 1 ? .ddp(timeout: 60) : .auto
    }
    let precision = options["precision"].flatMap { Precision(lightning: $0) } ?? .true32
    // `--tp-mlp 1`: on Fabric with `.modelParallel` over every process, an Embedding split
    // column-wise with its output gathered, a replicated Linear, a Linear split column-wise with
    // its output gathered and one split row-wise that takes its slice of a whole input; the
    // optimizer made after the split; three SGD steps on one batch; writes each rank's weights
    // and shards, its first output and its losses.
    if options["tp-mlp"] != nil {
        final class SplitMLP: Module, ModelParallelizable {
            let embedding = Embedding(10, 8), pre = Linear(8, 8), column = Linear(8, 16), row = Linear(16, 4)
            override func forward(_ ids: Tensor) -> Tensor { row(column(pre(embedding(ids)).tanh()).tanh()) }
            func parallelize(_ mesh: DeviceMesh) throws {
                try parallelizeModule(self, group: mesh["tensor_parallel"], plan: [
                    "embedding": ColwiseParallel(outputLayout: .replicate), "column": ColwiseParallel(outputLayout: .replicate),
                    "row": RowwiseParallel(inputLayout: .replicate),
                ])
            }
        }
        let fabric = try Fabric(devices: .count(devices), strategy: .modelParallel(timeout: 60))
        try fabric.launch()
        _ = seedEverything(11)
        let model = SplitMLP()
        let (ids, y) = (Tensor.randint(0, 10, [5]), Tensor.randint(0, 4, [5]))
        let (module, _) = try fabric.setup(model, [])
        let optimizer = try fabric.setupOptimizers([SGD(model.parameters(), lr: 0.1)])[0]
        var losses: [Double] = [], first: Tensor?
        for _ in 0..<3 {
            let out = try module(ids)
            if first == nil { first = out.detach() }
            let loss = F.crossEntropy(out, y)
            losses.append(loss.item())
            try fabric.backward(loss)
            try optimizer.step()
            optimizer.zeroGrad()
        }
        let rank = fabric.globalRank
        let split = [model.embedding.weight, model.column.weight, model.column.bias!, model.row.weight]
        try Safetensors.save(["embedding.weight": model.embedding.weight, "pre.weight": model.pre.weight, "column.weight": model.column.weight,
                              "column.bias": model.column.bias!, "row.weight": model.row.weight, "row.bias": model.row.bias!, "first_output": first!],
                             to: "\(out)/tp-rank\(rank).safetensors")
        try JSONSerialization.data(withJSONObject: ["losses": losses, "parameter_bytes": split.reduce(0) { $0 + $1.numel * $1.dtype.elementSize }])
            .write(to: URL(fileURLWithPath: "\(out)/report-rank\(rank).json"))
        exit(0)
    }
    // `--tp-gpt 1`: the example CharGPT (2 layers, 4 heads, width 32) trained by the Trainer for
    // `--max-steps` on a fixed text, `--batch` windows per step in all, shuffled from one seed, on one process
    // (`--devices 1`) or under `.modelParallel(dataParallelSize: --dp, tensorParallelSize: --tp)`
    // (`--sequence-parallel` for sequence parallelism too, `--fully-shard` for FSDP across the
    // data-parallel dimension, `--clip 0` for no clipping, `--distributed-checkpoint` for each
    // rank's own parts, `--resume PATH` to continue one);
    // writes `final.ckpt`, the logits of the first window, and each rank's bytes of the first
    // block's split parameters and their optimizer state.
    if options["tp-gpt"] != nil {
        var config = CharGPT.Config()
        (config.nLayer, config.nHead, config.nEmbd, config.blockSize, config.lr) = (2, 4, 32, 16, 1e-2)
        config.sequenceParallel = options["sequence-parallel"] != nil
        _ = seedEverything(7)
        let model = CharGPT(config: config)
        let text = String(repeating: "Lightning trains models; swift-lightning trains them in Swift on libtorch. ", count: 8)
        let data = TextDataset(text: text, blockSize: config.blockSize, tokens: .bytes)
        let dp = option("dp", 1), tp = option("tp", devices)
        let loader = DataLoader(data, batchSize: batchSize / dp, shuffle: true, seed: 5, collate: .pair)
        let strategy: Strategy = devices == 1 ? .singleDevice
            : .modelParallel(dataParallelSize: dp, tensorParallelSize: tp,
                             dataParallelism: options["fully-shard"] != nil ? .fullyShard(.modules([TransformerEncoderLayer.self])) : .replicate,
                             saveDistributedCheckpoint: options["distributed-checkpoint"] != nil, timeout: 60)
        let trainer = try Trainer(devices: .count(devices), strategy: strategy, precision: precision, maxEpochs: -1, maxSteps: maxSteps,
                                  gradientClipVal: options["clip"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }, enableCheckpointing: false,
                                  enableProgressBar: false, enableModelSummary: false, defaultRootDir: out, logger: [])
        try trainer.fit(model, train: loader, ckptPath: options["resume"].map { .path($0) })
        try trainer.saveCheckpoint(to: "\(out)/final.ckpt")
        let rank = trainer.globalRank
        let logits = withNoGrad { model.eval().forward(data[0].0.unsqueeze(0)) }
        try Safetensors.save(["logits": logits, "ids": data[0].0.unsqueeze(0)], to: "\(out)/logits-rank\(rank).safetensors")
        let block = model.getSubmodule("blocks.layers.0") as! TransformerEncoderLayer
        let split = [block.selfAttn.inProjWeight, block.selfAttn.inProjBias!, block.selfAttn.outProj.weight,
                     block.linear1.weight, block.linear1.bias!, block.linear2.weight]
        let optimizer = trainer.optimizers[0]
        func bytes(_ tensors: [Tensor]) -> Int { tensors.reduce(0) { $0 + $1.numel * $1.dtype.elementSize } }
        let states: [Tensor] = split.flatMap { p -> [Tensor] in
            (optimizer.state[ObjectIdentifier(p)].map { Array($0.values) } ?? []).compactMap(\.tensorValue).filter { $0.dim > 0 }
        }
        let stateBytes = bytes(states)
        let stepped = optimizer.paramGroups.flatMap(\.params)
        let allStates = optimizer.state.values.flatMap { $0.values.compactMap(\.tensorValue) }.filter { $0.dim > 0 }
        let report: [String: Any] = ["parameter_bytes": bytes(split), "stepped_bytes": bytes(stepped), "all_state_bytes": bytes(allStates),
                                     "optimizer_state_bytes": stateBytes, "global_step": trainer.globalStep,
                                     "data_parallel_rank": trainer.strategyPlugin.dataParallelRank]
        try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: "\(out)/report-rank\(rank).json"))
        exit(0)
    }
    // `--fabric true`: the Worker's training as a loop of one's own on Fabric, with the
    // Trainer's strategies; its weights, samples seen and a `Fabric.save` file are written.
    if options["fabric"] != nil {
        let fabric = try Fabric(devices: .count(devices), strategy: strategy, numNodes: numNodes, precision: precision)
        try fabric.launch()
        let model = Worker(sleepMs: 0, failRank: -1, failStep: -1)
        let (module, optimizer) = try fabric.setup(model, SGD(model.parameters(), lr: 0.1, momentum: 0.9))
        let loader = try fabric.setupDataloader(train)
        var step = 0
        for epoch in 0..<epochs {
            let stream = loader.stream(epoch: epoch, skip: 0)
            defer { stream.finish() }
            while let (x, y, ids) = try stream.next() {
                model.seen += ids.scalars(as: Int64.self).map(Int.init)
                let loss = F.crossEntropy(try module(x), y)
                try fabric.backward(loss)
                try optimizer.step()
                optimizer.zeroGrad()
                step += 1
            }
        }
        try fabric.save("\(out)/fabric.ckpt", ["model": .module(model), "optimizer": .optimizer(optimizer), "step": .value(.int(step))])
        let restored = Worker(sleepMs: 0, failRank: -1, failStep: -1)
        let rest = try fabric.load("\(out)/fabric.ckpt", into: ["model": .module(restored)])
        let rank = fabric.globalRank
        try Safetensors.save(module.stateDict(), to: "\(out)/weights-rank\(rank).safetensors")
        try Safetensors.save(restored.stateDict(), to: "\(out)/restored-rank\(rank).safetensors")
        let report: [String: Any] = ["seen": model.seen, "global_step": step, "world_size": fabric.worldSize,
                                     "saved_step": rest["step"]?.intValue ?? -1,
                                     "mean_of_ranks": try fabric.allReduce(Tensor(Double(rank))).item() as Double]
        try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: "\(out)/report-rank\(rank).json"))
        exit(0)
    }
    // `--environment custom`: started by the test itself, which tells each process its rank in
    // variables of its own, as a scheduler Lightning has no environment for would.
    var plugins: [TrainerPlugin] = []
    if options["environment"] == "custom" {
        let env = ProcessInfo.processInfo.environment
        let rank = Int(env["WORKER_RANK"] ?? "") ?? -1, world = Int(env["WORKER_WORLD_SIZE"] ?? "") ?? 0
        plugins.append(.clusterEnvironment(try ClusterEnvironment(globalRank: rank, localRank: rank, nodeRank: 0, worldSize: world,
                                                                  localWorldSize: world, mainAddress: "127.0.0.1",
                                                                  mainPort: Int(env["WORKER_PORT"] ?? "") ?? 0)))
    }
    if options["async-checkpoints"] != nil { plugins.append(.checkpointIO(AsyncCheckpointIO())) }
    let finder = options["lr-find"].map { _ in LearningRateFinder(minLr: 1e-4, maxLr: 1, numTraining: option("lr-find", 8), earlyStopThreshold: nil) }
    if let finder { callbacks.append(finder) }
    let trainer = try Trainer(devices: .count(devices), strategy: strategy, numNodes: numNodes, precision: precision,
                              maxEpochs: epochs, maxSteps: maxSteps, numSanityValSteps: 0,
                              accumulateGradBatches: option("accumulate", 1), gradientClipVal: options["clip"].flatMap(Double.init),
                              enableCheckpointing: options["save-every"] != nil,
                              enableProgressBar: false, enableModelSummary: false, defaultRootDir: out, callbacks: callbacks,
                              logger: [], syncBatchnorm: options["sync-batchnorm"] != nil, plugins: plugins)
    let rank = trainer.globalRank
    try "\(getpid())".write(toFile: "\(out)/pid-rank\(rank)", atomically: true, encoding: .utf8)
    let model: any Reporting = options["model"] == "gan" ? GANWorker() : Worker(sleepMs: sleepMs, failRank: failRank, failStep: failStep)
    try trainer.fit(model, train: train, val: options["validate"] != nil ? val : nil,
                    ckptPath: options["ckpt"].map { $0 == "auto" ? .auto : .path($0) })
    try Safetensors.save(model.stateDict(), to: "\(out)/weights-rank\(rank).safetensors")
    // `--second-timeout S`: a second Trainer in the same process, with a timeout of its own.
    var timeouts = [(trainer.strategyPlugin as? any ParallelStrategy)?.context.group?.timeout ?? 0]
    if let seconds = options["second-timeout"].flatMap(Double.init) {
        let second = try Trainer(devices: .count(devices), strategy: .ddp(timeout: seconds), numNodes: numNodes,
                                 enableCheckpointing: false, enableProgressBar: false, enableModelSummary: false, logger: [])
        try second.validate(model, val)
        timeouts.append((second.strategyPlugin as? any ParallelStrategy)?.context.group?.timeout ?? 0)
    }
    let metrics = trainer.callbackMetrics.mapValues { $0.item() }
    let stateBytes = trainer.optimizers.flatMap { $0.state.values.flatMap(\.values) }.compactMap(\.tensorValue)
        .reduce(0) { $0 + $1.numel * $1.dtype.elementSize }
    let report: [String: Any] = ["seen": model.seen, "metrics": metrics, "global_step": trainer.globalStep, "world_size": trainer.worldSize,
                                 "optimizer_state_bytes": stateBytes, "gradient_bytes": model.gradientBytes,
                                 "parameter_bytes": model.parameterBytes,
                                 "losses": recorder.losses,
                                 "loss_scale": trainer.precisionPlugin.stateDict()["scale"]?.doubleValue ?? 0,
                                 "all_gathers": (trainer.strategyPlugin as? FSDPStrategy)?.gatherCount ?? 0,
                                 "group_timeouts": timeouts, "lr_find_losses": finder?.results.loss ?? []]
    try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: "\(out)/report-rank\(rank).json"))
} catch {
    FileHandle.standardError.write(Data("worker error: \(error)\n".utf8))
    exit(1)
}
