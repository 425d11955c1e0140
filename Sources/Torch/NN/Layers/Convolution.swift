/// What the convolutions share (`nn.Conv1d`, `2d`, `3d`; PyTorch's `_ConvNd`): the weight
/// (out, in / groups, *kernel) and bias, initialised as `_ConvNd.reset_parameters` does, and the
/// sizes per spatial dimension.
public class ConvNd: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let stride: [Int], padding: [Int], dilation: [Int], groups: Int

    init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int], padding: [Int], dilation: [Int],
         groups: Int, bias: Bool) {
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        (weight, self.bias) = convolutionParameters([outChannels, inChannels / groups] + kernelSize, bias: bias, biasSize: outChannels)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        switch stride.count {
        case 1:
            return F.conv1d(x, weight: weight, bias: bias, stride: stride[0], padding: padding[0], dilation: dilation[0], groups: groups)
        case 2:
            return F.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
        default:
            return F.conv3d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
    }
}

/// 1-D convolution over (N, C, L) (`nn.Conv1d`).
public final class Conv1d: ConvNd {
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        super.init(inChannels, outChannels, kernelSize: [kernelSize], stride: [stride], padding: [padding],
                   dilation: [dilation], groups: groups, bias: bias)
    }
}

/// 2-D convolution over (N, C, H, W) (`nn.Conv2d`).
public final class Conv2d: ConvNd {
    public override init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1],
                padding: [Int] = [0, 0], dilation: [Int] = [1, 1], groups: Int = 1, bias: Bool = true) {
        super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                   groups: groups, bias: bias)
    }

    /// A square kernel, stride, padding and dilation.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        self.init(inChannels, outChannels, kernelSize: [kernelSize, kernelSize], stride: [stride, stride],
                  padding: [padding, padding], dilation: [dilation, dilation], groups: groups, bias: bias)
    }
}

/// 3-D convolution over (N, C, D, H, W) (`nn.Conv3d`).
public final class Conv3d: ConvNd {
    public override init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1, 1],
                padding: [Int] = [0, 0, 0], dilation: [Int] = [1, 1, 1], groups: Int = 1, bias: Bool = true) {
        super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                   groups: groups, bias: bias)
    }

    /// A cubic kernel, stride, padding and dilation.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        let three = { (n: Int) in [n, n, n] }
        self.init(inChannels, outChannels, kernelSize: three(kernelSize), stride: three(stride), padding: three(padding),
                  dilation: three(dilation), groups: groups, bias: bias)
    }
}

/// What the transposed convolutions share (`nn.ConvTranspose1d`, `2d`, `3d`): the weight
/// (in, out / groups, *kernel) and bias, and the sizes per spatial dimension.
public class ConvTransposeNd: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let stride: [Int], padding: [Int], outputPadding: [Int], dilation: [Int], groups: Int

    init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int], padding: [Int], outputPadding: [Int],
         groups: Int, bias: Bool, dilation: [Int]) {
        (self.stride, self.padding, self.outputPadding, self.dilation, self.groups) =
            (stride, padding, outputPadding, dilation, groups)
        (weight, self.bias) = convolutionParameters([inChannels, outChannels / groups] + kernelSize, bias: bias, biasSize: outChannels)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        switch stride.count {
        case 1:
            return F.convTranspose1d(x, weight: weight, bias: bias, stride: stride[0], padding: padding[0],
                                     outputPadding: outputPadding[0], groups: groups, dilation: dilation[0])
        case 2:
            return F.convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding,
                                     outputPadding: outputPadding, groups: groups, dilation: dilation)
        default:
            return F.convTranspose3d(x, weight: weight, bias: bias, stride: stride, padding: padding,
                                     outputPadding: outputPadding, groups: groups, dilation: dilation)
        }
    }
}

/// 1-D transposed convolution (`nn.ConvTranspose1d`).
public final class ConvTranspose1d: ConvTransposeNd {
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, groups: Int = 1, bias: Bool = true, dilation: Int = 1) {
        super.init(inChannels, outChannels, kernelSize: [kernelSize], stride: [stride], padding: [padding],
                   outputPadding: [outputPadding], groups: groups, bias: bias, dilation: [dilation])
    }
}

/// 2-D transposed convolution ("deconvolution", `nn.ConvTranspose2d`).
public final class ConvTranspose2d: ConvTransposeNd {
    public override init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1],
                padding: [Int] = [0, 0], outputPadding: [Int] = [0, 0], groups: Int = 1, bias: Bool = true,
                dilation: [Int] = [1, 1]) {
        super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                   outputPadding: outputPadding, groups: groups, bias: bias, dilation: dilation)
    }
}

/// 3-D transposed convolution (`nn.ConvTranspose3d`).
public final class ConvTranspose3d: ConvTransposeNd {
    public override init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1, 1, 1],
                padding: [Int] = [0, 0, 0], outputPadding: [Int] = [0, 0, 0], groups: Int = 1, bias: Bool = true,
                dilation: [Int] = [1, 1, 1]) {
        super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                   outputPadding: outputPadding, groups: groups, bias: bias, dilation: dilation)
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
