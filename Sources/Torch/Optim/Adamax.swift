import Foundation

/// Adamax (`torch.optim.Adamax`): Adam with the infinity norm of past gradients in place of the
/// second moment. libtorch has no kernel for it: each step is the `_foreach_*` calls of
/// PyTorch's foreach implementation, in its order.
public final class Adamax: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, maximize: Bool = false) {
        validate("Adamax", lr: lr, ["epsilon": eps, "weight_decay": weightDecay])
        if !(0..<1).contains(betas.0) { argumentError("Adamax", "Invalid beta parameter at index 0: \(betas.0)") }
        if !(0..<1).contains(betas.1) { argumentError("Adamax", "Invalid beta parameter at index 1: \(betas.1)") }
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("betas", .tuple([.double(betas.0), .double(betas.1)])), ("eps", .double(eps)),
            ("weight_decay", .double(weightDecay)), ("foreach", .none), ("maximize", .bool(maximize)),
            ("differentiable", false), ("capturable", false),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                            weightDecay: Double = 0, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "exp_avg", "exp_inf"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let betas = group["betas"]?.arrayValue?.compactMap(\.doubleValue) ?? [0.9, 0.999]
        let (beta1, beta2) = (betas[0], betas[1])
        let (eps, weightDecay, maximize) = (group.double("eps"), group.double("weight_decay"), group.bool("maximize"))
        let lists = stateTensors(params, stateKeyOrder) { p in
            ["step": .tensor(Tensor.zeros([])), "exp_avg": .tensor(Tensor.zeros(like: p)), "exp_inf": .tensor(Tensor.zeros(like: p))]
        }
        let (steps, expAvgs, expInfs) = (lists[0], lists[1], lists[2])
        var g = maximize ? ForeachOps.neg.list(.tensors(grads)) : grads
        ForeachOps.addScalar_(.tensors(steps), .int(1))
        g = decayed(g, params, weightDecay: weightDecay, lr: group.lr, copied: maximize)
        ForeachOps.lerp_(.tensors(expAvgs), .tensors(g), .double(1 - beta1))
        ForeachOps.mulScalar_(.tensors(expInfs), .double(beta2))
        if !maximize && weightDecay == 0 {
            g = ForeachOps.abs.list(.tensors(g))
        } else {
            ForeachOps.abs_(.tensors(g))
        }
        ForeachOps.addScalar_(.tensors(g), .double(eps))
        ForeachOps.maximumList_(.tensors(expInfs), .tensors(g))
        let stepSizes = steps.map { (group.lr / (1 - pow(beta1, $0.item() as Double))) * -1 }
        ForeachOps.addcdivScalarList_(.tensors(params), .tensors(expAvgs), .tensors(expInfs), .doubles(stepSizes))
    }
}
