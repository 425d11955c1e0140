/// RMSprop (`torch.optim.RMSprop`), centred or not, with momentum and weight decay; libtorch
/// has no fused kernel for it, so each step is a handful of `_foreach_*` calls per group, in
/// the order of PyTorch's foreach implementation.
public final class RMSprop: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false, maximize: Bool = false) {
        validate("RMSprop", lr: lr, ["epsilon": eps, "momentum": momentum, "weight_decay": weightDecay, "alpha": alpha])
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("momentum", .double(momentum)), ("alpha", .double(alpha)), ("eps", .double(eps)),
            ("centered", .bool(centered)), ("weight_decay", .double(weightDecay)), ("capturable", false),
            ("foreach", true), ("maximize", .bool(maximize)), ("differentiable", false),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                            weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false,
                            maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum,
                  centered: centered, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "square_avg", "momentum_buffer", "grad_avg"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let (alpha, eps, lr) = (group.double("alpha"), group.double("eps"), group.lr)
        let (momentum, weightDecay, centered) = (group.double("momentum"), group.double("weight_decay"), group.bool("centered"))
        var steps: [Tensor] = [], squareAvgs: [Tensor] = [], buffers: [Tensor] = [], gradAvgs: [Tensor] = []
        for p in params {
            let s = state(of: p) {
                var s: [String: StateValue] = ["step": .tensor(Tensor.zeros([])), "square_avg": .tensor(Tensor.zeros(like: p))]
                if momentum > 0 { s["momentum_buffer"] = .tensor(Tensor.zeros(like: p)) }
                if centered { s["grad_avg"] = .tensor(Tensor.zeros(like: p)) }
                return s
            }
            steps.append(tensor(s, "step"))
            squareAvgs.append(tensor(s, "square_avg"))
            if momentum > 0 { buffers.append(tensor(s, "momentum_buffer")) }
            if centered { gradAvgs.append(tensor(s, "grad_avg")) }
        }
        var g = group.bool("maximize") ? ForeachOps.neg.list(.tensors(grads)) : grads
        ForeachOps.addScalar_(.tensors(steps), .int(1))
        if weightDecay != 0 {
            g = ForeachOps.addList.list(.tensors(g), .tensors(params), .double(weightDecay))
        }
        ForeachOps.mulScalar_(.tensors(squareAvgs), .double(alpha))
        ForeachOps.addcmul_(.tensors(squareAvgs), .tensors(g), .tensors(g), .double(1 - alpha))
        let avg: [Tensor]
        if centered {
            ForeachOps.lerp_(.tensors(gradAvgs), .tensors(g), .double(1 - alpha))
            avg = ForeachOps.addcmul.list(.tensors(squareAvgs), .tensors(gradAvgs), .tensors(gradAvgs), .double(-1))
            ForeachOps.sqrt_(.tensors(avg))
        } else {
            avg = ForeachOps.sqrt.list(.tensors(squareAvgs))
        }
        ForeachOps.addScalar_(.tensors(avg), .double(eps))
        if momentum > 0 {
            ForeachOps.mulScalar_(.tensors(buffers), .double(momentum))
            ForeachOps.addcdiv_(.tensors(buffers), .tensors(g), .tensors(avg), .int(1))
            ForeachOps.addList_(.tensors(params), .tensors(buffers), .double(-lr))
        } else {
            ForeachOps.addcdiv_(.tensors(params), .tensors(g), .tensors(avg), .double(-lr))
        }
    }
}
