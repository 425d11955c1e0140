/// ATen's fused Adagrad kernel.
enum AdagradOps {
    static let fused = ATenOp("aten::_fused_adagrad_")
}

/// Adagrad (`torch.optim.Adagrad`), with learning-rate decay and weight decay; one call of
/// libtorch's `_fused_adagrad_` per group and step. State is made for every parameter at
/// construction, as in PyTorch.
public final class Adagrad: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false) {
        validate("Adagrad", lr: lr, ["lr_decay": lrDecay, "weight_decay": weightDecay,
                                     "initial_accumulator_value": initialAccumulatorValue, "epsilon": eps])
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("lr_decay", .double(lrDecay)), ("eps", .double(eps)),
            ("weight_decay", .double(weightDecay)), ("initial_accumulator_value", .double(initialAccumulatorValue)),
            ("foreach", .none), ("maximize", .bool(maximize)), ("differentiable", false), ("fused", true),
        ])
        for group in paramGroups {
            for p in group.params {
                state[ObjectIdentifier(p)] = [
                    "step": .tensor(Tensor.zeros([])),
                    "sum": .tensor(Tensor.full(like: p, group.double("initial_accumulator_value"))),
                ]
            }
        }
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                            initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, lrDecay: lrDecay, weightDecay: weightDecay,
                  initialAccumulatorValue: initialAccumulatorValue, eps: eps, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "sum"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let steps = params.map { stateTensor($0, "step")! }
        let sums = params.map { stateTensor($0, "sum")! }
        ForeachOps.addScalar_(.tensors(steps), .int(1))
        AdagradOps.fused(.tensors(params), .tensors(grads), .tensors(sums), .tensors(steps), .double(group.lr),
                         .double(group.double("lr_decay")), .double(group.double("weight_decay")),
                         .double(group.double("eps")), .bool(group.bool("maximize")))
    }
}
