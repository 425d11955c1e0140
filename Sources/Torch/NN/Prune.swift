/// A pruning mask as a parametrization: the parameter reads as its original times the `mask`
/// buffer (1 kept, 0 pruned). `torch.nn.utils.prune` keeps the same mask with a hook
/// (`weight_orig`, `weight_mask`); here it sits under `parametrizations.<name>` like any other.
public final class PruningMask: Parametrization {
    @Buffer public var mask: Tensor?

    public init(_ mask: Tensor) {
        super.init()
        self.mask = mask
    }

    public override func forward(_ x: Tensor) -> Tensor { x * mask! }
}

/// Pruning parameters (`torch.nn.utils.prune`): masks that zero entries of a parameter,
/// applied as `PruningMask` parametrizations; pruning again prunes among the entries still kept.
public enum Prune {
    /// How much to prune: a fraction of the entries still kept, or a number of them.
    public enum Amount: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
        case fraction(Double)
        case count(Int)

        public init(floatLiteral value: Double) { self = .fraction(value) }
        public init(integerLiteral value: Int) { self = .count(value) }

        /// The number of `kept` entries to prune (PyTorch's rounding), or nil when out of range.
        func count(of kept: Int) -> Int? {
            switch self {
            case .fraction(let f): return (0...1).contains(f) ? Int((f * Double(kept)).rounded(.toNearestOrEven)) : nil
            case .count(let n): return (0...kept).contains(n) ? n : nil
            }
        }
    }

    /// How entries are chosen.
    public enum Method: Sendable {
        /// The smallest in absolute value (`l1_unstructured`).
        case l1Unstructured
        /// At random (`random_unstructured`).
        case randomUnstructured
    }

    /// The mask of `module`'s `name`: its pruning mask, or nil when it is not pruned.
    public static func mask(of module: Module, _ name: String = "weight") -> Tensor? {
        guard let list = module.getSubmodule("parametrizations.\(name)") as? ParametrizationList else { return nil }
        return list.items.compactMap { ($0 as? PruningMask)?.mask }.first
    }

    /// Whether any parameter of `module` or its submodules is pruned (`prune.is_pruned`).
    public static func isPruned(_ module: Module) -> Bool {
        module.modules().contains { m in m.getSubmodule("parametrizations")?.children().contains { list in
            (list as? ParametrizationList)?.items.contains { $0 is PruningMask } == true } == true }
    }

    /// Prunes `amount` of the entries still kept in `module`'s `name`, the smallest in absolute
    /// value (`prune.l1_unstructured`). Returns `module`.
    @discardableResult
    public static func l1Unstructured<M: Module>(_ module: M, _ name: String = "weight", amount: Amount) -> M {
        globalUnstructured([(module, name)], method: .l1Unstructured, amount: amount)
        return module
    }

    /// Prunes `amount` of the entries still kept in `module`'s `name`, chosen at random
    /// (`prune.random_unstructured`). Returns `module`.
    @discardableResult
    public static func randomUnstructured<M: Module>(_ module: M, _ name: String = "weight", amount: Amount,
                                                    generator: Generator? = nil) -> M {
        globalUnstructured([(module, name)], method: .randomUnstructured, amount: amount, generator: generator)
        return module
    }

    /// Prunes `amount` of the entries still kept across all `parameters` together
    /// (`prune.global_unstructured`): a layer of small weights loses more than one of large ones.
    public static func globalUnstructured(_ parameters: [(Module, String)], method: Method = .l1Unstructured, amount: Amount,
                                          generator: Generator? = nil) {
        var values: [Tensor] = [], masks: [Tensor] = []
        for (module, name) in parameters {
            let mask = mask(of: module, name)
            let value = mask == nil ? module.getParameter(name) : (module.getSubmodule("parametrizations.\(name)") as? ParametrizationList)?
                .getParameter("original")
            guard let value else {
                argumentError("Prune", "\(type(of: module)) has no parameter named \"\(name)\"")
                return
            }
            values.append(value.detach())
            masks.append(mask ?? Tensor.ones(like: value))
        }
        withNoGrad {
            let flatMasks = Tensor.cat(masks.map { $0.reshape([-1]) })
            let kept = flatMasks.sum().item(as: Int.self)
            guard let k = amount.count(of: kept) else {
                argumentError("Prune", "amount \(amount) is out of range for \(kept) kept entries")
                return
            }
            // Pruned entries score +inf so that only kept ones are chosen.
            let scores: Tensor
            switch method {
            case .l1Unstructured: scores = Tensor.cat(values.map { $0.abs().reshape([-1]) }).to(dtype: .float64)
            case .randomUnstructured:
                scores = Tensor.rand([flatMasks.numel], dtype: .float64, generator: generator)
            }
            let newMask = flatMasks.clone()
            if k > 0 {
                let chosen = scores.maskedFill(flatMasks .== 0, Double.infinity).topk(k, largest: false).indices
                _ = newMask.indexFill_(dim: 0, index: chosen, value: 0)
            }
            var offset = 0
            for ((module, name), value) in zip(parameters, values) {
                let mask = newMask[offset..<(offset + value.numel)].reshape(value.shape).to(dtype: value.dtype)
                offset += value.numel
                if let existing = self.mask(of: module, name) {
                    existing.copy_(mask)
                } else {
                    Parametrize.registerParametrization(module, name, PruningMask(mask))
                }
            }
        }
    }

    /// Makes the pruning of `module`'s `name` permanent (`prune.remove`): the parameter keeps its
    /// masked value and the mask goes.
    public static func remove(_ module: Module, _ name: String = "weight") {
        guard mask(of: module, name) != nil else {
            argumentError("Prune.remove", "\(type(of: module)).\(name) is not pruned")
            return
        }
        Parametrize.removeParametrizations(module, name, leaveParametrized: true)
    }
}
