import Foundation

/// RAdam (`torch.optim.RAdam`): Adam whose adaptive step is rectified while the variance of the
/// second moment is not yet tractable, with L2 or decoupled weight decay. libtorch has no kernel
/// for it: each step is the `_foreach_*` calls of PyTorch's foreach implementation, in its order.
public final class RAdam: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false, maximize: Bool = false) {
        validate("RAdam", lr: lr, ["epsilon": eps, "weight_decay": weightDecay])
        if !(0..<1).contains(betas.0) { argumentError("RAdam", "Invalid beta parameter at index 0: \(betas.0)") }
        if !(0..<1).contains(betas.1) { argumentError("RAdam", "Invalid beta parameter at index 1: \(betas.1)") }
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("betas", .tuple([.double(betas.0), .double(betas.1)])), ("eps", .double(eps)),
            ("weight_decay", .double(weightDecay)), ("maximize", .bool(maximize)), ("foreach", .none), ("capturable", false),
            ("decoupled_weight_decay", .bool(decoupledWeightDecay)), ("differentiable", false),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                            weightDecay: Double = 0, decoupledWeightDecay: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
                  decoupledWeightDecay: decoupledWeightDecay, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "exp_avg", "exp_avg_sq"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let betas = group["betas"]?.arrayValue?.compactMap(\.doubleValue) ?? [0.9, 0.999]
        let (beta1, beta2, lr, eps) = (betas[0], betas[1], group.lr, group.double("eps"))
        let (weightDecay, maximize) = (group.double("weight_decay"), group.bool("maximize"))
        let lists = stateTensors(params, stateKeyOrder) { p in
            ["step": .tensor(Tensor.zeros([])), "exp_avg": .tensor(Tensor.zeros(like: p)), "exp_avg_sq": .tensor(Tensor.zeros(like: p))]
        }
        let (steps, expAvgs, expAvgSqs) = (lists[0], lists[1], lists[2])
        ForeachOps.addScalar_(.tensors(steps), .int(1))
        var g = maximize ? ForeachOps.neg.list(.tensors(grads)) : grads
        let rhoInf = 2 / (1 - beta2) - 1
        let stepValues: [Double] = steps.map { $0.item() }
        let rhoT = stepValues.map { rhoInf - 2 * $0 * pow(beta2, $0) / (1 - pow(beta2, $0)) }
        g = decayed(g, params, weightDecay: weightDecay, lr: lr, decoupled: group.bool("decoupled_weight_decay"), copied: maximize)
        ForeachOps.lerp_(.tensors(expAvgs), .tensors(g), .double(1 - beta1))
        ForeachOps.mulScalar_(.tensors(expAvgSqs), .double(beta2))
        ForeachOps.addcmul_(.tensors(expAvgSqs), .tensors(g), .tensors(g), .double(1 - beta2))
        let rect = rhoT.map { $0 > 5 ? pow(($0 - 4) * ($0 - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * $0), 0.5) : 0 }
        let biasCorrection1 = stepValues.map { 1 - pow(beta1, $0) }
        let unrectifiedStep = zip(rect, biasCorrection1).map { (lr * ($0 > 0 ? 0 : 1.0) / $1) * -1 }
        let biasCorrection2 = zip(stepValues, zip(rect, biasCorrection1)).map { step, rb in
            pow(1 - pow(beta2, step), 0.5) * (lr * rb.0 / rb.1) * -1
        }
        let buffer = ForeachOps.sqrt.list(.tensors(expAvgSqs))
        ForeachOps.addScalar_(.tensors(buffer), .double(eps))
        ForeachOps.divScalarList_(.tensors(buffer), .doubles(biasCorrection2))
        ForeachOps.reciprocal_(.tensors(buffer))
        ForeachOps.addScalarList_(.tensors(buffer), .doubles(unrectifiedStep))
        ForeachOps.addcmul_(.tensors(params), .tensors(expAvgs), .tensors(buffer), .int(1))
    }
}
