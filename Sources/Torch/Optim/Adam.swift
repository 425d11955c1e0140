/// ATen's fused Adam kernels.
enum AdamOps {
    static let fusedAdam = ATenOp("aten::_fused_adam_")
    static let fusedAdamW = ATenOp("aten::_fused_adamw_")
}

/// Adam (`torch.optim.Adam`), with L2 weight decay, AMSGrad and maximisation; one call of
/// libtorch's `_fused_adam_` per group and step. `AdamW` decouples the weight decay.
public class Adam: Optimizer {
    let decoupled: Bool

    init(_ groups: [ParamGroup], lr: Double, betas: (Double, Double), eps: Double, weightDecay: Double, amsgrad: Bool,
         maximize: Bool, decoupled: Bool) {
        let name = decoupled ? "AdamW" : "Adam"
        validate(name, lr: lr, ["epsilon": eps, "weight_decay": weightDecay])
        if !(0..<1).contains(betas.0) { argumentError(name, "Invalid beta parameter at index 0: \(betas.0)") }
        if !(0..<1).contains(betas.1) { argumentError(name, "Invalid beta parameter at index 1: \(betas.1)") }
        self.decoupled = decoupled
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("betas", .tuple([.double(betas.0), .double(betas.1)])), ("eps", .double(eps)),
            ("weight_decay", .double(weightDecay)), ("amsgrad", .bool(amsgrad)), ("maximize", .bool(maximize)),
            ("foreach", .none), ("capturable", false), ("differentiable", false), ("fused", true),
            ("decoupled_weight_decay", .bool(decoupled)),
        ])
    }

    public convenience init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false) {
        self.init(groups, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize,
                  decoupled: false)
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                  maximize: maximize, decoupled: false)
    }

    public override var stateKeyOrder: [String] { ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let amsgrad = group.bool("amsgrad")
        var steps: [Tensor] = [], expAvgs: [Tensor] = [], expAvgSqs: [Tensor] = [], maxExpAvgSqs: [Tensor] = []
        for p in params {
            let s = state(of: p) {
                var s: [String: StateValue] = [
                    "step": .tensor(Tensor.zeros([], device: p.device)),
                    "exp_avg": .tensor(Tensor.zeros(like: p)), "exp_avg_sq": .tensor(Tensor.zeros(like: p)),
                ]
                if amsgrad { s["max_exp_avg_sq"] = .tensor(Tensor.zeros(like: p)) }
                return s
            }
            steps.append(tensor(s, "step"))
            expAvgs.append(tensor(s, "exp_avg"))
            expAvgSqs.append(tensor(s, "exp_avg_sq"))
            if amsgrad { maxExpAvgSqs.append(tensor(s, "max_exp_avg_sq")) }
        }
        let betas = group["betas"]?.arrayValue?.compactMap(\.doubleValue) ?? [0.9, 0.999]
        ForeachOps.addScalar_(.tensors(steps), .int(1))
        (decoupled ? AdamOps.fusedAdamW : AdamOps.fusedAdam)(
            .tensors(params), .tensors(grads), .tensors(expAvgs), .tensors(expAvgSqs), .tensors(maxExpAvgSqs),
            .tensors(steps), .double(group.lr), .double(betas[0]), .double(betas[1]),
            .double(group.double("weight_decay")), .double(group.double("eps")), .bool(amsgrad),
            .bool(group.bool("maximize")))
    }
}

/// Adam with decoupled weight decay (`torch.optim.AdamW`), through `_fused_adamw_`.
public final class AdamW: Adam {
    public init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false) {
        super.init(groups, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize,
                   decoupled: true)
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                  maximize: maximize)
    }
}
