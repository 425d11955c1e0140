import Torch

/// A transform of a whole batch and its labels (`MixUp`, `CutMix`): images `[N, C, H, W]` and
/// class indices `[N]` (or probabilities `[N, numClasses]`) in, mixed images and label
/// probabilities out. Apply it to shuffled batches, in `trainingStep` or a `Collate`.
public protocol BatchTransform: Sendable {
    func callAsFunction(_ images: Tensor, _ labels: Tensor, generator: Generator?) -> (Tensor, Tensor)
}

extension BatchTransform {
    /// The transformed batch, random draws from PyTorch's global generator.
    public func callAsFunction(_ images: Tensor, _ labels: Tensor) -> (Tensor, Tensor) { self(images, labels, generator: nil) }
}

/// What MixUp and CutMix share: a mixing weight from Beta(alpha, alpha) drawn as PyTorch's
/// `distributions.Beta` draws it, and each sample paired with the one before it in the batch.
enum Mixing {
    private static let sampleDirichlet = ATenOp("aten::_sample_dirichlet")

    static func lambda(alpha: Double, _ generator: Generator?) -> Double {
        let concentration = Tensor([[Float(alpha), Float(alpha)]])
        return sampleDirichlet(.tensor(concentration), .generator(generator)).select(dim: -1, index: 0).item(as: Double.self)
    }

    /// Label probabilities mixed with `lam` of each sample's own and the rest of the previous one's.
    static func labels(_ labels: Tensor, numClasses: Int, lam: Double) -> Tensor {
        let oneHot = labels.dim == 1 ? F.oneHot(labels, numClasses: numClasses) : labels
        let floating = oneHot.dtype.isFloatingPoint ? oneHot : oneHot.to(dtype: .float32)
        return (floating.roll(shifts: [1], dims: [0]) * (1 - lam)).add(floating * lam)
    }

    /// Refuses what torchvision refuses, naming it.
    static func check(_ name: String, _ images: Tensor, _ labels: Tensor, numClasses: Int) -> Bool {
        guard images.dim == 4, labels.dim == 1 || labels.dim == 2, images.size(0) == labels.size(0),
              labels.dim == 1 || labels.size(-1) == numClasses else {
            argumentError(name, "expects images [N, C, H, W] and labels [N] or [N, \(numClasses)], got \(images.shape) and \(labels.shape)")
            return false
        }
        return true
    }
}

/// Mixes each image with the previous one of the batch, `lam` of its own (`MixUp`), `lam` from
/// Beta(alpha, alpha); labels become the same mix of one-hot vectors.
public struct MixUp: BatchTransform {
    public let alpha: Double
    public let numClasses: Int

    public init(alpha: Double = 1, numClasses: Int) {
        (self.alpha, self.numClasses) = (alpha, numClasses)
    }

    public func callAsFunction(_ images: Tensor, _ labels: Tensor, generator: Generator?) -> (Tensor, Tensor) {
        guard Mixing.check("MixUp", images, labels, numClasses: numClasses) else { return (images, labels) }
        let lam = Mixing.lambda(alpha: alpha, generator)
        let mixed = (images.roll(shifts: [1], dims: [0]) * (1 - lam)).add(images * lam)
        return (mixed, Mixing.labels(labels, numClasses: numClasses, lam: lam))
    }
}

/// Pastes a box of the previous image of the batch into each image (`CutMix`): its area
/// `1 - lam` of the image (clipped at the borders), `lam` from Beta(alpha, alpha); labels mix by
/// the areas.
public struct CutMix: BatchTransform {
    public let alpha: Double
    public let numClasses: Int

    public init(alpha: Double = 1, numClasses: Int) {
        (self.alpha, self.numClasses) = (alpha, numClasses)
    }

    public func callAsFunction(_ images: Tensor, _ labels: Tensor, generator: Generator?) -> (Tensor, Tensor) {
        guard Mixing.check("CutMix", images, labels, numClasses: numClasses) else { return (images, labels) }
        let lam = Mixing.lambda(alpha: alpha, generator)
        let (height, width) = (images.size(-2), images.size(-1))
        let x = randomInt(below: width, generator), y = randomInt(below: height, generator)
        let r = 0.5 * (1 - lam).squareRoot()
        let (halfW, halfH) = (Int(r * Double(width)), Int(r * Double(height)))
        let (x1, y1, x2, y2) = (max(x - halfW, 0), max(y - halfH, 0), min(x + halfW, width), min(y + halfH, height))
        let out = images.clone()
        if x2 > x1 && y2 > y1 {
            let box = { (t: Tensor) in t.narrow(dim: -2, start: y1, length: y2 - y1).narrow(dim: -1, start: x1, length: x2 - x1) }
            _ = box(out).copy_(box(images.roll(shifts: [1], dims: [0])))
        }
        let adjusted = 1.0 - Double((x2 - x1) * (y2 - y1)) / Double(width * height)
        return (out, Mixing.labels(labels, numClasses: numClasses, lam: adjusted))
    }
}
