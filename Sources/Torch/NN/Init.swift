import Foundation

/// `torch.nn.init`: the initialisation functions, drawing random numbers in the same order
/// and with the same bounds as PyTorch, so the same seed gives the same weights.
public enum Init {
    /// The recommended gain for a nonlinearity (`calculate_gain`).
    public static func calculateGain(_ nonlinearity: String, param: Double? = nil) -> Double {
        switch nonlinearity {
        case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
            "sigmoid":
            return 1
        case "tanh": return 5.0 / 3
        case "relu": return (2.0).squareRoot()
        case "leaky_relu":
            let slope = param ?? 0.01
            return (2.0 / (1 + Foundation.pow(slope, 2))).squareRoot()
        case "selu": return 3.0 / 4
        default:
            argumentError("Init.calculateGain", "unsupported nonlinearity \(nonlinearity)")
            return 1
        }
    }

    /// (fan_in, fan_out) of a weight of at least 2 dimensions.
    public static func fans(_ t: Tensor) -> (fanIn: Int, fanOut: Int) {
        let shape = t.shape
        guard shape.count >= 2 else {
            argumentError("Init.fans", "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
            return (1, 1)
        }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Fills with samples from U(a, b).
    @discardableResult
    public static func uniform_(_ t: Tensor, a: Double = 0, b: Double = 1, generator: Generator? = nil) -> Tensor {
        withNoGrad { t.uniform_(from: a, to: b, generator: generator) }
    }

    /// Fills with samples from N(mean, std²).
    @discardableResult
    public static func normal_(_ t: Tensor, mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        withNoGrad { t.normal_(mean: mean, std: std, generator: generator) }
    }

    /// Fills with `value`.
    @discardableResult
    public static func constant_(_ t: Tensor, _ value: Double) -> Tensor { withNoGrad { t.fill_(value) } }

    /// Fills with zeros.
    @discardableResult
    public static func zeros_(_ t: Tensor) -> Tensor { withNoGrad { t.zero_() } }

    /// Fills with ones.
    @discardableResult
    public static func ones_(_ t: Tensor) -> Tensor { withNoGrad { t.fill_(1) } }

    /// Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
    @discardableResult
    public static func xavierUniform_(_ t: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fans(t)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        let a = (3.0).squareRoot() * std
        return uniform_(t, a: -a, b: a, generator: generator)
    }

    /// Glorot normal: N(0, gain² * 2 / (fan_in + fan_out)).
    @discardableResult
    public static func xavierNormal_(_ t: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fans(t)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        return normal_(t, mean: 0, std: std, generator: generator)
    }

    /// Which fan scales a Kaiming initialisation.
    public enum FanMode: Sendable { case fanIn, fanOut }

    private static func kaimingStd(_ t: Tensor, a: Double, mode: FanMode, nonlinearity: String) -> Double {
        let (fanIn, fanOut) = fans(t)
        let fan = mode == .fanIn ? fanIn : fanOut
        return calculateGain(nonlinearity, param: a) / Double(fan).squareRoot()
    }

    /// He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan).
    @discardableResult
    public static func kaimingUniform_(_ t: Tensor, a: Double = 0, mode: FanMode = .fanIn,
                                       nonlinearity: String = "leaky_relu", generator: Generator? = nil) -> Tensor {
        guard t.numel > 0 else { return t }
        let bound = (3.0).squareRoot() * kaimingStd(t, a: a, mode: mode, nonlinearity: nonlinearity)
        return uniform_(t, a: -bound, b: bound, generator: generator)
    }

    /// He normal: N(0, gain² / fan).
    @discardableResult
    public static func kaimingNormal_(_ t: Tensor, a: Double = 0, mode: FanMode = .fanIn,
                                      nonlinearity: String = "leaky_relu", generator: Generator? = nil) -> Tensor {
        guard t.numel > 0 else { return t }
        return normal_(t, mean: 0, std: kaimingStd(t, a: a, mode: mode, nonlinearity: nonlinearity), generator: generator)
    }

    /// Samples of N(mean, std²) truncated to [a, b] (inverse-CDF method, as PyTorch).
    @discardableResult
    public static func truncNormal_(_ t: Tensor, mean: Double = 0, std: Double = 1, a: Double = -2, b: Double = 2,
                                    generator: Generator? = nil) -> Tensor {
        func normCdf(_ x: Double) -> Double { (1 + erf(x / (2.0).squareRoot())) / 2 }
        let l = normCdf((a - mean) / std), u = normCdf((b - mean) / std)
        return withNoGrad {
            t.uniform_(from: 2 * l - 1, to: 2 * u - 1, generator: generator)
            ATen.erfinv_(t)
            t.mul_(std * (2.0).squareRoot())
            t.add_(Tensor(mean).to(dtype: t.dtype))
            return t.clamp_(min: a, max: b)
        }
    }

    /// A (semi-)orthogonal matrix from the QR decomposition of a normal sample, times `gain`.
    @discardableResult
    public static func orthogonal_(_ t: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        guard t.dim >= 2 else {
            argumentError("Init.orthogonal_", "Only tensors with 2 or more dimensions are supported")
            return t
        }
        if t.numel == 0 { return t }
        let rows = t.size(0), cols = t.numel / rows
        return withNoGrad {
            var flattened = Tensor.empty([rows, cols], dtype: t.dtype).normal_(generator: generator)
            if rows < cols { flattened = flattened.t() }
            let (q0, r) = ATen.linalgQr(flattened, mode: "reduced")
            var q = q0 * ATen.diag(r, diagonal: 0).sign()
            if rows < cols { q = q.t() }
            t.view(q.shape).copy_(q)
            return t.mul_(gain)
        }
    }
}
