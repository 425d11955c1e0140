import Foundation
import Torch

/// 10·log10(range² / MSE) of images against references (`torchmetrics.image.PeakSignalNoiseRatio`),
/// over every pixel seen; `dataRange` is the span of the pixel values (1 for [0, 1] images).
public final class PeakSignalNoiseRatio: Metric {
    public let dataRange: Double, base: Double

    public init(dataRange: Double, base: Double = 10) {
        (self.dataRange, self.base) = (dataRange, base)
        super.init()
        addState("sum_squared_error", Tensor(Double(0)), reduction: .sum)
        addState("total", Tensor(Double(0)), reduction: .sum)
    }

    /// Adds images against references of the same shape.
    public func update(_ preds: Tensor, _ target: Tensor) {
        let (p, t) = (preds.detach().to(dtype: .float64), target.detach().to(dtype: .float64))
        accumulate("sum_squared_error", ((p - t) * (p - t)).sum())
        accumulate("total", Tensor(Double(t.numel)))
        didUpdate()
    }

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> Tensor { forward { update(preds, target) } }

    public override func result() -> Tensor {
        let natural = 2 * Foundation.log(dataRange) - (state("sum_squared_error") / state("total")).log()
        return (natural * (10 / Foundation.log(base))).to(dtype: .float32)
    }
}
