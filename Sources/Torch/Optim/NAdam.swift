import Foundation

/// NAdam (`torch.optim.NAdam`): Adam with Nesterov momentum and momentum decay, with L2 or
/// decoupled weight decay. libtorch has no kernel for it: each step is the `_foreach_*` calls of
/// PyTorch's foreach implementation, in its order.
public final class NAdam: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false,
                maximize: Bool = false) {
        validate("NAdam", lr: lr, ["epsilon": eps, "weight_decay": weightDecay, "momentum_decay": momentumDecay])
        if !(0..<1).contains(betas.0) { argumentError("NAdam", "Invalid beta parameter at index 0: \(betas.0)") }
        if !(0..<1).contains(betas.1) { argumentError("NAdam", "Invalid beta parameter at index 1: \(betas.1)") }
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("betas", .tuple([.double(betas.0), .double(betas.1)])), ("eps", .double(eps)),
            ("weight_decay", .double(weightDecay)), ("momentum_decay", .double(momentumDecay)),
            ("decoupled_weight_decay", .bool(decoupledWeightDecay)), ("maximize", .bool(maximize)), ("foreach", .none),
            ("capturable", false), ("differentiable", false),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                            weightDecay: Double = 0, momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false,
                            maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, momentumDecay: momentumDecay,
                  decoupledWeightDecay: decoupledWeightDecay, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "mu_product", "exp_avg", "exp_avg_sq"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let betas = group["betas"]?.arrayValue?.compactMap(\.doubleValue) ?? [0.9, 0.999]
        let (beta1, beta2, lr, eps) = (betas[0], betas[1], group.lr, group.double("eps"))
        let (weightDecay, momentumDecay, maximize) = (group.double("weight_decay"), group.double("momentum_decay"), group.bool("maximize"))
        let lists = stateTensors(params, stateKeyOrder) { p in
            ["step": .tensor(Tensor.zeros([])), "mu_product": .tensor(Tensor.ones([])),
             "exp_avg": .tensor(Tensor.zeros(like: p)), "exp_avg_sq": .tensor(Tensor.zeros(like: p))]
        }
        let (steps, muProducts, expAvgs, expAvgSqs) = (lists[0], lists[1], lists[2], lists[3])
        var g = maximize ? ForeachOps.neg.list(.tensors(grads)) : grads
        ForeachOps.addScalar_(.tensors(steps), .int(1))
        g = decayed(g, params, weightDecay: weightDecay, lr: lr, decoupled: group.bool("decoupled_weight_decay"), copied: maximize)
        ForeachOps.lerp_(.tensors(expAvgs), .tensors(g), .double(1 - beta1))
        ForeachOps.mulScalar_(.tensors(expAvgSqs), .double(beta2))
        ForeachOps.addcmul_(.tensors(expAvgSqs), .tensors(g), .tensors(g), .double(1 - beta2))
        let denominators = ForeachOps.sqrt.list(.tensors(expAvgSqs))
        let stepValues: [Double] = steps.map { $0.item() }
        let biasCorrectionSqrt = stepValues.map { pow(1 - pow(beta2, $0), 0.5) }
        let mus = stepValues.map { beta1 * (1 - 0.5 * pow(0.96, $0 * momentumDecay)) }
        let muNexts = stepValues.map { beta1 * (1 - 0.5 * pow(0.96, ($0 + 1) * momentumDecay)) }
        ForeachOps.mulScalarList_(.tensors(muProducts), .doubles(mus))
        ForeachOps.divScalarList_(.tensors(denominators), .doubles(biasCorrectionSqrt))
        ForeachOps.addScalar_(.tensors(denominators), .double(eps))
        let products: [Double] = muProducts.map { $0.item() }
        let gradSteps = zip(products, mus).map { (lr * (1 - $1) / (1 - $0)) * -1 }
        let averageSteps = zip(products, muNexts).map { (lr * $1 / (1 - $0 * $1)) * -1 }
        ForeachOps.addcdivScalarList_(.tensors(params), .tensors(g), .tensors(denominators), .doubles(gradSteps))
        ForeachOps.addcdivScalarList_(.tensors(params), .tensors(expAvgs), .tensors(denominators), .doubles(averageSteps))
    }
}
