import Foundation
import Torch

/// Your own training loop on the Trainer's accelerators, strategies and precision plug-ins
/// (Lightning's `Fabric`): `Fabric(accelerator: .gpu, devices: 2, strategy: .ddp,
/// precision: .bf16Mixed)`, then `launch()`, `setup(model, optimizer)`, `setupDataloader(loader)`,
/// and in the loop `backward(loss)` and `optimizer.step()`. The same strategies (DDP, ZeRO,
/// FSDP) do the same work as under the Trainer, so the same loop gives the same weights.
public final class Fabric {
    /// The hardware the run uses.
    public let acceleratorPlugin: AcceleratorPlugin
    /// How the run is spread over processes.
    public let strategyPlugin: StrategyPlugin
    /// The run's numeric precision.
    public let precisionPlugin: PrecisionPlugin
    /// Where `log` sends values (rank 0 only).
    public let loggers: [Logger]
    /// Whether gradients are synchronised in the current backward (false inside `noBackwardSync`).
    var synchronizing = true

    /// The plug-ins the arguments name, chosen as the Trainer chooses them.
    public init(accelerator: Accelerator = .auto, devices: Devices = .auto, strategy: Strategy = .auto, numNodes: Int = 1,
                precision: Precision = .true32, plugins: [TrainerPlugin] = [], loggers: [Logger] = []) throws {
        let connector: AcceleratorConnector
        do {
            connector = try AcceleratorConnector(accelerator: accelerator, devices: devices, strategy: strategy, numNodes: numNodes,
                                                 precision: precision, gradientClipVal: nil, plugins: plugins)
        } catch TrainerError.invalidArgument(let name, let message) {
            throw TrainerError.misconfiguration("Fabric(\(name):): \(message)")
        }
        (acceleratorPlugin, strategyPlugin, precisionPlugin) = (connector.accelerator, connector.strategy, connector.precision)
        self.loggers = strategyPlugin.isGlobalZero ? loggers : []
    }

    /// This process's rank among all processes.
    public var globalRank: Int { strategyPlugin.globalRank }
    /// This process's rank on its machine.
    public var localRank: Int { strategyPlugin.localRank }
    /// The number of processes.
    public var worldSize: Int { strategyPlugin.worldSize }
    /// Whether this is rank 0.
    public var isGlobalZero: Bool { strategyPlugin.isGlobalZero }
    /// The device this process computes on.
    public var device: Device { acceleratorPlugin.device }

    /// Joins the job (Lightning's `launch`): in a multi-process run started from one process,
    /// the other local ranks start here, running this program from its beginning.
    public func launch() throws {
        try strategyPlugin.setupEnvironment(accelerator: acceleratorPlugin)
    }

    /// Sets a module and its optimizer up for the strategy: on the device, with rank 0's
    /// weights everywhere, gradient synchronisation attached, the optimizer sharded where the
    /// strategy shards (Lightning's `setup`).
    public func setup<M: Module>(_ module: M, _ optimizer: Optimizer) throws -> (FabricModule<M>, FabricOptimizer) {
        let (wrapped, optimizers) = try setup(module, [optimizer])
        return (wrapped, optimizers[0])
    }

    /// Sets a module and its optimizers up for the strategy. With none, the module is set up to
    /// train and its optimizers come later, through `setupOptimizers`: under `.modelParallel`,
    /// whose setup splits the module, they are made from the split parameters.
    public func setup<M: Module>(_ module: M, _ optimizers: [Optimizer]) throws -> (FabricModule<M>, [FabricOptimizer]) {
        precisionPlugin.convertModule(module)
        try strategyPlugin.setup(module, accelerator: acceleratorPlugin, stage: .fit)
        return (FabricModule(module, fabric: self), try setupOptimizers(optimizers))
    }

    /// Sets optimizers up for the strategy, after their module (Lightning's `setup_optimizers`).
    public func setupOptimizers(_ optimizers: [Optimizer]) throws -> [FabricOptimizer] {
        try strategyPlugin.setupOptimizers(optimizers)
        return optimizers.map { FabricOptimizer($0, fabric: self) }
    }

    /// Sets a module up alone, for inference (Lightning's `setup_module`).
    public func setupModule<M: Module>(_ module: M) throws -> FabricModule<M> {
        precisionPlugin.convertModule(module)
        try strategyPlugin.setup(module, accelerator: acceleratorPlugin, stage: .validate)
        return FabricModule(module, fabric: self)
    }

    /// This rank's share of a loader (a `DistributedSampler` in a multi-process run, shuffled
    /// when `shuffle`), its batches moved to the device (Lightning's `setup_dataloaders`).
    public func setupDataloader<Batch>(_ loader: any BatchLoader<Batch>, shuffle: Bool = true,
                                       moveToDevice: Bool = true) throws -> any BatchLoader<Batch> {
        let share = try strategyPlugin.share(of: loader, shuffle: shuffle)
        return moveToDevice ? DeviceLoader(share, device: device) : share
    }

    /// `batch` on this process's device.
    public func toDevice<Batch>(_ batch: Batch) -> Batch { BatchTransfer.move(batch, to: device) }

    /// Backward of `loss` through the strategy (gradients synchronised unless inside
    /// `noBackwardSync`) and the precision plug-in (the loss scaled under float16).
    public func backward(_ loss: Tensor, retainGraph: Bool = false) throws {
        try withTorchErrors {
            try strategyPlugin.backward(loss, precision: precisionPlugin, synchronizing: synchronizing, retainGraph: retainGraph)
        }
    }

