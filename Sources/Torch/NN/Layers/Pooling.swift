/// 2-D max pooling (`nn.MaxPool2d`); `stride` defaults to the kernel size.
public final class MaxPool2d: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int], dilation: [Int], ceilMode: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
        (self.kernelSize, self.stride) = ([kernelSize, kernelSize], [stride ?? kernelSize, stride ?? kernelSize])
        (self.padding, self.dilation, self.ceilMode) = ([padding, padding], [dilation, dilation], ceilMode)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.maxPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// 2-D average pooling (`nn.AvgPool2d`); `stride` defaults to the kernel size.
public final class AvgPool2d: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int], ceilMode: Bool, countIncludePad: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true) {
        (self.kernelSize, self.stride) = ([kernelSize, kernelSize], [stride ?? kernelSize, stride ?? kernelSize])
        (self.padding, self.ceilMode, self.countIncludePad) = ([padding, padding], ceilMode, countIncludePad)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.avgPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                    countIncludePad: countIncludePad)
    }
}

/// 2-D average pooling to a fixed output size (`nn.AdaptiveAvgPool2d`).
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: [Int]

    public init(_ outputSize: [Int]) {
        self.outputSize = outputSize
        super.init()
    }

    public convenience init(_ size: Int) { self.init([size, size]) }

    public override func forward(_ x: Tensor) -> Tensor { F.adaptiveAvgPool2d(x, outputSize: outputSize) }
}

/// 1-D max pooling (`nn.MaxPool1d`); `stride` defaults to the kernel size.
public final class MaxPool1d: Module {
    public let kernelSize: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
        (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode) = (kernelSize, stride ?? kernelSize, padding, dilation, ceilMode)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        ATen.maxPool1d(x, kernelSize: [kernelSize], stride: [stride], padding: [padding], dilation: [dilation], ceilMode: ceilMode)
    }
}

/// 3-D max pooling (`nn.MaxPool3d`); `stride` defaults to the kernel size.
public final class MaxPool3d: Module {
    public let kernelSize: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
        (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode) = (kernelSize, stride ?? kernelSize, padding, dilation, ceilMode)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        ATen.maxPool3d(x, kernelSize: [Int](repeating: kernelSize, count: 3), stride: [Int](repeating: stride, count: 3),
                       padding: [Int](repeating: padding, count: 3), dilation: [Int](repeating: dilation, count: 3), ceilMode: ceilMode)
    }
}

/// 1-D average pooling (`nn.AvgPool1d`); `stride` defaults to the kernel size.
public final class AvgPool1d: Module {
    public let kernelSize: Int, stride: Int, padding: Int, ceilMode: Bool, countIncludePad: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
        (self.ceilMode, self.countIncludePad) = (ceilMode, countIncludePad)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        ATen.avgPool1d(x, kernelSize: [kernelSize], stride: [stride], padding: [padding], ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
}

/// 3-D average pooling (`nn.AvgPool3d`); `stride` defaults to the kernel size.
public final class AvgPool3d: Module {
    public let kernelSize: Int, stride: Int, padding: Int, ceilMode: Bool, countIncludePad: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
        (self.ceilMode, self.countIncludePad) = (ceilMode, countIncludePad)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        ATen.avgPool3d(x, kernelSize: [Int](repeating: kernelSize, count: 3), stride: [Int](repeating: stride, count: 3),
                       padding: [Int](repeating: padding, count: 3), ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
}

/// 1-D average pooling to a fixed output size (`nn.AdaptiveAvgPool1d`).
public final class AdaptiveAvgPool1d: Module {
    public let outputSize: Int

    public init(_ outputSize: Int) {
        self.outputSize = outputSize
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { ATen.adaptiveAvgPool1d(x, outputSize: [outputSize]) }
}

/// 3-D average pooling to a fixed output size (`nn.AdaptiveAvgPool3d`).
public final class AdaptiveAvgPool3d: Module {
    public let outputSize: [Int]

    public init(_ outputSize: [Int]) {
        self.outputSize = outputSize
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { ATen.adaptiveAvgPool3d(x, outputSize: outputSize) }
}

/// Max pooling to a fixed output size (`AdaptiveMaxPool1d`, `2d`, `3d`); `forward` gives the
/// maxima, `withIndices` their positions too.
public class AdaptiveMaxPool: Module {
    public let outputSize: [Int]

