extension Functional {
    /// 1-D convolution over (N, C, L) input.
    public static func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                              dilation: Int = 1, groups: Int = 1) -> Tensor {
        ATen.conv1d(x, weight, bias: bias, stride: [stride], padding: [padding], dilation: [dilation], groups: groups)
    }

    /// 2-D convolution over (N, C, H, W) input; sizes are (height, width).
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1],
                              padding: [Int] = [0, 0], dilation: [Int] = [1, 1], groups: Int = 1) -> Tensor {
        ATen.conv2d(x, weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// 2-D transposed convolution ("deconvolution").
    public static func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1],
                                       padding: [Int] = [0, 0], outputPadding: [Int] = [0, 0], groups: Int = 1,
                                       dilation: [Int] = [1, 1]) -> Tensor {
        ATen.convTranspose2d(x, weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding, groups: groups, dilation: dilation)
    }

    /// 3-D convolution over (N, C, D, H, W) input; sizes are (depth, height, width).
    public static func conv3d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1, 1],
                              padding: [Int] = [0, 0, 0], dilation: [Int] = [1, 1, 1], groups: Int = 1) -> Tensor {
        ATen.conv3d(x, weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// 1-D transposed convolution over (N, C, L) input.
    public static func convTranspose1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                                       outputPadding: Int = 0, groups: Int = 1, dilation: Int = 1) -> Tensor {
        ATen.convTranspose1d(x, weight, bias: bias, stride: [stride], padding: [padding], outputPadding: [outputPadding],
                             groups: groups, dilation: [dilation])
    }

    /// 3-D transposed convolution over (N, C, D, H, W) input.
    public static func convTranspose3d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1, 1],
                                       padding: [Int] = [0, 0, 0], outputPadding: [Int] = [0, 0, 0], groups: Int = 1,
                                       dilation: [Int] = [1, 1, 1]) -> Tensor {
        ATen.convTranspose3d(x, weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                             groups: groups, dilation: dilation)
    }

    /// Sliding local blocks of a batched image as columns, (N, C·∏kernel, L) (`F.unfold`).
    public static func unfold(_ x: Tensor, kernelSize: [Int], dilation: [Int] = [1, 1], padding: [Int] = [0, 0],
                              stride: [Int] = [1, 1]) -> Tensor {
        ATen.im2col(x, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }

    /// Sums columns of sliding local blocks back into an image of `outputSize` (`F.fold`).
    public static func fold(_ x: Tensor, outputSize: [Int], kernelSize: [Int], dilation: [Int] = [1, 1],
                            padding: [Int] = [0, 0], stride: [Int] = [1, 1]) -> Tensor {
        ATen.col2im(x, outputSize: outputSize, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }
}
