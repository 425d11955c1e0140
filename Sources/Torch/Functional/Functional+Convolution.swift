/// ATen convolutions.
enum ConvolutionOps {
    static let conv1d = ATenOp("aten::conv1d")
    static let conv2d = ATenOp("aten::conv2d")
    static let convTranspose2d = ATenOp("aten::conv_transpose2d", "input")
}

extension Functional {
    /// 1-D convolution over (N, C, L) input.
    public static func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                              dilation: Int = 1, groups: Int = 1) -> Tensor {
        ConvolutionOps.conv1d(.tensor(x), .tensor(weight), .tensor(bias), .ints([stride]), .ints([padding]),
                              .ints([dilation]), .int(groups))
    }

    /// 2-D convolution over (N, C, H, W) input; sizes are (height, width).
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1],
                              padding: [Int] = [0, 0], dilation: [Int] = [1, 1], groups: Int = 1) -> Tensor {
        ConvolutionOps.conv2d(.tensor(x), .tensor(weight), .tensor(bias), .ints(stride), .ints(padding),
                              .ints(dilation), .int(groups))
    }

    /// 2-D transposed convolution ("deconvolution").
    public static func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1],
                                       padding: [Int] = [0, 0], outputPadding: [Int] = [0, 0], groups: Int = 1,
                                       dilation: [Int] = [1, 1]) -> Tensor {
        ConvolutionOps.convTranspose2d(.tensor(x), .tensor(weight), .tensor(bias), .ints(stride), .ints(padding),
                                       .ints(outputPadding), .int(groups), .ints(dilation))
    }
}
