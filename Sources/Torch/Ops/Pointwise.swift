/// ATen operators applied element by element.
enum PointwiseOps {
    static let abs = ATenOp("aten::abs")
    static let exp = ATenOp("aten::exp")
    static let log = ATenOp("aten::log")
    static let log1p = ATenOp("aten::log1p")
    static let sqrt = ATenOp("aten::sqrt")
    static let rsqrt = ATenOp("aten::rsqrt")
    static let sin = ATenOp("aten::sin")
    static let cos = ATenOp("aten::cos")
    static let tanh = ATenOp("aten::tanh")
    static let sigmoid = ATenOp("aten::sigmoid")
    static let relu = ATenOp("aten::relu")
    static let gelu = ATenOp("aten::gelu")
    static let silu = ATenOp("aten::silu")
    static let softplus = ATenOp("aten::softplus")
    static let leakyRelu = ATenOp("aten::leaky_relu")
    static let clamp = ATenOp("aten::clamp")
    static let clampTensor = ATenOp("aten::clamp", "Tensor")
    static let softmax = ATenOp("aten::softmax", "int")
    static let logSoftmax = ATenOp("aten::log_softmax", "int")
    static let floor = ATenOp("aten::floor")
    static let ceil = ATenOp("aten::ceil")
    static let round = ATenOp("aten::round")
    static let sign = ATenOp("aten::sign")
    static let square = ATenOp("aten::square")
    static let isnan = ATenOp("aten::isnan")
    static let isfinite = ATenOp("aten::isfinite")
    static let isinf = ATenOp("aten::isinf")
}

extension Tensor {
    public func abs() -> Tensor { PointwiseOps.abs(.tensor(self)) }
    public func exp() -> Tensor { PointwiseOps.exp(.tensor(self)) }
    public func log() -> Tensor { PointwiseOps.log(.tensor(self)) }
    public func log1p() -> Tensor { PointwiseOps.log1p(.tensor(self)) }
    public func sqrt() -> Tensor { PointwiseOps.sqrt(.tensor(self)) }
    public func rsqrt() -> Tensor { PointwiseOps.rsqrt(.tensor(self)) }
    public func sin() -> Tensor { PointwiseOps.sin(.tensor(self)) }
    public func cos() -> Tensor { PointwiseOps.cos(.tensor(self)) }
    public func tanh() -> Tensor { PointwiseOps.tanh(.tensor(self)) }
    public func sigmoid() -> Tensor { PointwiseOps.sigmoid(.tensor(self)) }
    public func relu() -> Tensor { PointwiseOps.relu(.tensor(self)) }
    public func floor() -> Tensor { PointwiseOps.floor(.tensor(self)) }
    public func ceil() -> Tensor { PointwiseOps.ceil(.tensor(self)) }
    public func round() -> Tensor { PointwiseOps.round(.tensor(self)) }
    public func sign() -> Tensor { PointwiseOps.sign(.tensor(self)) }
    public func square() -> Tensor { PointwiseOps.square(.tensor(self)) }
    public func isnan() -> Tensor { PointwiseOps.isnan(.tensor(self)) }
    public func isfinite() -> Tensor { PointwiseOps.isfinite(.tensor(self)) }
    public func isinf() -> Tensor { PointwiseOps.isinf(.tensor(self)) }

    /// GELU; `approximate` is "none" (exact, erf) or "tanh".
    public func gelu(approximate: String = "none") -> Tensor {
        PointwiseOps.gelu(.tensor(self), .string(approximate))
    }
    /// SiLU (swish): `x * sigmoid(x)`.
    public func silu() -> Tensor { PointwiseOps.silu(.tensor(self)) }
    /// `log(1 + exp(beta * x)) / beta`, linear above `threshold`.
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        PointwiseOps.softplus(.tensor(self), .double(beta), .double(threshold))
    }
    /// `x` where positive, `negativeSlope * x` elsewhere.
    public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor {
        PointwiseOps.leakyRelu(.tensor(self), .double(negativeSlope))
    }
    /// Limits every element to [min, max]; either bound may be absent.
    public func clamp(min: Double? = nil, max: Double? = nil) -> Tensor {
        PointwiseOps.clamp(.tensor(self), .double(min), .double(max))
    }
    /// Limits every element between two tensors (broadcast).
    public func clamp(min: Tensor?, max: Tensor?) -> Tensor {
        PointwiseOps.clampTensor(.tensor(self), .tensor(min), .tensor(max))
    }
    /// Softmax along `dim`.
    public func softmax(dim: Int, dtype: DType? = nil) -> Tensor {
        PointwiseOps.softmax(.tensor(self), .int(dim), .dtype(dtype))
    }
    /// Log-softmax along `dim`.
    public func logSoftmax(dim: Int, dtype: DType? = nil) -> Tensor {
        PointwiseOps.logSoftmax(.tensor(self), .int(dim), .dtype(dtype))
    }
}
