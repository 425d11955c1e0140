// The benchmark workloads with swift-lightning's Trainer (logging, checkpoints, progress bar and
// summary off), one JSON record per run: `BenchWorkloads W1|W2|W3 STEPS [PROCESSES]`;
// `BenchWorkloads parity OUT [cpu|gpu]` writes the GPU check's op results (Parity.swift).
// W1: an MLP 64-128-128-10 on 8x8 digit-like images, batch 64, Adam.
// W2: a CNN (two 3x3 conv + ReLU + 2x2 max-pool blocks of 32 and 64 channels, 128 hidden, 10
//     classes) on 28x28 one-channel images, batch 128, Adam.
// W3: a two-layer character transformer (d_model 128, 4 heads, context 64), batch 32, AdamW.
// GPT2: a GPT with GPT-2 small's sizes (12 pre-norm GELU blocks, d_model 768, 12 heads, context
//     1024, 50,257 tokens, tied head: 124M parameters), batch 8 of random tokens, AdamW; GPT2_SIZE=tiny
//     shrinks it (2 blocks, 128 wide, context 128, 1,024 tokens, batch 4) for CPU self-tests.
// With PROCESSES 2 the run is DDP over two processes of one thread each (W4); rank 0 prints.
// PROFILE=1 adds the Trainer's simple profiler (its report goes to standard error).
// ACCELERATOR (cpu, gpu; default cpu) and PRECISION (Lightning's spellings; default 32-true)
// choose the device and precision (the GPU check runs the workloads on a GPU this way);
// STRATEGY=ddp trains through DDP even in one process (its process group: NCCL on a GPU).
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

/// A classifier over a network given as a module, trained with Adam.
final class Classifier: LightningModule<(Tensor, Tensor)> {
    let net: Module
    var lastLoss: Tensor?
    init(_ net: Module) {
        self.net = net
        super.init()
    }
    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let loss = F.crossEntropy(net(batch.0), batch.1)
        lastLoss = loss
        return loss
    }
    override func configureOptimizers() -> OptimizerConfig { .init(Adam(parameters(), lr: 1e-3)) }
}

/// A causal transformer language model: token and position embeddings, encoder blocks, a head.
/// W3's is post-norm with ReLU and a head of its own; GPT-2's is pre-norm with GELU, a final
/// norm and the head tied to the token embedding (embeddings drawn with GPT-2's std 0.02).
final class TransformerLM: LightningModule<(Tensor, Tensor)> {
    struct Shape { let layers, width, heads, context, vocabulary, batch: Int, gpt: Bool }
    static let w3 = Shape(layers: 2, width: 128, heads: 4, context: 64, vocabulary: 128, batch: 32, gpt: false)
    static let gpt2Small = Shape(layers: 12, width: 768, heads: 12, context: 1024, vocabulary: 50257, batch: 8, gpt: true)
    static let gpt2Tiny = Shape(layers: 2, width: 128, heads: 4, context: 128, vocabulary: 1024, batch: 4, gpt: true)
    let shape: Shape
    let tokens: Embedding
    let positions: Embedding
    let encoder: TransformerEncoder
    let norm: LayerNorm?
    let head: Linear?
    @Buffer(persistent: false) var mask = Tensor.zeros([0])
    var lastLoss: Tensor?
    init(_ shape: Shape) {
        self.shape = shape
        tokens = Embedding(shape.vocabulary, shape.width)
        positions = Embedding(shape.context, shape.width)
        encoder = TransformerEncoder(TransformerEncoderLayer(dModel: shape.width, nhead: shape.heads, dimFeedforward: 4 * shape.width,
                                                             dropout: 0, activation: shape.gpt ? .gelu : .relu, batchFirst: true,
                                                             normFirst: shape.gpt),
                                     numLayers: shape.layers)
        (norm, head) = shape.gpt ? (LayerNorm([shape.width]), nil) : (nil, Linear(shape.width, shape.vocabulary))
        mask = TransformerEncoder.generateSquareSubsequentMask(shape.context)
        super.init()
        if shape.gpt {
            Init.normal_(tokens.weight, std: 0.02)
            Init.normal_(positions.weight, std: 0.02)
        }
    }
    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let (x, y) = batch
        let h = encoder.forward(tokens(x) + positions(Tensor.arange(x.size(1), device: x.device)), mask: mask, isCausal: true)
        let logits = head.map { $0(h) } ?? F.linear(norm!(h), weight: tokens.weight)
        let loss = F.crossEntropy(logits.reshape([-1, logits.size(-1)]), y.reshape([-1]))
        lastLoss = loss
        return loss
    }
    override func configureOptimizers() -> OptimizerConfig {
        .init(shape.gpt ? AdamW(parameters(), lr: 3e-4, weightDecay: 0.1) : AdamW(parameters(), lr: 1e-3))
    }
}

/// Times the steps: the first one from process start, then steady state after a warm-up, and
/// the loss every `every` steps. On a GPU the clock waits for the device at the warm-up and
/// last steps, so that queued kernels count.
final class Clock: Callback {
    let warmup: Int, every: Int, steps: Int
    var firstStep: Double?
    var start: UInt64 = 0, end: UInt64 = 0
    var losses: [Double] = []
    init(warmup: Int, every: Int, steps: Int) { (self.warmup, self.every, self.steps) = (warmup, every, steps) }
    func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        if case .cuda(let index) = trainer.acceleratorPlugin.device, trainer.globalStep == warmup || trainer.globalStep == steps {
            try CUDA.synchronize(index)
        }
        if firstStep == nil { firstStep = processAge() }
        if trainer.globalStep == warmup { start = DispatchTime.now().uptimeNanoseconds }
        if trainer.globalStep % every == 0, let loss { losses.append(loss.item()) }
        end = DispatchTime.now().uptimeNanoseconds
    }
}

