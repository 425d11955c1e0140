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