    /// Runs `body` without synchronising gradients in its backward passes (accumulation steps
    /// before the one that steps: Lightning's `no_backward_sync`).
    public func noBackwardSync<T>(enabled: Bool = true, _ body: () throws -> T) rethrows -> T {
        let previous = synchronizing
        synchronizing = !enabled
        defer { synchronizing = previous }
        return try body()
    }

    /// Runs `body` under the precision plug-in's autocast (`autocast`).
    public func autocast<T>(_ body: () throws -> T) rethrows -> T { try precisionPlugin.forward(body) }

    /// Clips the gradients of an optimizer's parameters, unscaled first under float16: to a
    /// total norm of `maxNorm` (returning the norm before clipping; the 2-norm is the whole
    /// model's under strategies that split it, another `normType` this rank's gradients'), or
    /// each to `clipValue`.
    @discardableResult
    public func clipGradients(_ optimizer: FabricOptimizer, maxNorm: Double? = nil, clipValue: Double? = nil,
                              normType: Double = 2) throws -> Tensor? {
        guard (maxNorm == nil) != (clipValue == nil) else {
            throw TrainerError.misconfiguration("clipGradients needs exactly one of maxNorm and clipValue")
        }
        precisionPlugin.unscaleGradients(optimizer.optimizer)
        guard let maxNorm, normType != 2 else {
            return try strategyPlugin.clipGradients(optimizer.optimizer, clipValue: maxNorm ?? clipValue!, clipAlgorithm: maxNorm == nil ? .value : .norm)
        }
        return clipGradNorm_(strategyPlugin.parameters(of: optimizer.optimizer), maxNorm: maxNorm, normType: normType)
    }

    /// The sum (or, with `mean`, the mean) of `tensor` over processes, as a new tensor.
    public func allReduce(_ tensor: Tensor, mean: Bool = true) throws -> Tensor {
        let copy = tensor.detach().clone()
        try strategyPlugin.allReduce(copy, op: .sum)
        return mean && worldSize > 1 ? copy / Double(worldSize) : copy
    }

    /// Every process's `tensor` stacked along a new first dimension, in rank order.
    public func allGather(_ tensor: Tensor) throws -> Tensor { Tensor.stack(try strategyPlugin.allGather(tensor.contiguous())) }

    /// Rank `root`'s `tensor` on every process, as a new tensor.
    public func broadcast(_ tensor: Tensor, root: Int = 0) throws -> Tensor {
        let copy = tensor.detach().clone()
        try strategyPlugin.broadcast(copy, root: root)
        return copy
    }

    /// Waits for every process.
    public func barrier() throws { try strategyPlugin.barrier() }

    /// Writes `state` to `path` through the strategy, in PyTorch's file format (every rank calls
    /// it; rank 0 writes, atomically): modules as their state dicts and optimizers as their
    /// states, whole even where the strategy shards them, so one process or Python can read them.
    public func save(_ path: String, _ state: [String: FabricState]) throws {
        var entries: [(String, StateValue)] = []
        for (key, item) in state.sorted(by: { $0.key < $1.key }) {
            switch item {
            case .module(let module): entries.append((key, .stateDict(try strategyPlugin.moduleStateDict(module))))
            case .optimizer(let optimizer): entries.append((key, try strategyPlugin.optimizerStateDict(optimizer.optimizer)))
            case .value(let value): entries.append((key, value))
            }
        }
        try strategyPlugin.saveCheckpoint(entries, to: path)
    }

    /// Reads what `save` wrote into the modules and optimizers of `state` (same keys); returns
    /// the file's other entries.
    @discardableResult
    public func load(_ path: String, into state: [String: FabricState] = [:]) throws -> [String: StateValue] {
        let file = try strategyPlugin.loadCheckpoint(path)
        var rest: [String: StateValue] = [:]
        for (key, value) in file.dictValue ?? [] { if let name = key.stringValue { rest[name] = value } }
        for (key, item) in state {
            guard let value = rest.removeValue(forKey: key) else {
                throw TrainerError.misconfiguration("\(path) has no entry '\(key)'; it has \(rest.keys.sorted())")
            }
            switch item {
            case .module(let module):
                guard let weights = value.stateDictValue else {
                    throw TrainerError.misconfiguration("the entry '\(key)' of \(path) is not a state dict")
                }
                try strategyPlugin.loadModuleStateDict(module, weights)
            case .optimizer(let optimizer): try strategyPlugin.loadOptimizerStateDict(optimizer.optimizer, value)
            case .value: rest[key] = value
            }
        }
        return rest
    }

    /// Sends `value` to the loggers at `step` (rank 0 only).
    public func log(_ name: String, _ value: Double, step: Int) throws {
        try logDict([(name, value)], step: step)
    }

    /// Sends several values to the loggers at `step` (rank 0 only).
    public func logDict(_ values: [(String, Double)], step: Int) throws {
        for logger in loggers { try logger.logMetrics(values, step: step) }
    }

    /// Prints on rank 0 only.
    public func print(_ text: String) { if isGlobalZero { Swift.print(text) } }

    /// Seeds every random generator (`seed_everything`); returns the seed.
    @discardableResult
    public static func seedEverything(_ seed: UInt64) -> UInt64 { Lightning.seedEverything(seed) }
}
