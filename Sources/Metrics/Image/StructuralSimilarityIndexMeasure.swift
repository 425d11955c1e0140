import Torch

/// The structural similarity of images to references (`torchmetrics.image.StructuralSimilarityIndexMeasure`):
/// luminance, contrast and structure compared through a Gaussian window (`sigma`), averaged over
/// each image, then over the images. Without `dataRange`, each batch's own range is used.
public final class StructuralSimilarityIndexMeasure: Metric {
    public let dataRange: Double?, sigma: Double, k1: Double, k2: Double

    public init(dataRange: Double? = nil, sigma: Double = 1.5, k1: Double = 0.01, k2: Double = 0.03) {
        (self.dataRange, self.sigma, self.k1, self.k2) = (dataRange, sigma, k1, k2)
        super.init()
        addState("similarity", Tensor(Double(0)), reduction: .sum)
        addState("total", Tensor(Double(0)), reduction: .sum)
    }

    /// Adds images (N, C, H, W) against references of the same shape.
    public func update(_ preds: Tensor, _ target: Tensor) {
        if preds.shape != target.shape || preds.dim != 4 {
            argumentError("StructuralSimilarityIndexMeasure", "expected images (N, C, H, W) of the same shape, got \(preds.shape) and \(target.shape)")
            return
        }
        let (p, t) = (preds.detach().to(dtype: .float32), target.detach().to(dtype: .float32))
        let range = dataRange ?? Swift.max((p.max() - p.min()).item(), (t.max() - t.min()).item())
        let (c1, c2) = ((k1 * range) * (k1 * range), (k2 * range) * (k2 * range))
        let size = Int(3.5 * sigma + 0.5) * 2 + 1
        let pad = (size - 1) / 2
        let distance = Tensor.arange(Double(1 - size) / 2, Double(1 + size) / 2)
        let gauss = (-(distance / sigma) * (distance / sigma) / 2).exp()
        let line = (gauss / gauss.sum()).unsqueeze(0)
        let channels = p.size(1)
        let kernel = line.t().matmul(line).expand([channels, 1, size, size])
        let (pp, tp) = (ATen.pad(p, pad: [pad, pad, pad, pad], mode: "reflect"), ATen.pad(t, pad: [pad, pad, pad, pad], mode: "reflect"))
        let stacked = Tensor.cat([pp, tp, pp * pp, tp * tp, pp * tp])
        let out = ATen.conv2d(stacked, kernel, groups: channels).split(p.size(0))
        let (muP2, muT2, muPT) = (out[0] * out[0], out[1] * out[1], out[0] * out[1])
        let sigmaP2 = (out[2] - muP2).clamp(min: 0), sigmaT2 = (out[3] - muT2).clamp(min: 0)
        let sigmaPT = out[4] - muPT
        let index = ((2 * muPT + c1) * (2 * sigmaPT + c2)) / ((muP2 + muT2 + c1) * (sigmaP2 + sigmaT2 + c2))
        accumulate("similarity", index.reshape([p.size(0), -1]).mean(dim: [1]).to(dtype: .float64).sum())
        accumulate("total", Tensor(Double(p.size(0))))
        didUpdate()
    }

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> Tensor { forward { update(preds, target) } }

    public override func result() -> Tensor { (state("similarity") / state("total")).to(dtype: .float32) }
}
