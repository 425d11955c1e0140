extension Functional {
    /// `max(x, 0)`.
    public static func relu(_ x: Tensor) -> Tensor { x.relu() }
    /// GELU; `approximate` is "none" or "tanh".
    public static func gelu(_ x: Tensor, approximate: String = "none") -> Tensor { x.gelu(approximate: approximate) }
    /// `x * sigmoid(x)`.
    public static func silu(_ x: Tensor) -> Tensor { x.silu() }
    /// `1 / (1 + exp(-x))`.
    public static func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }
    /// Hyperbolic tangent.
    public static func tanh(_ x: Tensor) -> Tensor { x.tanh() }
    /// Smooth ReLU.
    public static func softplus(_ x: Tensor, beta: Double = 1, threshold: Double = 20) -> Tensor {
        x.softplus(beta: beta, threshold: threshold)
    }
    /// Leaky ReLU.
    public static func leakyRelu(_ x: Tensor, negativeSlope: Double = 0.01) -> Tensor {
        x.leakyRelu(negativeSlope: negativeSlope)
    }
    /// Softmax along `dim`.
    public static func softmax(_ x: Tensor, dim: Int) -> Tensor { x.softmax(dim: dim) }
    /// Log-softmax along `dim`.
    public static func logSoftmax(_ x: Tensor, dim: Int) -> Tensor { x.logSoftmax(dim: dim) }
    /// `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.
    public static func elu(_ x: Tensor, alpha: Double = 1) -> Tensor { ATen.elu(x, alpha: .double(alpha)) }
    /// Scaled ELU.
    public static func selu(_ x: Tensor) -> Tensor { ATen.selu(x) }
    /// Continuously differentiable ELU.
    public static func celu(_ x: Tensor, alpha: Double = 1) -> Tensor { ATen.celu(x, alpha: .double(alpha)) }
    /// `x` clamped to `minVal...maxVal`.
    public static func hardtanh(_ x: Tensor, minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        ATen.hardtanh(x, minVal: .double(minVal), maxVal: .double(maxVal))
    }
    /// `min(max(x, 0), 6)`.
    public static func relu6(_ x: Tensor) -> Tensor { hardtanh(x, minVal: 0, maxVal: 6) }
    /// `x * relu6(x + 3) / 6`.
    public static func hardswish(_ x: Tensor) -> Tensor { ATen.hardswish(x) }
    /// `relu6(x + 3) / 6`.
    public static func hardsigmoid(_ x: Tensor) -> Tensor { ATen.hardsigmoid(x) }
    /// `log(sigmoid(x))`.
    public static func logsigmoid(_ x: Tensor) -> Tensor { ATen.logSigmoid(x) }
    /// `x * tanh(softplus(x))`.
    public static func mish(_ x: Tensor) -> Tensor { ATen.mish(x) }
    /// Shrinks towards 0 by `lambd`.
    public static func softshrink(_ x: Tensor, lambd: Double = 0.5) -> Tensor { ATen.softshrink(x, lambd: .double(lambd)) }
    /// `x` outside `-lambd...lambd`, 0 within.
    public static func hardshrink(_ x: Tensor, lambd: Double = 0.5) -> Tensor { ATen.hardshrink(x, lambd: .double(lambd)) }
    /// `x / (1 + |x|)`.
    public static func softsign(_ x: Tensor) -> Tensor { x / (x.abs() + 1.0) }
    /// `x - tanh(x)`.
    public static func tanhshrink(_ x: Tensor) -> Tensor { x - x.tanh() }
    /// `x` above `threshold`, `value` otherwise.
    public static func threshold(_ x: Tensor, threshold: Double, value: Double) -> Tensor {
        ATen.threshold(x, threshold: .double(threshold), value: .double(value))
    }
    /// The first half of `dim` times the sigmoid of the second.
    public static func glu(_ x: Tensor, dim: Int = -1) -> Tensor { ATen.glu(x, dim: dim) }
    /// Leaky ReLU with the slopes `weight` (one per channel, or one).
    public static func prelu(_ x: Tensor, weight: Tensor) -> Tensor { ATen.prelu(x, weight) }
    /// Leaky ReLU with random slopes in `lower...upper` in training, their mean otherwise.
    public static func rrelu(_ x: Tensor, lower: Double = 1.0 / 8, upper: Double = 1.0 / 3, training: Bool = false) -> Tensor {
        ATen.rrelu(x, lower: .double(lower), upper: .double(upper), training: training)
    }
    /// Softmax of `-x` along `dim`.
    public static func softmin(_ x: Tensor, dim: Int) -> Tensor { (-x).softmax(dim: dim) }
}
