/// Resilient backpropagation (`torch.optim.Rprop`): each weight moves by its own step size in
/// the direction against its gradient's sign; the step size grows by `etas.1` while the sign
/// keeps, shrinks by `etas.0` when it flips (and that step is skipped), within `stepSizes`.
/// Each step is the calls of PyTorch's foreach implementation, in its order.
public final class Rprop: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, etas: (Double, Double) = (0.5, 1.2),
                stepSizes: (Double, Double) = (1e-6, 50), maximize: Bool = false) {
        validate("Rprop", lr: lr, [:])
        if !(0 < etas.0 && etas.0 < 1 && 1 < etas.1) { argumentError("Rprop", "Invalid eta values: \(etas.0), \(etas.1)") }
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("etas", .tuple([.double(etas.0), .double(etas.1)])),
            ("step_sizes", .tuple([.double(stepSizes.0), .double(stepSizes.1)])), ("foreach", .none),
            ("maximize", .bool(maximize)), ("differentiable", false), ("capturable", false),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-2, etas: (Double, Double) = (0.5, 1.2),
                            stepSizes: (Double, Double) = (1e-6, 50), maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, etas: etas, stepSizes: stepSizes, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "prev", "step_size"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let etas = group["etas"]?.arrayValue?.compactMap(\.doubleValue) ?? [0.5, 1.2]
        let bounds = group["step_sizes"]?.arrayValue?.compactMap(\.doubleValue) ?? [1e-6, 50]
        let (etaMinus, etaPlus, maximize) = (etas[0], etas[1], group.bool("maximize"))
        let lr = group.lr
        let lists = stateTensors(params, stateKeyOrder) { p in
            ["step": .tensor(Tensor.zeros([])), "prev": .tensor(Tensor.zeros(like: p)), "step_size": .tensor(Tensor.full(like: p, lr))]
        }
        let (steps, prevs, stepSizes) = (lists[0], lists[1], lists[2])
        ForeachOps.addScalar_(.tensors(steps), .int(1))
        let signs = ForeachOps.mulList.list(.tensors(grads), .tensors(prevs))
        if maximize { ForeachOps.neg_(.tensors(signs)) }
        ForeachOps.copy_(.tensors(prevs), .tensors(grads))
        if maximize { ForeachOps.neg_(.tensors(prevs)) }
        ForeachOps.sign_(.tensors(signs))
        for sign in signs {
            _ = sign.maskedFill_(sign .> 0, etaPlus)
            _ = sign.maskedFill_(sign .< 0, etaMinus)
            _ = sign.maskedFill_(sign .== 0, 1)
        }
        ForeachOps.mulList_(.tensors(stepSizes), .tensors(signs))
        for stepSize in stepSizes { _ = stepSize.clamp_(min: bounds[0], max: bounds[1]) }
        for (g, sign) in zip(prevs, signs) { _ = g.maskedFill_(sign .== etaMinus, 0) }
        ForeachOps.addcmul_(.tensors(params), .tensors(prevs.map { $0.sign() }), .tensors(stepSizes), .double(-1))
    }
}
