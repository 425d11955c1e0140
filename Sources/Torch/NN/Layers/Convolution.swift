/// 1-D convolution over (N, C, L) (`nn.Conv1d`).
public final class Conv1d: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let stride: Int, padding: Int, dilation: Int, groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        let (w, b) = convolutionParameters([outChannels, inChannels / groups, kernelSize], bias: bias, biasSize: outChannels)
        self.weight = w
        self.bias = b
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.conv1d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// 2-D convolution over (N, C, H, W) (`nn.Conv2d`).
public final class Conv2d: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let stride: [Int], padding: [Int], dilation: [Int], groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1],
                padding: [Int] = [0, 0], dilation: [Int] = [1, 1], groups: Int = 1, bias: Bool = true) {
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        let (w, b) = convolutionParameters([outChannels, inChannels / groups] + kernelSize, bias: bias, biasSize: outChannels)
        self.weight = w
        self.bias = b
        super.init()
    }

    /// A square kernel, stride, padding and dilation.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        self.init(inChannels, outChannels, kernelSize: [kernelSize, kernelSize], stride: [stride, stride],
                  padding: [padding, padding], dilation: [dilation, dilation], groups: groups, bias: bias)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// 2-D transposed convolution (`nn.ConvTranspose2d`); its weight is (in, out / groups, kH, kW).
public final class ConvTranspose2d: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let stride: [Int], padding: [Int], outputPadding: [Int], dilation: [Int], groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1],
                padding: [Int] = [0, 0], outputPadding: [Int] = [0, 0], groups: Int = 1, bias: Bool = true,
                dilation: [Int] = [1, 1]) {
        (self.stride, self.padding, self.outputPadding, self.dilation, self.groups) =
            (stride, padding, outputPadding, dilation, groups)
        let (w, b) = convolutionParameters([inChannels, outChannels / groups] + kernelSize, bias: bias, biasSize: outChannels)
        self.weight = w
        self.bias = b
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding,
                          outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}

/// 3-D convolution over (N, C, D, H, W) (`nn.Conv3d`).
public final class Conv3d: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let stride: [Int], padding: [Int], dilation: [Int], groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1, 1],
                padding: [Int] = [0, 0, 0], dilation: [Int] = [1, 1, 1], groups: Int = 1, bias: Bool = true) {
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        let (w, b) = convolutionParameters([outChannels, inChannels / groups] + kernelSize, bias: bias, biasSize: outChannels)
        self.weight = w
        self.bias = b
        super.init()
    }

    /// A cubic kernel, stride, padding and dilation.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        self.init(inChannels, outChannels, kernelSize: Array(repeating: kernelSize, count: 3),
                  stride: Array(repeating: stride, count: 3), padding: Array(repeating: padding, count: 3),
                  dilation: Array(repeating: dilation, count: 3), groups: groups, bias: bias)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.conv3d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// 1-D transposed convolution (`nn.ConvTranspose1d`); its weight is (in, out / groups, k).
public final class ConvTranspose1d: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let stride: Int, padding: Int, outputPadding: Int, dilation: Int, groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, groups: Int = 1, bias: Bool = true, dilation: Int = 1) {
        (self.stride, self.padding, self.outputPadding, self.dilation, self.groups) =
            (stride, padding, outputPadding, dilation, groups)
        let (w, b) = convolutionParameters([inChannels, outChannels / groups, kernelSize], bias: bias, biasSize: outChannels)
        self.weight = w
        self.bias = b
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.convTranspose1d(x, weight: weight, bias: bias, stride: stride, padding: padding,
                          outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}

/// 3-D transposed convolution (`nn.ConvTranspose3d`); its weight is (in, out / groups, kD, kH, kW).
public final class ConvTranspose3d: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let stride: [Int], padding: [Int], outputPadding: [Int], dilation: [Int], groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1, 1],
                padding: [Int] = [0, 0, 0], outputPadding: [Int] = [0, 0, 0], groups: Int = 1, bias: Bool = true,
                dilation: [Int] = [1, 1, 1]) {
        (self.stride, self.padding, self.outputPadding, self.dilation, self.groups) =
            (stride, padding, outputPadding, dilation, groups)
        let (w, b) = convolutionParameters([inChannels, outChannels / groups] + kernelSize, bias: bias, biasSize: outChannels)
        self.weight = w
        self.bias = b
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.convTranspose3d(x, weight: weight, bias: bias, stride: stride, padding: padding,
                          outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}

/// Extracts sliding local blocks as columns (`nn.Unfold`), as `F.unfold`.
public final class Unfold: Module {
    public let kernelSize: [Int], dilation: [Int], padding: [Int], stride: [Int]

    public init(kernelSize: [Int], dilation: [Int] = [1, 1], padding: [Int] = [0, 0], stride: [Int] = [1, 1]) {
        (self.kernelSize, self.dilation, self.padding, self.stride) = (kernelSize, dilation, padding, stride)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.unfold(x, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }
}

/// Sums columns of sliding local blocks back into an image (`nn.Fold`), as `F.fold`.
public final class Fold: Module {
    public let outputSize: [Int], kernelSize: [Int], dilation: [Int], padding: [Int], stride: [Int]

    public init(outputSize: [Int], kernelSize: [Int], dilation: [Int] = [1, 1], padding: [Int] = [0, 0],
                stride: [Int] = [1, 1]) {
        (self.outputSize, self.kernelSize, self.dilation, self.padding, self.stride) =
            (outputSize, kernelSize, dilation, padding, stride)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.fold(x, outputSize: outputSize, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }
}

/// A convolution's weight and bias, initialised as `_ConvNd.reset_parameters` does.
private func convolutionParameters(_ weightShape: [Int], bias: Bool, biasSize: Int) -> (Tensor, Tensor?) {
    let weight = Tensor.empty(weightShape)
    Init.kaimingUniform_(weight, a: (5.0).squareRoot())
    guard bias else { return (weight, nil) }
    return (weight, Linear.fanInUniform(Tensor.empty([biasSize]), fanIn: Init.fans(weight).fanIn))
}
