import Foundation
import Torch

/// Pipeline parallelism (`.pipeline(stages:microBatches:schedule:)`, GPipe and 1F1B as in
/// DeepSpeed and Megatron): a `PipelineModule`'s layers are cut into `stages` contiguous runs,
/// balanced by parameter count, one per rank; each batch is cut into micro-batches that flow
/// forward through the stages (activations sent to the next rank) and backward (gradients sent
/// to the previous one), and gradients accumulate over the micro-batches before the step. With
/// a world size that is a multiple of `stages`, consecutive ranks form one pipeline and the
/// pipelines are data parallel (gradients of a stage averaged over its replicas).
///
/// Each rank keeps gradients and optimizer state for its own stage only; after every optimizer
/// step the stages' updated weights are broadcast, so the whole model is current on every rank
/// (validation, checkpoints and callbacks see it as in one process).
public final class PipelineStrategy: ParallelStrategy {
    public var checkpointIO: CheckpointIO = TorchCheckpointIO()
    /// The order of micro-batch forwards and backwards.
    public enum Schedule: String, Sendable, Equatable {
        /// All forwards, then all backwards (GPipe): simple; activations of every micro-batch live at once.
        case gpipe
        /// One forward, one backward in the steady state (PipeDream-Flush): at most `stages`
        /// micro-batches' activations live per rank.
        case oneFOneB = "1f1b"
    }

    /// The choices of the strategy.
    public struct Options: Sendable, Equatable {
        /// The number of pipeline stages.
        public var stages: Int
        /// The micro-batches each batch is cut into.
        public var microBatches: Int
        /// The schedule.
        public var schedule: Schedule
        /// Seconds after which a collective or transfer fails.
        public var timeout: Double

        public init(stages: Int, microBatches: Int, schedule: Schedule = .oneFOneB, timeout: Double = 1800) {
            (self.stages, self.microBatches, self.schedule, self.timeout) = (stages, microBatches, schedule, timeout)
        }
    }

    /// The strategy's choices.
    public let options: Options
    /// The strategy's process group and where this process sits in the job.
    public let context: DistributedContext
    /// The layers of each stage, as index ranges into `pipelineLayers`.
    public private(set) var stageLayers: [Range<Int>] = []
    private var layers: [Module] = []
    private var stageStates: [[Tensor]] = []
    private var ownParameters: [Tensor] = []
    private var replicas: ProcessGroup?
    /// The device of this rank's stage, where transfers and losses are made.
    private var device = Device.cpu
    /// Per optimizer: its groups before they were cut to this stage and each parameter's stage (for checkpoints).
    private var ownedStates: [ObjectIdentifier: OwnedOptimizerState] = [:]

    public init(options: Options, environment: ClusterEnvironment) {
        self.options = options
        context = DistributedContext(environment: environment, timeout: options.timeout)
    }
    /// This rank's stage.
    public var stage: Int { globalRank % options.stages }
    /// Which pipeline (data-parallel replica) this rank belongs to.
    public var dataParallelRank: Int { globalRank / options.stages }
    /// The number of pipelines.
    public var dataParallelSize: Int { worldSize / options.stages }
    private var isFirst: Bool { stage == 0 }
    private var isLast: Bool { stage == options.stages - 1 }

