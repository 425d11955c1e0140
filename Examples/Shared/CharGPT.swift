import Foundation
import Lightning
import LightningCLI
import Torch

/// Byte-level text in windows of `blockSize` (next-byte targets): the file at `path`, or
/// this machine's GPL text, or a built-in paragraph.
public final class CharDataModule: LightningDataModule<(Tensor, Tensor)>, CLIConfigurable {
    public struct Config: CLIConfig {
        /// A text file; empty: /usr/share/common-licenses/GPL-3 when present.
        public var path = ""
        public var blockSize = 64
        public var batchSize = 32
        public init() {}
    }

    public let config: Config
    public private(set) var dataset: TextDataset?

    public init(config: Config) {
        self.config = config
        super.init()
    }

    /// The text the examples train on when no path is given.
    public static func defaultText() -> String {
        if let gpl = try? String(contentsOfFile: "/usr/share/common-licenses/GPL-3", encoding: .utf8) { return gpl }
        return String(repeating: "Lightning trains models; swift-lightning trains them in Swift on libtorch. ", count: 200)
    }

    public override func setup(stage: Stage) {
        guard dataset == nil else { return }
        let text = config.path.isEmpty ? Self.defaultText() : ((try? String(contentsOfFile: config.path, encoding: .utf8)) ?? "")
        dataset = TextDataset(text: text, blockSize: config.blockSize, tokens: .bytes)
    }

    public override func trainDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        dataset.map { DataLoader($0, batchSize: config.batchSize, shuffle: true, seed: 3, collate: .pair) }
    }
}

/// A small GPT over bytes: token and position embeddings, causal transformer blocks, a head.
public final class CharGPT: LightningModule<(Tensor, Tensor)>, CLIConfigurable {
    public struct Config: CLIConfig {
        public var nLayer = 2
        public var nHead = 4
        public var nEmbd = 128
        public var blockSize = 64
        public var lr = 3e-3
        /// Under `.modelParallel`, keep the activations between split layers split along the
        /// sequence too (sequence parallelism).
        public var sequenceParallel = false
        public init() {}
    }

    public let config: Config
    let tokens: Embedding, positions: Embedding
    let blocks: TransformerEncoder
    let norm: LayerNorm
    let head: Linear

    public init(config: Config) {
        self.config = config
        tokens = Embedding(256, config.nEmbd)
        positions = Embedding(config.blockSize, config.nEmbd)
        blocks = TransformerEncoder(TransformerEncoderLayer(dModel: config.nEmbd, nhead: config.nHead, dimFeedforward: 4 * config.nEmbd,
                                                            dropout: 0, activation: .gelu, batchFirst: true, normFirst: true),
                                    numLayers: config.nLayer)
        norm = LayerNorm([config.nEmbd])
        head = Linear(config.nEmbd, 256)
        super.init()
        saveHyperparameters(from: config)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let t = x.size(1)
        let h = blocks.forward(tokens(x) + positions(Tensor.arange(t)), mask: TransformerEncoder.generateSquareSubsequentMask(t),
                               isCausal: true)
        return head(norm(h))
    }

    /// Under `.modelParallel`: the vocabulary of the token table, each block's attention heads and
    /// feed-forward hidden features, and the head's output bytes are split over the tensor-parallel
    /// group (the position table and norms stay whole on every rank). With `sequenceParallel`, the
    /// activations between those layers are each rank's part of the sequence, and the norms work
    /// on those parts.
    public override func parallelize(_ mesh: DeviceMesh) throws {
        let plan: [String: any ParallelStyle]
        if config.sequenceParallel {
            let sequence = TensorLayout.sequenceShard(dim: 1)
            plan = [
                "tokens": RowwiseParallel(inputLayout: .replicate, outputLayout: sequence),
                "positions": PrepareModuleLayouts(output: (from: .replicate, to: .sequenceShard(dim: 0))),
                "blocks.layers.*.norm1": SequenceParallel(),
                "blocks.layers.*.self_attn": MultiheadAttentionParallel(inputLayout: sequence, outputLayout: sequence),
                "blocks.layers.*.norm2": SequenceParallel(),
                "blocks.layers.*.linear1": ColwiseParallel(inputLayout: sequence),
                "blocks.layers.*.linear2": RowwiseParallel(outputLayout: sequence),
                "norm": SequenceParallel(),
                "head": ColwiseParallel(inputLayout: sequence, outputLayout: .replicate),
            ]
        } else {
            plan = [
                "tokens": RowwiseParallel(inputLayout: .replicate),
                "blocks.layers.*.self_attn": MultiheadAttentionParallel(),
                "blocks.layers.*.linear1": ColwiseParallel(),
                "blocks.layers.*.linear2": RowwiseParallel(),
                "head": ColwiseParallel(outputLayout: .replicate),
            ]
        }
        try parallelizeModule(self, group: mesh["tensor_parallel"], plan: plan)
    }

    public override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let logits = forward(batch.0)
        let loss = F.crossEntropy(logits.reshape([-1, 256]), batch.1.reshape([-1]))
        log("train_loss", loss, progressBar: true, syncDist: true)
        return loss
    }

    public override func configureOptimizers() -> OptimizerConfig {
        let optimizer = AdamW(parameters(), lr: config.lr, weightDecay: 0.01)
        return .init(optimizer)
    }

    /// Continues `prompt` by `count` bytes, sampling with `temperature` from a seeded generator.
    public func generate(_ prompt: String, count: Int, temperature: Double = 0.8, seed: UInt64 = 0) -> String {
        let generator = Generator(seed: seed)
        var ids = Array(prompt.utf8).map(Int64.init)
        withNoGrad {
            _ = eval()
            for _ in 0..<count {
                // The context padded on the right to the whole block, which causal attention
                // does not let the last real byte see: every forward has one shape, which
                // sequence parallelism splits.
                let context = Array(ids.suffix(config.blockSize))
                let block = Tensor(context + Array(repeating: 0, count: config.blockSize - context.count)).unsqueeze(0)
                let logits = forward(block)[0, context.count - 1] / temperature
                ids.append(F.softmax(logits, dim: -1).multinomial(1, generator: generator).item(as: Int64.self))
            }
        }
        return String(decoding: ids.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    }
}
