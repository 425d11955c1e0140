import Foundation

/// Averaged stochastic gradient descent (`torch.optim.ASGD`): SGD with a decaying step size
/// `eta` and, after `t0` steps, a running average `ax` of the weights. Each step follows
/// PyTorch's per-tensor implementation (its default on the CPU), in its order.
public final class ASGD: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, lambd: Double = 1e-4, alpha: Double = 0.75, t0: Double = 1e6,
                weightDecay: Double = 0, maximize: Bool = false) {
        validate("ASGD", lr: lr, ["weight_decay": weightDecay])
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("lambd", .double(lambd)), ("alpha", .double(alpha)), ("t0", .double(t0)),
            ("weight_decay", .double(weightDecay)), ("foreach", .none), ("maximize", .bool(maximize)),
            ("differentiable", false), ("capturable", false),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-2, lambd: Double = 1e-4, alpha: Double = 0.75, t0: Double = 1e6,
                            weightDecay: Double = 0, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, lambd: lambd, alpha: alpha, t0: t0, weightDecay: weightDecay, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "eta", "mu", "ax"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let lr = group.lr
        let (lambd, alpha, t0) = (group.double("lambd"), group.double("alpha"), group.double("t0"))
        let (weightDecay, maximize) = (group.double("weight_decay"), group.bool("maximize"))
        let lists = stateTensors(params, stateKeyOrder) { p in
            ["step": .tensor(Tensor.zeros([])), "eta": .tensor(Tensor.full([], lr)), "mu": .tensor(Tensor.ones([])),
             "ax": .tensor(Tensor.zeros(like: p))]
        }
        for (i, param) in params.enumerated() {
            let (step, eta, mu, ax) = (lists[0][i], lists[1][i], lists[2][i], lists[3][i])
            var grad = maximize ? -grads[i] : grads[i]
            _ = step.add_(Tensor(Float(1)))
            if weightDecay != 0 { grad = grad.clone().add_(param, alpha: weightDecay) }
            let etaValue: Double = eta.item()
            _ = param.mul_(1 - lambd * etaValue)
            _ = param.add_(grad, alpha: -etaValue)
            if mu.item() as Double != 1 {
                _ = ax.add_((param - ax).mul_(mu))
            } else {
                _ = ax.copy_(param)
            }
            let t: Double = step.item()
            _ = eta.fill_(Double(Float(lr / pow(1 + lambd * lr * t, alpha))))
            _ = mu.fill_(Double(Float(1 / max(1, t - t0))))
        }
    }
}