    init(_ outputSize: [Int]) {
        self.outputSize = outputSize
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { withIndices(x).output }

    /// The maxima and their flat positions (`return_indices=True`).
    public func withIndices(_ x: Tensor) -> (output: Tensor, indices: Tensor) {
        switch outputSize.count {
        case 1: return ATen.adaptiveMaxPool1d(x, outputSize: outputSize)
        case 2: return ATen.adaptiveMaxPool2d(x, outputSize: outputSize)
        default: return ATen.adaptiveMaxPool3d(x, outputSize: outputSize)
        }
    }
}

/// Power-average pooling, `(sum of x^p over the window)^(1/p)` (`LPPool1d`, `LPPool2d`, `LPPool3d`).
public class LPPool: Module {
    public let normType: Double, kernelSize: [Int], stride: [Int], ceilMode: Bool

    init(normType: Double, kernelSize: [Int], stride: [Int]?, ceilMode: Bool) {
        (self.normType, self.kernelSize, self.stride, self.ceilMode) = (normType, kernelSize, stride ?? kernelSize, ceilMode)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let powered = ATen.pow(x, exponent: .double(normType))
        let pooled: Tensor
        switch kernelSize.count {
        case 1: pooled = ATen.avgPool1d(powered, kernelSize: kernelSize, stride: stride, padding: [0], ceilMode: ceilMode)
        case 2: pooled = F.avgPool2d(powered, kernelSize: kernelSize, stride: stride, padding: [0, 0], ceilMode: ceilMode)
        default: pooled = ATen.avgPool3d(powered, kernelSize: kernelSize, stride: stride, padding: [0, 0, 0], ceilMode: ceilMode)
        }
        let window = Double(kernelSize.reduce(1, *))
        return ATen.pow(pooled.sign() * pooled.abs().relu() * window, exponent: .double(1 / normType))
    }
}

/// Max pooling of (N, C, L) input to `outputSize` (`nn.AdaptiveMaxPool1d`).
public final class AdaptiveMaxPool1d: AdaptiveMaxPool { public init(_ outputSize: Int) { super.init([outputSize]) } }
/// Max pooling of (N, C, H, W) input to `outputSize` (`nn.AdaptiveMaxPool2d`).
public final class AdaptiveMaxPool2d: AdaptiveMaxPool { public override init(_ outputSize: [Int]) { super.init(outputSize) } }
/// Max pooling of (N, C, D, H, W) input to `outputSize` (`nn.AdaptiveMaxPool3d`).
public final class AdaptiveMaxPool3d: AdaptiveMaxPool { public override init(_ outputSize: [Int]) { super.init(outputSize) } }

/// Power-average pooling of (N, C, L) input (`nn.LPPool1d`).
public final class LPPool1d: LPPool {
    public init(normType: Double, kernelSize: Int, stride: Int? = nil, ceilMode: Bool = false) {
        super.init(normType: normType, kernelSize: [kernelSize], stride: stride.map { [$0] }, ceilMode: ceilMode)
    }
}

/// Power-average pooling of (N, C, H, W) input (`nn.LPPool2d`).
public final class LPPool2d: LPPool {
    public override init(normType: Double, kernelSize: [Int], stride: [Int]? = nil, ceilMode: Bool = false) {
        super.init(normType: normType, kernelSize: kernelSize, stride: stride, ceilMode: ceilMode)
    }
}

/// Power-average pooling of (N, C, D, H, W) input (`nn.LPPool3d`).
public final class LPPool3d: LPPool {
    public override init(normType: Double, kernelSize: [Int], stride: [Int]? = nil, ceilMode: Bool = false) {
        super.init(normType: normType, kernelSize: kernelSize, stride: stride, ceilMode: ceilMode)
    }
}

/// The partial inverse of max pooling (`MaxUnpool1d`, `2d`, `3d`): puts each maximum back at the
/// position its pooling index names, zeros elsewhere.
public class MaxUnpool: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int]

    init(kernelSize: [Int], stride: [Int]?, padding: [Int]) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
        super.init()
    }

