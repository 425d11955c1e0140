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
}
