extension Functional {
    /// 2-D max pooling; `stride` defaults to the kernel size.
    public static func maxPool2d(_ x: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0],
                                 dilation: [Int] = [1, 1], ceilMode: Bool = false) -> Tensor {
        ATen.maxPool2d(x, kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// 2-D max pooling with a square window (`F.max_pool2d(x, 2)`).
    public static func maxPool2d(_ x: Tensor, _ kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        maxPool2d(x, kernelSize: [kernelSize, kernelSize], stride: stride.map { [$0, $0] }, padding: [padding, padding])
    }

    /// 2-D average pooling with a square window (`F.avg_pool2d(x, 2)`).
    public static func avgPool2d(_ x: Tensor, _ kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        avgPool2d(x, kernelSize: [kernelSize, kernelSize], stride: stride.map { [$0, $0] }, padding: [padding, padding])
    }

    /// 2-D average pooling; `stride` defaults to the kernel size.
    public static func avgPool2d(_ x: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true,
                                 divisorOverride: Int? = nil) -> Tensor {
        ATen.avgPool2d(x, kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    /// 2-D average pooling to a fixed output size (height, width).
    public static func adaptiveAvgPool2d(_ x: Tensor, outputSize: [Int]) -> Tensor {
        ATen.adaptiveAvgPool2d(x, outputSize: outputSize)
    }
}