let arguments = CommandLine.arguments
if arguments.count > 2, arguments[1] == "parity" {
    try writeParity(to: arguments[2], device: arguments.count > 3 && arguments[3] == "gpu" ? .cuda(0) : .cpu)
    exit(0)
}
let workload = arguments.count > 1 ? arguments[1] : "W1"
let steps = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000
let processes = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
TorchSettings.numThreads = 1
seedEverything(0)
let g = Generator(seed: 1)
let model: LightningModuleBase
let loader: DataLoader<[Tensor], (Tensor, Tensor)>
let batchSize: Int
var tokensPerSample = 0
switch workload {
case "GPT2":
    let shape = ProcessInfo.processInfo.environment["GPT2_SIZE"] == "tiny" ? TransformerLM.gpt2Tiny : TransformerLM.gpt2Small
    (batchSize, tokensPerSample) = (shape.batch, shape.context)
    let sequences = Tensor.randint(0, shape.vocabulary, [8 * shape.batch, shape.context + 1], generator: g)
    loader = DataLoader(TensorDataset(sequences[TensorIndex.all, 0..<shape.context], sequences[TensorIndex.all, 1..<(shape.context + 1)]),
                        batchSize: batchSize, shuffle: true, seed: 2)
    model = TransformerLM(shape)
case "W2":
    batchSize = 128
    let x = Tensor.rand([4096, 1, 28, 28], generator: g)
    let y = x.flatten(startDim: 1).matmul(Tensor.randn([784, 10], generator: g)).argmax(dim: 1)
    loader = DataLoader(TensorDataset(x, y), batchSize: batchSize, shuffle: true, seed: 2)
    model = Classifier(Sequential {
        Conv2d(1, 32, kernelSize: 3, padding: 1); ReLU(); MaxPool2d(kernelSize: 2)
        Conv2d(32, 64, kernelSize: 3, padding: 1); ReLU(); MaxPool2d(kernelSize: 2)
        Flatten(); Linear(64 * 7 * 7, 128); ReLU(); Linear(128, 10)
    })
case "W3":
    batchSize = 32
    let text = Array(((try? String(contentsOfFile: "README.md", encoding: .utf8)) ?? "").utf8)
    let corpus = Tensor(text.map { Int64($0 & 127) })
    let windows = (text.count - 65) / 64
    let starts = Tensor.arange(windows) * 64
    let index = starts.unsqueeze(1) + Tensor.arange(65).unsqueeze(0)
    let chunks = corpus[index]
    loader = DataLoader(TensorDataset(chunks[TensorIndex.all, 0..<64], chunks[TensorIndex.all, 1..<65]), batchSize: batchSize,
                        shuffle: true, seed: 2)
    model = TransformerLM(TransformerLM.w3)
default:
    batchSize = 64
    let x = Tensor.rand([4096, 64], generator: g)
    let y = x.matmul(Tensor.randn([64, 10], generator: g)).argmax(dim: 1)
    loader = DataLoader(TensorDataset(x, y), batchSize: batchSize, shuffle: true, seed: 2)
    model = Classifier(Sequential { Linear(64, 128); ReLU(); Linear(128, 128); ReLU(); Linear(128, 10) })
}
let warmup = min(50, steps / 5)
let clock = Clock(warmup: warmup, every: max(1, steps / 50), steps: steps)
let profile = ProcessInfo.processInfo.environment["PROFILE"] != nil
let environment = ProcessInfo.processInfo.environment
let accelerator = Accelerator(rawValue: environment["ACCELERATOR"] ?? "cpu") ?? .cpu
let precision = Precision(lightning: environment["PRECISION"] ?? "32-true") ?? .true32
let strategy: Strategy = environment["STRATEGY"] == "ddp" ? .ddp : .auto
let trainer = try Trainer(accelerator: accelerator, devices: .count(processes), strategy: strategy, precision: precision, maxSteps: steps,
                          numSanityValSteps: 0, enableCheckpointing: false,
                          enableProgressBar: false, enableModelSummary: false, defaultRootDir: NSTemporaryDirectory(),
                          callbacks: [clock], logger: [], profiler: profile ? .simple : nil)
if profile { trainer.printer = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } }
switch model {
case let m as Classifier: try trainer.fit(m, train: loader)
case let m as TransformerLM: try trainer.fit(m, train: loader)
default: fatalError("unknown model")
}
let rate = Double(steps - warmup) / (Double(clock.end - clock.start) / 1e9)
let finalLoss = (model as? Classifier)?.lastLoss?.item() ?? (model as? TransformerLM)?.lastLoss?.item() ?? .nan
if trainer.isGlobalZero {
    var record: [String: Any] = [
        "workload": processes > 1 ? "W4-\(workload)" : workload, "framework": "swift-lightning", "processes": processes,
        "device": "\(trainer.acceleratorPlugin.device)", "precision": precision.rawValue, "strategy": "\(trainer.strategy)",
        "steps_per_s": rate, "samples_per_s": rate * Double(batchSize * processes), "first_step_s": clock.firstStep ?? 0,
        "peak_rss_mb": peakRSS(), "final_loss": finalLoss, "losses": clock.losses,
    ]
    if tokensPerSample > 0 { record["tokens_per_s"] = rate * Double(batchSize * tokensPerSample * processes) }
    if let group = (trainer.strategyPlugin as? any ParallelStrategy)?.context.group { record["process_group_backend"] = group.backendName }
    print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
}
