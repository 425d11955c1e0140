import Foundation
import Torch

/// Affine warps of image tensors in torchvision's arithmetic: the inverse affine matrix, the
/// sampling grid, `grid_sample`, and the fill outside the image.
enum Affine {
    /// The inverse of rotation by `angle` degrees (and `translate`, `scale`, `shear`) about
    /// `center` (offsets from the image's middle), as torchvision's `_get_inverse_affine_matrix`.
    static func inverseMatrix(center: [Double], angle: Double, translate: [Double] = [0, 0], scale: Double = 1,
                              shear: [Double] = [0, 0]) -> [Double] {
        let rot = angle * .pi / 180, sx = shear[0] * .pi / 180, sy = shear[1] * .pi / 180
        let (cx, cy, tx, ty) = (center[0], center[1], translate[0], translate[1])
        let a = cos(rot - sy) / cos(sy)
        let b = -cos(rot - sy) * tan(sx) / cos(sy) - sin(rot)
        let c = sin(rot - sy) / cos(sy)
        let d = -sin(rot - sy) * tan(sx) / cos(sy) + cos(rot)
        var m = [d, -b, 0.0, -c, a, 0.0].map { $0 / scale }
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
        m[2] += cx
        m[5] += cy
        return m
    }

    /// The width and height that hold the whole image after `matrix` (`expand`).
    static func outputSize(_ matrix: [Double], width: Int, height: Int) -> (width: Int, height: Int) {
        let (hw, hh) = (0.5 * Double(width), 0.5 * Double(height))
        let points = Tensor([[-hw, -hh, 1], [-hw, hh, 1], [hw, hh, 1], [hw, -hh, 1]].map { $0.map(Float.init) })
        let theta = Tensor(matrix.map(Float.init)).reshape([2, 3])
        let moved = points.matmul(theta.t())
        let halves = Tensor([Float(hw), Float(hh)])
        let (low, high) = (moved.amin(dim: [0]) + halves, moved.amax(dim: [0]) + halves)
        let tolerance = 1e-4
        let top = (high * (1 / tolerance)).trunc() * tolerance
        let bottom = (low * (1 / tolerance)).trunc() * tolerance
        let size = (top.ceil() - bottom.floor()).scalars(as: Float.self)
        return (Int(size[0]), Int(size[1]))
    }

    /// `image` `[..., C, H, W]` resampled through the inverse affine `matrix` into `width` x
    /// `height`, with `fill` outside (per channel, or one value; nil: zeros, sampled as such).
    static func warp(_ image: Tensor, _ matrix: [Double], width: Int, height: Int, mode: InterpolationMode, fill: [Double]?) -> Tensor {
        let shape = image.shape
        let (channels, inHeight, inWidth) = (shape[shape.count - 3], shape[shape.count - 2], shape[shape.count - 1])
        let batch = image.reshape([-1, channels, inHeight, inWidth])
        let dtype: DType = image.dtype.isFloatingPoint ? image.dtype : .float32
        let theta = Tensor(matrix).to(dtype: dtype).reshape([1, 2, 3])
        let xs = Tensor.linspace((1 - Double(width)) * 0.5, (Double(width) - 1) * 0.5, steps: width, dtype: dtype)
        let ys = Tensor.linspace((1 - Double(height)) * 0.5, (Double(height) - 1) * 0.5, steps: height, dtype: dtype)
        let base = Tensor.stack([xs.reshape([1, width]).expand([height, width]), ys.reshape([height, 1]).expand([height, width]),
                                 Tensor.ones([height, width], dtype: dtype)], dim: -1).reshape([1, height * width, 3])
        let scaledTheta = theta.transpose(1, 2) / Tensor([0.5 * Double(inWidth), 0.5 * Double(inHeight)]).to(dtype: dtype)
        var grid = base.bmm(scaledTheta).reshape([1, height, width, 2])
        let n = batch.size(0)
        if n > 1 { grid = grid.expand([n, -1, -1, -1]) }
        let floating = batch.dtype == dtype ? batch : batch.to(dtype: dtype)
        let modeName = mode == .nearest ? "nearest" : "bilinear"
        var out: Tensor
        if let fill {
            // A channel of ones marks where the image was, so that one sampling pass gives both.
            let withMask = Tensor.cat([floating, Tensor.ones([n, 1, inHeight, inWidth], dtype: dtype)], dim: 1)
            let sampled = F.gridSample(withMask, grid, mode: modeName, paddingMode: "zeros", alignCorners: false)
            let parts = sampled.tensorSplit(indices: [channels], dim: -3)
            let (values, mask) = (parts[0], parts[1].expandAs(parts[0]))
            let fillImage = Tensor(fill).to(dtype: dtype).reshape([1, -1, 1, 1])
            out = mode == .nearest ? Tensor.where(mask .< 0.5, fillImage.expandAs(values), values)
                                   : (values - fillImage) * mask + fillImage
        } else {
            out = F.gridSample(floating, grid, mode: modeName, paddingMode: "zeros", alignCorners: false)
        }
        if batch.dtype != dtype { out = out.round().to(dtype: batch.dtype) }
        return out.reshape(Array(shape.dropLast(3)) + [channels, height, width])
    }
}

