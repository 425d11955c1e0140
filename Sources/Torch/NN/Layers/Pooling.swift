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
