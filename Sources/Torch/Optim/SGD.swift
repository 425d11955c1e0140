/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay
/// (`torch.optim.SGD`): a few `_foreach_*` calls per group and step, in the order of PyTorch's
/// foreach implementation (libtorch's `_fused_sgd_` rounds differently: with dampening it drifted
/// from `torch.optim.SGD` by up to 9e-7 in 50 steps, so it is not used).
public final class SGD: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) {
        validate("SGD", lr: lr, ["momentum": momentum, "weight_decay": weightDecay])
        if nesterov && (momentum <= 0 || dampening != 0) {
            argumentError("SGD", "Nesterov momentum requires a momentum and zero dampening")
        }
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("momentum", .double(momentum)), ("dampening", .double(dampening)),
            ("weight_decay", .double(weightDecay)), ("nesterov", .bool(nesterov)), ("maximize", .bool(maximize)),
            ("foreach", true), ("differentiable", false), ("fused", .none),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                  nesterov: nesterov, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["momentum_buffer"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let (momentum, weightDecay, lr) = (group.double("momentum"), group.double("weight_decay"), group.lr)
        var g = group.bool("maximize") ? ForeachOps.neg.list(.tensors(grads)) : grads
        if weightDecay != 0 { g = ForeachOps.addList.list(.tensors(g), .tensors(params), .double(weightDecay)) }
        if momentum != 0 {
            let dampening = 1 - group.double("dampening")
            let existing = params.map { stateTensor($0, "momentum_buffer") }
            var buffers: [Tensor] = []
            if existing.allSatisfy({ $0 != nil }) {
                buffers = existing.map { $0! }
                ForeachOps.mulScalar_(.tensors(buffers), .double(momentum))
                ForeachOps.addList_(.tensors(buffers), .tensors(g), .alpha(dampening))
            } else {
                for (i, p) in params.enumerated() {
                    if let buffer = existing[i] {
                        buffer.mul_(momentum).add_(g[i], alpha: dampening)
                        buffers.append(buffer)
                    } else {
                        let buffer = g[i].clone().detach()
                        state[ObjectIdentifier(p)] = ["momentum_buffer": .tensor(buffer)]
                        buffers.append(buffer)
                    }
                }
            }
            if group.bool("nesterov") {
                if g.elementsEqual(grads, by: ===) { g = g.map { $0.clone() } }
                ForeachOps.addList_(.tensors(g), .tensors(buffers), .double(momentum))
            } else {
                g = buffers
            }
        }
        ForeachOps.addList_(.tensors(params), .tensors(g), .double(-lr))
    }
}

/// Refuses negative hyper-parameters with PyTorch's messages.
func validate(_ optimizer: String, lr: Double, _ values: KeyValuePairs<String, Double>) {
    if lr < 0 { argumentError(optimizer, "Invalid learning rate: \(lr)") }
    for (name, value) in values where value < 0 {
        argumentError(optimizer, "Invalid \(name) value: \(value)")
    }
}