extension Affine {
    /// `image` under rotation by `angle` degrees, `translate` pixels, `scale` and `shear` degrees
    /// about `center` (pixels; the middle by default), as `transforms.v2.functional.affine`.
    static func affine(_ image: Tensor, angle: Double, translate: [Double], scale: Double, shear: [Double],
                       interpolation: InterpolationMode, fill: [Double]?, center: [Double]? = nil) -> Tensor {
        let (height, width) = (image.size(-2), image.size(-1))
        let offset: [Double] = center.map { c -> [Double] in [c[0] - Double(width) * 0.5, c[1] - Double(height) * 0.5] } ?? [0, 0]
        let matrix = inverseMatrix(center: offset, angle: angle, translate: translate, scale: scale, shear: shear)
        return warp(image, matrix, width: width, height: height, mode: interpolation, fill: fill)
    }
}

/// Rotates by a random angle in `degrees` (`RandomRotation`), counter-clockwise, about the
/// center (or `center`, in pixels), filling outside with `fill`; `expand` grows the output to hold
/// the whole rotated image.
public struct RandomRotation: Transform {
    public let degrees: ClosedRange<Double>
    public let interpolation: InterpolationMode
    public let expand: Bool
    public let center: [Double]?
    public let fill: [Double]

    /// Angles in `[-degrees, degrees]`.
    public init(_ degrees: Double, interpolation: InterpolationMode = .nearest, expand: Bool = false, center: [Double]? = nil,
                fill: [Double] = [0]) {
        self.init(range: -degrees...degrees, interpolation: interpolation, expand: expand, center: center, fill: fill)
    }

    public init(range: ClosedRange<Double>, interpolation: InterpolationMode = .nearest, expand: Bool = false, center: [Double]? = nil,
                fill: [Double] = [0]) {
        (self.degrees, self.interpolation, self.expand, self.center, self.fill) = (range, interpolation, expand, center, fill)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        let angle = randomUniform(degrees.lowerBound, degrees.upperBound, generator)
        return Self.rotate(image, angle: angle, interpolation: interpolation, expand: expand, center: center, fill: fill)
    }

    /// `image` rotated by `angle` degrees (`torchvision.transforms.v2.functional.rotate`).
    public static func rotate(_ image: Tensor, angle: Double, interpolation: InterpolationMode = .nearest, expand: Bool = false,
                              center: [Double]? = nil, fill: [Double]? = [0]) -> Tensor {
        guard interpolation != .bicubic else {
            argumentError("RandomRotation", "interpolation must be .nearest or .bilinear")
            return image
        }
        let (height, width) = (image.size(-2), image.size(-1))
        let offset: [Double] = center.map { c -> [Double] in [c[0] - Double(width) * 0.5, c[1] - Double(height) * 0.5] } ?? [0, 0]
        // Python's `angle % 360`: in [0, 360).
        let turned = angle.truncatingRemainder(dividingBy: 360)
        let matrix = Affine.inverseMatrix(center: offset, angle: -(turned < 0 ? turned + 360 : turned))
        let size = expand ? Affine.outputSize(matrix, width: width, height: height) : (width, height)
        return Affine.warp(image, matrix, width: size.0, height: size.1, mode: interpolation, fill: fill)
    }
}