    public func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
        guard let pipelined = module as? any PipelineModule else {
            throw TrainerError.misconfiguration("strategy .pipeline needs a LightningModule that conforms to PipelineModule (pipelineLayers, pipelineInputs, pipelineLoss); \(type(of: module)) does not")
        }
        let group = try context.setup(module, device: accelerator.device)
        device = accelerator.device
        ownedStates = [:]
        layers = pipelined.pipelineLayers.layers
        guard layers.count >= options.stages else {
            throw TrainerError.misconfiguration("strategy .pipeline(stages: \(options.stages)) needs at least as many layers; pipelineLayers has \(layers.count)")
        }
        stageLayers = Self.balance(layers.map { $0.parameterCount() }, stages: options.stages)
        stageStates = stageLayers.map { range in layers[range].flatMap { $0.parameters() + $0.buffers() } }
        ownParameters = layers[stageLayers[self.stage]].flatMap { $0.parameters() }
        if dataParallelSize > 1, replicas == nil {
            replicas = try group.subgroup(name: "pipeline-stage-\(self.stage)", rank: dataParallelRank, size: dataParallelSize)
        }
    }

    /// Contiguous runs of layers, one per stage, whose parameter counts are as even as the
    /// cut points allow (every stage gets at least one layer).
    static func balance(_ counts: [Int], stages: Int) -> [Range<Int>] {
        let weights = counts.map { $0 + 1 }
        let total = weights.reduce(0, +)
        var bounds = [0]
        var running = 0
        for (i, w) in weights.enumerated() {
            running += w
            let stagesLeft = stages - bounds.count
            let layersLeft = weights.count - (i + 1)
            guard stagesLeft > 0, layersLeft >= stagesLeft else { continue }
            if running * stages >= total * bounds.count || layersLeft == stagesLeft { bounds.append(i + 1) }
        }
        bounds.append(weights.count)
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }

    public func teardown() {
        replicas = nil
    }

    public func beforeTrainingStep(synchronizing: Bool) throws {}
    public func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws {}

    /// Averages this stage's gradients over its replicas.
    public func afterBackward(synchronizing: Bool) throws {
        guard synchronizing, let replicas else { return }
        let params = ownParameters.filter { $0.grad != nil }
        guard !params.isEmpty else { return }
        let flat = Tensor.cat(params.map { $0.grad!.reshape([-1]) })
        try replicas.allReduce(flat)
        let average = flat / Double(dataParallelSize)
        for (p, part) in zip(params, average.split(sizes: params.map(\.numel))) { p.grad = part.reshape(p.shape) }
    }

    /// Leaves each optimizer only this stage's parameters.
    public func setupOptimizers(_ optimizers: [Optimizer]) throws {
        let own = Set(ownParameters.map(ObjectIdentifier.init))
        var stageOf: [ObjectIdentifier: Int] = [:]
        for (s, range) in stageLayers.enumerated() {
            for layer in layers[range] { for p in layer.parameters() { stageOf[ObjectIdentifier(p)] = s } }
        }
        for optimizer in optimizers {
            ownedStates[ObjectIdentifier(optimizer)] = OwnedOptimizerState(groups: optimizer.paramGroups.map(\.params), owners: stageOf)
            for group in optimizer.paramGroups { group.params = group.params.filter { own.contains(ObjectIdentifier($0)) } }
        }
    }

    /// Every stage's updated weights (and buffers), broadcast from its first pipeline.
    public func afterOptimizerStep(_ optimizer: Optimizer) throws {
        guard let group = context.group else { return }
        try withNoGrad {
            for (s, states) in stageStates.enumerated() where !states.isEmpty {
                try group.broadcastCoalesced(states, root: s)
            }
        }
    }

    /// Each rank steps its part of the parameters.
    public var updatesAShare: Bool { true }

    /// The optimizer's state as one process would hold it, gathered from each stage's first pipeline.
    public func optimizerStateDict(_ optimizer: Optimizer) throws -> StateValue {
        try OwnedOptimizerState.stateDict(optimizer, ownedStates, strategy: self)
    }

    public func loadOptimizerStateDict(_ optimizer: Optimizer, _ stateDict: StateValue) throws {
        try OwnedOptimizerState.load(stateDict, into: optimizer, ownedStates)
    }

    // MARK: The schedule

    /// Runs forward and backward of `batch` through the pipeline in place of the module's
    /// `trainingStep` (the pipeline needs the network as layers and the loss as a function), then
    /// averages this stage's gradients over its replicas. The batch's mean loss, the same on
    /// every rank, is logged as `train_loss` and returned.
    public func trainingStep<Batch>(_ module: LightningModule<Batch>, batch: Batch, batchIdx: Int,
                                    context: TrainingStepContext) throws -> Tensor? {
        guard let pipelined = module as? any PipelineModule<Batch> else {
            throw TrainerError.misconfiguration("strategy .pipeline needs \(type(of: module)) to conform to PipelineModule")
        }
        let loss = try run(pipelined, batch: batch, precision: context.precision, lossScale: 1 / Double(context.accumulateGradBatches))
        try afterBackward(synchronizing: context.synchronizing)
        module.log("train_loss", loss, progressBar: true)
        return loss
    }

    /// The schedule over one batch (`lossScale` scales each micro-batch's loss, for gradient
    /// accumulation); returns the batch's mean loss on every rank.
    private func run<Batch>(_ module: any PipelineModule<Batch>, batch: Batch, precision: PrecisionPlugin,
                            lossScale: Double) throws -> Tensor {
        guard let group = context.group else { throw TrainerError.misconfiguration("the pipeline is not set up") }
        let (input, target) = module.pipelineInputs(batch)
        let m = options.microBatches
        guard input.shape.first ?? 0 >= m else {
            throw TrainerError.misconfiguration("a batch of \(input.shape.first ?? 0) samples cannot be cut into \(m) micro-batches")
        }
        let sizes = Self.microBatchSizes(input.shape[0], m)
        let inputs = input.split(sizes: sizes), targets = target.split(sizes: sizes)
        let stageModules = Array(layers[stageLayers[stage]])
        var pending: [(input: Tensor?, output: Tensor)] = []
        var lossSum = Tensor.zeros([], dtype: .float64, device: device)
        var forwards = 0

        func forward(_ x: Tensor?) -> Tensor {
            let i = forwards
            forwards += 1
            let y = precision.forward { stageModules.reduce(x ?? inputs[i]) { $1($0) } }
            if !isLast {
                pending.append((x, y))
                return y
            }
            let loss = module.pipelineLoss(y, target: targets[i]) * (lossScale / Double(m))
            lossSum = lossSum + loss.detach().to(dtype: .float64)
            pending.append((x, loss))
            return y
        }
        func backward(_ gradient: Tensor?) -> Tensor? {
            let (x, y) = pending.removeFirst()
            if isLast {
                precision.backward(y, retainGraph: false)
            } else {
                y.backward(gradient: gradient)
            }
            return x?.grad
        }
        let link = PipelineLink(group: group, rank: globalRank, device: device)
        func receiveGradient() throws -> Tensor? { isLast ? nil : try link.receiveGradient(like: pending[0].output) }
        func sendGradient(_ g: Tensor?) throws { if !isFirst, let g { try link.sendGradient(g) } }

        switch options.schedule {
        case .gpipe:
            for _ in 0..<m {
                let y = forward(isFirst ? nil : try link.receiveActivation())
                if !isLast { try link.sendActivation(y) }
            }
            for _ in 0..<m { try sendGradient(backward(try receiveGradient())) }
        case .oneFOneB:
            let warmup = Swift.min(options.stages - stage - 1, m)
            let steady = m - warmup
            for _ in 0..<warmup {
                let y = forward(isFirst ? nil : try link.receiveActivation())
                if !isLast { try link.sendActivation(y) }
            }
            var x = steady > 0 && !isFirst ? try link.receiveActivation() : nil
            for i in 0..<steady {
                let y = forward(x)
                let g = isLast ? nil : try link.sendActivationReceiveGradient(y)
                let inputGradient = backward(g)
                if i == steady - 1 {
                    try sendGradient(inputGradient)
                } else if !isFirst, let inputGradient {
                    x = try link.sendGradientReceiveActivation(inputGradient)
                }
            }
            for _ in 0..<warmup { try sendGradient(backward(try receiveGradient())) }
        }
        let loss = isLast ? lossSum / lossScale : Tensor.zeros([], dtype: .float64, device: device)
        try group.allReduce(loss)
        return loss / Double(dataParallelSize)
    }

    /// Micro-batch sizes as even as possible (the first ones one larger).
    static func microBatchSizes(_ n: Int, _ m: Int) -> [Int] { (0..<m).map { n / m + ($0 < n % m ? 1 : 0) } }
}

