/// `max(x, 0)` (`nn.ReLU`).
public final class ReLU: Module {
    public override func forward(_ x: Tensor) -> Tensor { x.relu() }
}

/// GELU (`nn.GELU`); `approximate` is "none" or "tanh".
public final class GELU: Module {
    public let approximate: String

    public init(approximate: String = "none") {
        self.approximate = approximate
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { x.gelu(approximate: approximate) }
}

/// `x * sigmoid(x)` (`nn.SiLU`).
public final class SiLU: Module {
    public override func forward(_ x: Tensor) -> Tensor { x.silu() }
}

/// Hyperbolic tangent (`nn.Tanh`).
public final class Tanh: Module {
    public override func forward(_ x: Tensor) -> Tensor { x.tanh() }
}

/// Logistic sigmoid (`nn.Sigmoid`).
public final class Sigmoid: Module {
    public override func forward(_ x: Tensor) -> Tensor { x.sigmoid() }
}

/// Softmax along `dim` (`nn.Softmax`).
public final class Softmax: Module {
    public let dim: Int

    public init(dim: Int) {
        self.dim = dim
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { x.softmax(dim: dim) }
}

/// Softmax over the channels of (C, H, W) or (N, C, H, W) input (`nn.Softmax2d`).
public final class Softmax2d: Module {
    public override func forward(_ x: Tensor) -> Tensor {
        if x.dim != 3 && x.dim != 4 {
            argumentError("Softmax2d", "expected a 3-D or 4-D input, got \(x.dim)-D with shape \(x.shape)")
        }
        return x.softmax(dim: -3)
    }
}

/// Leaky ReLU (`nn.LeakyReLU`).
public final class LeakyReLU: Module {
    public var negativeSlope: Double

    public init(negativeSlope: Double = 0.01) {
        self.negativeSlope = negativeSlope
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { x.leakyRelu(negativeSlope: negativeSlope) }
}

/// Passes its input through (`nn.Identity`).
public final class Identity: Module {
    public override func forward(_ x: Tensor) -> Tensor { x }
}

/// Flattens dimensions `startDim...endDim` (`nn.Flatten`; by default all but the batch dimension).
public final class Flatten: Module {
    public let startDim: Int, endDim: Int

    public init(startDim: Int = 1, endDim: Int = -1) {
        (self.startDim, self.endDim) = (startDim, endDim)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { x.flatten(startDim: startDim, endDim: endDim) }
}

/// `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise (`nn.ELU`).
public final class ELU: Module {
    public var alpha: Double

    public init(alpha: Double = 1) {
        self.alpha = alpha
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.elu(x, alpha: alpha) }
}

/// Scaled ELU with PyTorch's fixed constants (`nn.SELU`).
public final class SELU: Module {
    public override func forward(_ x: Tensor) -> Tensor { F.selu(x) }
}

/// `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))` (`nn.CELU`).
public final class CELU: Module {
    public var alpha: Double

    public init(alpha: Double = 1) {
        self.alpha = alpha
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.celu(x, alpha: alpha) }
}

/// `x` clamped to `minVal...maxVal` (`nn.Hardtanh`).
public final class Hardtanh: Module {
    public var minVal: Double, maxVal: Double

    public init(minVal: Double = -1, maxVal: Double = 1) {
        (self.minVal, self.maxVal) = (minVal, maxVal)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.hardtanh(x, minVal: minVal, maxVal: maxVal) }
}

/// `min(max(x, 0), 6)` (`nn.ReLU6`, a `Hardtanh(0, 6)` as in PyTorch).
public final class ReLU6: Module {
    public override func forward(_ x: Tensor) -> Tensor { F.relu6(x) }
}

/// `x * relu6(x + 3) / 6` (`nn.Hardswish`).
public final class Hardswish: Module {
    public override func forward(_ x: Tensor) -> Tensor { F.hardswish(x) }
}

/// `relu6(x + 3) / 6` (`nn.Hardsigmoid`).
public final class Hardsigmoid: Module {
    public override func forward(_ x: Tensor) -> Tensor { F.hardsigmoid(x) }
}

/// `log(sigmoid(x))`, computed stably (`nn.LogSigmoid`).
public final class LogSigmoid: Module {
    public override func forward(_ x: Tensor) -> Tensor { F.logsigmoid(x) }
}

/// `x * tanh(softplus(x))` (`nn.Mish`).
public final class Mish: Module {
    public override func forward(_ x: Tensor) -> Tensor { F.mish(x) }
}

/// `log(1 + exp(beta * x)) / beta`, linear above `threshold` (`nn.Softplus`).
public final class Softplus: Module {
    public var beta: Double, threshold: Double

    public init(beta: Double = 1, threshold: Double = 20) {
        (self.beta, self.threshold) = (beta, threshold)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.softplus(x, beta: beta, threshold: threshold) }
}

/// Shrinks towards 0 by `lambd`, 0 within it (`nn.Softshrink`).
public final class Softshrink: Module {
    public var lambd: Double

    public init(lambd: Double = 0.5) {
        self.lambd = lambd
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.softshrink(x, lambd: lambd) }
}

/// `x` outside `-lambd...lambd`, 0 within it (`nn.Hardshrink`).
public final class Hardshrink: Module {
    public var lambd: Double

    public init(lambd: Double = 0.5) {
        self.lambd = lambd
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.hardshrink(x, lambd: lambd) }
}

/// `x / (1 + |x|)` (`nn.Softsign`).
public final class Softsign: Module {
    public override func forward(_ x: Tensor) -> Tensor { F.softsign(x) }
}

/// `x - tanh(x)` (`nn.Tanhshrink`).
public final class Tanhshrink: Module {
    public override func forward(_ x: Tensor) -> Tensor { F.tanhshrink(x) }
}

/// `x` above `threshold`, `value` otherwise (`nn.Threshold`).
public final class Threshold: Module {
    public var threshold: Double, value: Double

    public init(threshold: Double, value: Double) {
        (self.threshold, self.value) = (threshold, value)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.threshold(x, threshold: threshold, value: value) }
}

/// Gated linear unit: the first half of `dim` times the sigmoid of the second (`nn.GLU`).
public final class GLU: Module {
    public var dim: Int

    public init(dim: Int = -1) {
        self.dim = dim
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.glu(x, dim: dim) }
}

/// Leaky ReLU with a learned slope per channel, or one for all (`nn.PReLU`).
public final class PReLU: Module {
    @Parameter public var weight: Tensor

    public init(numParameters: Int = 1, initialValue: Double = 0.25) {
        weight = Tensor.full([numParameters], initialValue)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.prelu(x, weight: weight) }
}

/// Leaky ReLU whose slope is drawn from `lower...upper` per element in training and is their
/// mean in evaluation (`nn.RReLU`).
public final class RReLU: Module {
    public var lower: Double, upper: Double

    public init(lower: Double = 1.0 / 8, upper: Double = 1.0 / 3) {
        (self.lower, self.upper) = (lower, upper)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.rrelu(x, lower: lower, upper: upper, training: isTraining)
    }
}

/// Log-softmax along `dim` (`nn.LogSoftmax`).
public final class LogSoftmax: Module {
    public let dim: Int

    public init(dim: Int) {
        self.dim = dim
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { x.logSoftmax(dim: dim) }
}

/// Softmax of `-x` along `dim` (`nn.Softmin`).
public final class Softmin: Module {
    public let dim: Int

    public init(dim: Int) {
        self.dim = dim
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.softmin(x, dim: dim) }
}
