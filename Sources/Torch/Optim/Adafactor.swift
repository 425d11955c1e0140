import Foundation

/// Adafactor (`torch.optim.Adafactor`): Adam-like steps whose second moment is factored into
/// row and column averages for matrices (memory of rows + columns, not of every weight), with
/// a relative step size and update clipping. Each step follows PyTorch's per-tensor
/// implementation (its default on the CPU), in its order.
public final class Adafactor: Optimizer {
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, beta2Decay: Double = -0.8, eps: (Double?, Double) = (nil, 1e-3),
                d: Double = 1, weightDecay: Double = 0, maximize: Bool = false) {
        if lr < 0 { argumentError("Adafactor", "Learning rate should be >= 0 but is: \(lr)") }
        if beta2Decay > 0 { argumentError("Adafactor", "beta2_decay should be <= 0 but is: \(beta2Decay)") }
        if let eps1 = eps.0, eps1 < 0 { argumentError("Adafactor", "epsilon1 should be >= 0 but is: \(eps1)") }
        if eps.1 < 0 { argumentError("Adafactor", "epsilon2 should be >= 0 but is: \(eps.1)") }
        if d < 1 { argumentError("Adafactor", "Clipping threshold d should be >= 1 but is: \(d)") }
        if weightDecay < 0 { argumentError("Adafactor", "weight_decay should be >= 0 but is: \(weightDecay)") }
        super.init(groups, defaults: [
            ("lr", .double(lr)), ("beta2_decay", .double(beta2Decay)), ("eps", .tuple([eps.0.map { .double($0) } ?? .none, .double(eps.1)])),
            ("d", .double(d)), ("weight_decay", .double(weightDecay)), ("foreach", .none), ("maximize", .bool(maximize)),
        ])
    }

    public convenience init(_ params: [Tensor], lr: Double = 1e-2, beta2Decay: Double = -0.8, eps: (Double?, Double) = (nil, 1e-3),
                            d: Double = 1, weightDecay: Double = 0, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, beta2Decay: beta2Decay, eps: eps, d: d, weightDecay: weightDecay, maximize: maximize)
    }

    public override var stateKeyOrder: [String] { ["step", "row_var", "col_var", "variance"] }

    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        let lr = group.lr
        let (beta2Decay, d, weightDecay, maximize) = (group.double("beta2_decay"), group.double("d"), group.double("weight_decay"),
                                                      group.bool("maximize"))
        let eps = group["eps"]?.arrayValue ?? []
        let eps2 = eps.count > 1 ? eps[1].doubleValue ?? 1e-3 : 1e-3
        for (param, rawGrad) in zip(params, grads) {
            let grad = maximize ? -rawGrad : rawGrad
            let s = state(of: param) {
                var entries: [String: StateValue] = ["step": .tensor(Tensor.zeros([]))]
                if grad.dim > 1 {
                    var rows = grad.shape, columns = grad.shape
                    rows[rows.count - 1] = 1
                    columns[columns.count - 2] = 1
                    entries["row_var"] = .tensor(Tensor.zeros(rows, dtype: grad.dtype, device: grad.device))
                    entries["col_var"] = .tensor(Tensor.zeros(columns, dtype: grad.dtype, device: grad.device))
                } else {
                    entries["variance"] = .tensor(Tensor.zeros(like: grad))
                }
                return entries
            }
            let eps1 = eps.first?.doubleValue ?? param.dtype.epsilon
            let step = tensor(s, "step")
            _ = step.add_(Tensor(Float(1)))
            let t: Double = step.item()
            let weight = pow(t, beta2Decay)
            let rho = min(lr, 1 / pow(t, 0.5))
            let alpha = max(eps2, (param.norm(2).item() as Double) / pow(Double(param.numel), 0.5)) * rho
            if weightDecay != 0 { _ = param.mul_(1 - lr * weightDecay) }
            let estimate: Tensor
            if grad.dim > 1, let rowVar = s["row_var"]?.tensorValue, let colVar = s["col_var"]?.tensorValue {
                let rowNorm = grad.norm(2, dim: [-1], keepDim: true), colNorm = grad.norm(2, dim: [-2], keepDim: true)
                ForeachOps.lerp_(.tensors([rowVar]), .tensors([rowNorm * rowNorm / Double(grad.size(-1))]), .double(weight))
                ForeachOps.lerp_(.tensors([colVar]), .tensors([colNorm * colNorm / Double(grad.size(-2))]), .double(weight))
                estimate = rowVar.matmul(colVar)
                _ = estimate.div_(rowVar.mean(dim: -2, keepDim: true).clamp_(min: eps1))
            } else {
                let variance = tensor(s, "variance")
                ForeachOps.lerp_(.tensors([variance]), .tensors([grad * grad]), .double(weight))
                estimate = variance.clone()
            }
            let update = estimate.clamp_(min: eps1 * eps1).rsqrt()
            _ = update.mul_(grad)
            let denom = max(1, (update.norm(2).item() as Double) / (pow(Double(update.numel), 0.5) * d))
            _ = param.add_(update, alpha: -alpha / denom)
        }
    }
}
