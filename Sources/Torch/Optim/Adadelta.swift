/// Adadelta (`torch.optim.Adadelta`): steps scaled by running averages of squared gradients and
/// squared updates. libtorch has no kernel for it: each step is the `_foreach_*` calls of
/// PyTorch's foreach implementation, in its order.
public final class Adadelta: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0,
                maximize: Bool = false) {
        validate("Adadelta", lr: lr, ["epsilon": eps, "weight_decay": weightDecay])
        if !(0...1).contains(rho) { argumentError("Adadelta", "Invalid rho value: \(rho)") }
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("rho", .double(rho)), ("eps", .double(eps)), ("weight_decay", .double(weightDecay)),
            ("maximize", .bool(maximize)), ("capturable", false), ("foreach", .none), ("differentiable", false),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 1, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0,
                            maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, rho: rho, eps: eps, weightDecay: weightDecay, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "square_avg", "acc_delta"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let (rho, eps, weightDecay, maximize) = (group.double("rho"), group.double("eps"), group.double("weight_decay"), group.bool("maximize"))
        let lists = stateTensors(params, stateKeyOrder) { p in
            ["step": .tensor(Tensor.zeros([])), "square_avg": .tensor(Tensor.zeros(like: p)), "acc_delta": .tensor(Tensor.zeros(like: p))]
        }
        let (steps, squareAvgs, accDeltas) = (lists[0], lists[1], lists[2])
        ForeachOps.addScalar_(.tensors(steps), .int(1))
        var g = maximize ? ForeachOps.neg.list(.tensors(grads)) : grads
        g = decayed(g, params, weightDecay: weightDecay, lr: group.lr, copied: maximize)
        ForeachOps.mulScalar_(.tensors(squareAvgs), .double(rho))
        ForeachOps.addcmul_(.tensors(squareAvgs), .tensors(g), .tensors(g), .double(1 - rho))
        let std = ForeachOps.addScalar.list(.tensors(squareAvgs), .double(eps))
        ForeachOps.sqrt_(.tensors(std))
        let deltas = ForeachOps.addScalar.list(.tensors(accDeltas), .double(eps))
        ForeachOps.sqrt_(.tensors(deltas))
        ForeachOps.divList_(.tensors(deltas), .tensors(std))
        ForeachOps.mulList_(.tensors(deltas), .tensors(g))
        ForeachOps.mulScalar_(.tensors(accDeltas), .double(rho))
        ForeachOps.addcmul_(.tensors(accDeltas), .tensors(deltas), .tensors(deltas), .double(1 - rho))
        ForeachOps.addList_(.tensors(params), .tensors(deltas), .double(-group.lr))
    }
}
