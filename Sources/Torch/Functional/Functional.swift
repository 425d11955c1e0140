/// `torch.nn.functional`: stateless layers, activations and losses on tensors.
public enum Functional {}

/// The short name PyTorch users write: `F.relu(x)`.
public typealias F = Functional

/// How a loss reduces its per-element values.
public enum Reduction: Int, Sendable {
    case none = 0
    case mean = 1
    case sum = 2
    /// The sum divided by the batch size (`kl_div`'s "batchmean" only).
    case batchMean = 3

    /// ATen's reduction code, refusing `.batchMean` where it does not apply.
    func code(_ loss: String) -> Int {
        if self == .batchMean { argumentError(loss, "reduction .batchMean applies to klDiv only") }
        return self == .batchMean ? Reduction.mean.rawValue : rawValue
    }

    /// A loss computed per element, reduced as this says (`.batchMean` as `.mean`).
    func reduce(_ loss: Tensor) -> Tensor {
        switch self {
        case .none: return loss
        case .sum: return loss.sum()
        default: return loss.mean()
        }
    }
}
