/// A running average of a model's weights (`torch.optim.swa_utils.AveragedModel`): stochastic
/// weight averaging, or an exponential moving average (EMA). Give it a module of the same
/// architecture as the model (Swift has no `deepcopy`; the first update copies the model's
/// weights into it), call `updateParameters(model)` after optimizer steps, and evaluate with it.
/// Its state dict is PyTorch's: `n_averaged` and the module's under `module.`.
public final class AveragedModel<Model: Module>: Module {
    /// The averaged copy, evaluated by `forward`.
    public let module: Model
    /// How many updates the average holds.
    @Buffer public var nAveraged: Tensor?
    /// How updates combine.
    public let averaging: AveragingFunction
    /// Whether buffers (batch-norm statistics) are averaged too; otherwise they are copied.
    public let useBuffers: Bool

    public init(_ module: Model, averaging: AveragingFunction = .swa, useBuffers: Bool = false) {
        if case .ema(let decay) = averaging, !(0...1).contains(decay) {
            argumentError("AveragedModel", "Invalid decay value \(decay) provided. Please provide a value in [0,1] range.")
        }
        (self.module, self.averaging, self.useBuffers) = (module, averaging, useBuffers)
        nAveraged = Tensor(Int64(0))
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { module(x) }

    /// Folds `model`'s current weights into the average.
    public func updateParameters(_ model: Module) {
        withNoGrad {
            let averaged = useBuffers ? module.parameters() + module.buffers() : module.parameters()
            let current = (useBuffers ? model.parameters() + model.buffers() : model.parameters()).map { $0.detach() }
            let count = nAveraged!
            averaging.fold(averaged, current, count: count)
            if !useBuffers {
                for (a, c) in zip(module.buffers(), model.buffers()) { a.copy_(c.detach()) }
            }
            count.add_(Tensor(Int64(1)))
        }
    }
}

/// How a running weight average combines with the current weights.
public enum AveragingFunction: Sendable {
    /// The equal-weight mean of every update (PyTorch's default, `get_swa_avg_fn`).
    case swa
    /// `decay * average + (1 - decay) * current` (`get_ema_multi_avg_fn(decay)`).
    case ema(decay: Double)

    /// Folds `current` into `averaged`, which holds `count` updates so far (the first update
    /// copies), as `AveragedModel.update_parameters` does: on the CPU PyTorch's per-tensor
    /// formula, on CUDA devices its foreach lerp.
    public func fold(_ averaged: [Tensor], _ current: [Tensor], count: Tensor) {
        withNoGrad {
            let n = count.item(as: Int.self)
            guard n > 0 else {
                for (a, c) in zip(averaged, current) { a.copy_(c) }
                return
            }
            switch self {
            case .swa:
                for (device, pairs) in Dictionary(grouping: zip(averaged, current), by: \.0.device) {
                    if device != .cpu, pairs[0].0.dtype.isFloatingPoint {
                        ForeachOps.lerp_(.tensors(pairs.map(\.0)), .tensors(pairs.map(\.1)), .double(1 / Double(n + 1)))
                    } else {
                        let next = count.to(device: device) + 1
                        for (a, c) in pairs { a.copy_(a + (c - a) / next) }
                    }
                }
            case .ema(let decay):
                let floating = zip(averaged, current).filter { $0.0.dtype.isFloatingPoint }
                if !floating.isEmpty {
                    ForeachOps.lerp_(.tensors(floating.map(\.0)), .tensors(floating.map(\.1)), .double(1 - decay))
                }
                for (a, c) in zip(averaged, current) where !a.dtype.isFloatingPoint {
                    a.mul_(decay)
                    a.add_(c, alpha: 1 - decay)
                }
            }
        }
    }
}
