/// ATen pooling.
enum PoolingOps {
    static let maxPool2d = ATenOp("aten::max_pool2d")
    static let avgPool2d = ATenOp("aten::avg_pool2d")
    static let adaptiveAvgPool2d = ATenOp("aten::adaptive_avg_pool2d")
}

extension Functional {
    /// 2-D max pooling; `stride` defaults to the kernel size.
    public static func maxPool2d(_ x: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0],
                                 dilation: [Int] = [1, 1], ceilMode: Bool = false) -> Tensor {
        PoolingOps.maxPool2d(.tensor(x), .ints(kernelSize), .ints(stride ?? kernelSize), .ints(padding),
                             .ints(dilation), .bool(ceilMode))
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
        PoolingOps.avgPool2d(.tensor(x), .ints(kernelSize), .ints(stride ?? kernelSize), .ints(padding),
                             .bool(ceilMode), .bool(countIncludePad), .int(divisorOverride))
    }

    /// 2-D average pooling to a fixed output size (height, width).
    public static func adaptiveAvgPool2d(_ x: Tensor, outputSize: [Int]) -> Tensor {
        PoolingOps.adaptiveAvgPool2d(.tensor(x), .ints(outputSize))
    }
}
