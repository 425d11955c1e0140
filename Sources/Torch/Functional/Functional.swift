/// `torch.nn.functional`: stateless layers, activations and losses on tensors.
public enum Functional {}

/// The short name PyTorch users write: `F.relu(x)`.
public typealias F = Functional

/// How a loss reduces its per-element values.
public enum Reduction: Int, Sendable {
    case none = 0
    case mean = 1
    case sum = 2
}