    /// Unpools `x` with the `indices` a max pooling returned; `outputSize` (spatial, or with the
    /// batch and channel sizes in front) resolves the sizes a strided pooling leaves ambiguous.
    public func forward(_ x: Tensor, indices: Tensor, outputSize: [Int]? = nil) -> Tensor {
        let dims = kernelSize.count
        let size = outputSize.map { Array($0.suffix(dims)) } ?? (0..<dims).map { d in
            (x.size(x.dim - dims + d) - 1) * stride[d] + kernelSize[d] - 2 * padding[d]
        }
        switch dims {
        case 1: return ATen.maxUnpool2d(x.unsqueeze(-1), indices.unsqueeze(-1), outputSize: size + [1]).squeeze(dim: -1)
        case 2: return ATen.maxUnpool2d(x, indices, outputSize: size)
        default: return ATen.maxUnpool3d(x, indices, outputSize: size, stride: stride, padding: padding)
        }
    }

    /// Calls `forward(_:indices:outputSize:)`.
    public func callAsFunction(_ x: Tensor, indices: Tensor, outputSize: [Int]? = nil) -> Tensor {
        forward(x, indices: indices, outputSize: outputSize)
    }
}

/// Inverts `MaxPool1d` (`nn.MaxUnpool1d`).
public final class MaxUnpool1d: MaxUnpool {
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        super.init(kernelSize: [kernelSize], stride: stride.map { [$0] }, padding: [padding])
    }
}

/// Inverts `MaxPool2d` (`nn.MaxUnpool2d`).
public final class MaxUnpool2d: MaxUnpool {
    public override init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0]) {
        super.init(kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// Inverts `MaxPool3d` (`nn.MaxUnpool3d`).
public final class MaxUnpool3d: MaxUnpool {
    public override init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0, 0]) {
        super.init(kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// Fractional max pooling (Graham, 2014): windows at pseudo-random steps that shrink the input to
/// `outputSize`, or by `outputRatio` (`FractionalMaxPool2d`, `3d`). The steps come from the
/// global generator, so `manualSeed` repeats them.
public class FractionalMaxPool: Module {
    public let kernelSize: [Int], outputSize: [Int]?, outputRatio: [Double]?

    init(kernelSize: [Int], outputSize: [Int]?, outputRatio: [Double]?) {
        if (outputSize == nil) == (outputRatio == nil) {
            argumentError("FractionalMaxPool", "give exactly one of outputSize and outputRatio")
        }
        if let outputRatio, outputRatio.contains(where: { $0 <= 0 || $0 >= 1 }) {
            argumentError("FractionalMaxPool", "outputRatio must be between 0 and 1 (exclusive), got \(outputRatio)")
        }
        (self.kernelSize, self.outputSize, self.outputRatio) = (kernelSize, outputSize, outputRatio)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { withIndices(x).output }

    /// The maxima and their flat positions (`return_indices=True`).
    public func withIndices(_ x: Tensor) -> (output: Tensor, indices: Tensor) {
        let dims = kernelSize.count
        let size = outputSize ?? (0..<dims).map { Int(Double(x.size(x.dim - dims + $0)) * outputRatio![$0]) }
        let batch = x.dim == dims + 1 ? 1 : x.size(0)
        let samples = Tensor.rand([batch, x.size(-dims - 1), dims], dtype: x.dtype, device: x.device)
        return dims == 2
            ? ATen.fractionalMaxPool2d(x, kernelSize: kernelSize, outputSize: size, randomSamples: samples)
            : ATen.fractionalMaxPool3d(x, kernelSize: kernelSize, outputSize: size, randomSamples: samples)
    }
}

/// Fractional max pooling of (N, C, H, W) input (`nn.FractionalMaxPool2d`).
public final class FractionalMaxPool2d: FractionalMaxPool {
    public override init(kernelSize: [Int], outputSize: [Int]? = nil, outputRatio: [Double]? = nil) {
        super.init(kernelSize: kernelSize, outputSize: outputSize, outputRatio: outputRatio)
    }
}

/// Fractional max pooling of (N, C, D, H, W) input (`nn.FractionalMaxPool3d`).
public final class FractionalMaxPool3d: FractionalMaxPool {
    public override init(kernelSize: [Int], outputSize: [Int]? = nil, outputRatio: [Double]? = nil) {
        super.init(kernelSize: kernelSize, outputSize: outputSize, outputRatio: outputRatio)
    }
}
