extension Functional {
    /// Pads the last dimensions by `pad` (`[left, right, top, bottom, ...]`) with `mode`
    /// "constant" (`value`), "reflect", "replicate" or "circular" (`F.pad`).
    public static func pad(_ x: Tensor, _ pad: [Int], mode: String = "constant", value: Double = 0) -> Tensor {
        ATen.pad(x, pad: pad, mode: mode, value: mode == "constant" ? value : nil)
    }

    private static let bilinearAntialiased = ATenOp("aten::_upsample_bilinear2d_aa", "vec")
    private static let bicubicAntialiased = ATenOp("aten::_upsample_bicubic2d_aa", "vec")

    /// Resizes the spatial dimensions to `size` or by `scaleFactor` (one per dimension, or one
    /// for all) with `mode` "nearest", "linear", "bilinear", "bicubic" or "trilinear"
    /// (`F.interpolate`); `antialias` filters before shrinking ("bilinear" and "bicubic").
    public static func interpolate(_ x: Tensor, size: [Int]? = nil, scaleFactor: [Double]? = nil, mode: String = "nearest",
                                   alignCorners: Bool? = nil, antialias: Bool = false) -> Tensor {
        let dims = x.dim - 2
        let scales = scaleFactor.map { $0.count == 1 ? [Double](repeating: $0[0], count: dims) : $0 }
        let sizes = size.map { $0.count == 1 ? [Int](repeating: $0[0], count: dims) : $0 }
        let corners = alignCorners ?? false
        if antialias {
            guard dims == 2, mode == "bilinear" || mode == "bicubic" else {
                argumentError("F.interpolate", "antialias applies to 4-D input with mode \"bilinear\" or \"bicubic\", got \"\(mode)\" on \(x.dim)-D input")
                return x
            }
            let op = mode == "bilinear" ? bilinearAntialiased : bicubicAntialiased
            return op(.tensor(x), .ints(sizes), .bool(corners), scales.map { .doubles($0) } ?? .none)
        }
        switch (mode, dims) {
        case ("nearest", 1): return ATen.upsampleNearest1d(x, outputSize: sizes, scaleFactors: scales)
        case ("nearest", 2): return ATen.upsampleNearest2d(x, outputSize: sizes, scaleFactors: scales)
        case ("nearest", 3): return ATen.upsampleNearest3d(x, outputSize: sizes, scaleFactors: scales)
        case ("linear", 1): return ATen.upsampleLinear1d(x, outputSize: sizes, alignCorners: corners, scaleFactors: scales)
        case ("bilinear", 2): return ATen.upsampleBilinear2d(x, outputSize: sizes, alignCorners: corners, scaleFactors: scales)
        case ("bicubic", 2): return ATen.upsampleBicubic2d(x, outputSize: sizes, alignCorners: corners, scaleFactors: scales)
        case ("trilinear", 3): return ATen.upsampleTrilinear3d(x, outputSize: sizes, alignCorners: corners, scaleFactors: scales)
        default:
            argumentError("F.interpolate", "mode \"\(mode)\" does not apply to \(x.dim)-D input")
            return x
        }
    }

    /// Samples `input` (N, C, H, W) or (N, C, D, H, W) at the normalised coordinates of `grid`
    /// (N, H', W', 2) or (N, D', H', W', 3) with `mode` "bilinear", "nearest" or "bicubic" and
    /// `paddingMode` "zeros", "border" or "reflection" outside (`F.grid_sample`).
    public static func gridSample(_ input: Tensor, _ grid: Tensor, mode: String = "bilinear", paddingMode: String = "zeros",
                                  alignCorners: Bool = false) -> Tensor {
        let modes = ["bilinear", "nearest", "bicubic"], paddings = ["zeros", "border", "reflection"]
        guard let interpolation = modes.firstIndex(of: mode), let padding = paddings.firstIndex(of: paddingMode) else {
            argumentError("F.gridSample", "mode must be one of \(modes) and paddingMode one of \(paddings), got \"\(mode)\" and \"\(paddingMode)\"")
            return input
        }
        return ATen.gridSampler(input, grid, interpolationMode: interpolation, paddingMode: padding, alignCorners: alignCorners)
    }

    /// The sampling grid of the affine transforms `theta` (N, 2, 3) or (N, 3, 4) for an output
    /// of `size` (N, C, H, W) or (N, C, D, H, W), for `gridSample` (`F.affine_grid`).
    public static func affineGrid(_ theta: Tensor, size: [Int], alignCorners: Bool = false) -> Tensor {
        ATen.affineGridGenerator(theta, size: size, alignCorners: alignCorners)
    }
}