/// The transfers between neighbouring stages: activations go to the next rank (their shape
/// and dtype first, tag 0, then the values, tag 1), gradients to the previous one (tag 2, in
/// the shape of the activation they belong to). The combined calls post both directions at
/// once, as Megatron's schedule needs to stay free of deadlocks.
struct PipelineLink {
    let group: ProcessGroup
    let rank: Int
    /// The device of this rank's tensors (NCCL sends and receives device tensors only).
    let device: Device
    private static let maxDims = 8

    private func header(_ y: Tensor) -> Tensor {
        var values = [Int64(y.dim), Int64(y.dtype.rawValue)] + y.shape.map(Int64.init)
        values += [Int64](repeating: 0, count: Self.maxDims + 2 - values.count)
        return Tensor(values).to(device: device)
    }

    private func activationSends(_ y: Tensor) -> [ProcessGroup.PointToPoint] {
        [.init(header(y), peer: rank + 1, tag: 0), .init(y.detach(), peer: rank + 1, tag: 1)]
    }

    private func emptyHeader() -> Tensor { Tensor.zeros([Self.maxDims + 2], dtype: .int64, device: device) }

    private func receiveValues(after header: Tensor) throws -> Tensor {
        let values = header.to(device: .cpu).scalars(as: Int64.self).map(Int.init)
        let x = Tensor.empty(Array(values[2..<(2 + values[0])]), dtype: DType(rawValue: Int32(values[1])) ?? .float32, device: device)
        try group.exchange(receives: [.init(x, peer: rank - 1, tag: 1)])
        x.requiresGrad = true
        return x
    }

    func sendActivation(_ y: Tensor) throws { try group.exchange(sends: activationSends(y)) }

    func receiveActivation() throws -> Tensor {
        let header = emptyHeader()
        try group.exchange(receives: [.init(header, peer: rank - 1, tag: 0)])
        return try receiveValues(after: header)
    }

    func receiveGradient(like y: Tensor) throws -> Tensor {
        let g = Tensor.empty(y.shape, dtype: y.dtype, device: y.device)
        try group.exchange(receives: [.init(g, peer: rank + 1, tag: 2)])
        return g
    }

    func sendGradient(_ g: Tensor) throws { try group.exchange(sends: [.init(g, peer: rank - 1, tag: 2)]) }

    func sendActivationReceiveGradient(_ y: Tensor) throws -> Tensor {
        let g = Tensor.empty(y.shape, dtype: y.dtype, device: y.device)
        try group.exchange(sends: activationSends(y), receives: [.init(g, peer: rank + 1, tag: 2)])
        return g
    }

    func sendGradientReceiveActivation(_ g: Tensor) throws -> Tensor {
        let header = emptyHeader()
        try group.exchange(sends: [.init(g, peer: rank - 1, tag: 2)], receives: [.init(header, peer: rank - 1, tag: 0)])
        return try receiveValues(after: header)
    }
}
