import Torch

/// The norm used by `CalibrationError`.
public enum CalibrationNorm: Sendable {
    /// The expected calibration error (bins weighted by their share of samples).
    case l1
    /// The root of the bin-weighted squared gaps.
    case l2
    /// The largest gap of any bin.
    case max
}

/// How far confidence is from accuracy, over `nBins` equal confidence bins
/// (`torchmetrics.CalibrationError`): a binary task's confidence is the positive score, a
/// multiclass one's the top class's probability.
public final class CalibrationError: Metric {
    public let options: ClassificationOptions
    public let nBins: Int, norm: CalibrationNorm

    public init(task: ClassificationTask, numClasses: Int? = nil, nBins: Int = 15, norm: CalibrationNorm = .l1,
                ignoreIndex: Int? = nil) {
        if task == .multilabel { argumentError("CalibrationError", "task .multilabel is not supported, as in torchmetrics") }
        options = ClassificationOptions(task: task, numClasses: numClasses, ignoreIndex: ignoreIndex)
        (self.nBins, self.norm) = (nBins, norm)
        super.init()
        options.validate("CalibrationError")
        addListState("confidences")
        addListState("accuracies")
    }

    /// Adds a batch of scores against targets.
    public func update(_ preds: Tensor, _ target: Tensor) {
        var (p, t) = (preds.detach().to(dtype: .float32), target.to(dtype: .int64))
        if options.task == .binary {
            (p, t) = (ClassificationOptions.probabilities(p.reshape([-1])), t.reshape([-1]))
        } else {
            if ((p .< 0).logicalOr(p .> 1)).any().item(as: Bool.self) { p = p.softmax(dim: 1) }
        }
        if let ignore = options.ignoreIndex {
            let keep = (t .!= ignore).nonzero().reshape([-1])
            (p, t) = (p.indexSelect(dim: 0, index: keep), t.indexSelect(dim: 0, index: keep))
        }
        if options.task == .binary {
            append("confidences", p)
            append("accuracies", t.to(dtype: .float32))
        } else {
            let (confidence, predicted) = p.max(dim: 1)
            append("confidences", confidence)
            append("accuracies", (predicted .== t).to(dtype: .float32))
        }
        didUpdate()
    }

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> Tensor { forward { update(preds, target) } }

    public override func result() -> Tensor {
        guard let confidences = concatenated("confidences"), let accuracies = concatenated("accuracies") else { return Tensor(Float(0)) }
        let boundaries = Tensor.linspace(0, 1, steps: nBins + 1)
        let bins = ATen.bucketize(confidences, boundaries, right: true) - 1
        let counts = Tensor.zeros([nBins + 1]).scatterAdd(dim: 0, index: bins, src: Tensor.ones(like: confidences))
        let meanConfidence = ATen.nanToNum(Tensor.zeros([nBins + 1]).scatterAdd(dim: 0, index: bins, src: confidences) / counts, nan: 0)
        let meanAccuracy = ATen.nanToNum(Tensor.zeros([nBins + 1]).scatterAdd(dim: 0, index: bins, src: accuracies) / counts, nan: 0)
        let share = counts / counts.sum()
        let gap = meanAccuracy - meanConfidence
        switch norm {
        case .l1: return (gap.abs() * share).sum()
        case .max: return gap.abs().max()
        case .l2:
            let squared = (gap * gap * share).sum()
            return squared.item() > 0 ? squared.sqrt() : Tensor(Float(0))
        }
    }
}
