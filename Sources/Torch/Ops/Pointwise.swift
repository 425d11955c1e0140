// Element-wise operators: `abs`, `exp`, `sigmoid`, `relu`, `softmax` and the rest are the generated
// `Tensor` methods (Sources/Torch/Generated); here are the ones PyTorch has only as functions
// (`torch.nn.functional`), and `clamp` with Swift numbers.

extension Tensor {
    /// GELU; `approximate` is "none" (exact, erf) or "tanh".
    public func gelu(approximate: String = "none") -> Tensor { ATen.gelu(self, approximate: approximate) }
    /// SiLU (swish): `x * sigmoid(x)`.
    public func silu() -> Tensor { ATen.silu(self) }
    /// `log(1 + exp(beta * x)) / beta`, linear above `threshold`.
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        ATen.softplus(self, beta: .double(beta), threshold: .double(threshold))
    }
    /// `x` where positive, `negativeSlope * x` elsewhere.
    public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor { ATen.leakyRelu(self, negativeSlope: .double(negativeSlope)) }
    /// Limits every element to [min, max]; either bound may be absent.
    public func clamp(min: Double? = nil, max: Double? = nil) -> Tensor {
        ATen.clamp(self, min: min.map(Scalar.double), max: max.map(Scalar.double))
    }
    /// Limits every element between two tensors (broadcast).
    public func clamp(min: Tensor?, max: Tensor?) -> Tensor { ATen.clamp(self, min: min, max: max) }
}
