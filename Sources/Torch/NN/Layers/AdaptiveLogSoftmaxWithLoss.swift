import Foundation

/// The efficient softmax approximation of Grave et al. for large vocabularies
/// (`nn.AdaptiveLogSoftmaxWithLoss`): the frequent classes below `cutoffs[0]` and one entry per
/// cluster sit in the head; the rarer classes of each cluster get a smaller projection, each
/// `divValue` times narrower than the one before.
public final class AdaptiveLogSoftmaxWithLoss: Module {
    public let head: Linear
    public let tail: [Sequential]
    public let inFeatures: Int, nClasses: Int
    /// The class boundaries, ending with `nClasses`.
    public let cutoffs: [Int]
    public let divValue: Double

    public init(inFeatures: Int, nClasses: Int, cutoffs: [Int], divValue: Double = 4, headBias: Bool = false) {
        if cutoffs.isEmpty || cutoffs != cutoffs.sorted() || Set(cutoffs).count != cutoffs.count
            || cutoffs.first! <= 0 || cutoffs.last! > nClasses - 1 {
            argumentError("AdaptiveLogSoftmaxWithLoss", "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and nClasses-1, got \(cutoffs)")
        }
        (self.inFeatures, self.nClasses, self.divValue) = (inFeatures, nClasses, divValue)
        self.cutoffs = cutoffs + [nClasses]
        head = Linear(inFeatures, cutoffs[0] + cutoffs.count, bias: headBias)
        tail = (0..<cutoffs.count).map { i in
            let hidden = Int((Double(inFeatures) / Foundation.pow(divValue, Double(i + 1))).rounded(.down))
            let size = i + 1 < cutoffs.count ? cutoffs[i + 1] - cutoffs[i] : nClasses - cutoffs[i]
            return Sequential([Linear(inFeatures, hidden, bias: false), Linear(hidden, size, bias: false)])
        }
        super.init()
    }

    /// The log-probability of each target (`output`) and their mean negative (`loss`); `input`
    /// is (N, inFeatures) with targets (N), or one sample (inFeatures) with a 0-D target.
    public func forward(_ input: Tensor, _ target: Tensor) -> (output: Tensor, loss: Tensor) {
        let batched = target.dim == 1
        if (batched && (input.dim != 2 || input.size(0) != target.size(0))) || (!batched && input.dim != 1) {
            argumentError("AdaptiveLogSoftmaxWithLoss", "expected (N, \(inFeatures)) input with (N) targets or (\(inFeatures)) input with a 0-D target, got input \(input.shape) and target \(target.shape)")
            return (input, input)
        }
        let x = batched ? input : input.unsqueeze(0)
        let y = batched ? target : target.unsqueeze(0)
        var output = Tensor.zeros([y.size(0)], dtype: x.dtype, device: x.device)
        let gatherIndices = Tensor.zeros([y.size(0)], dtype: y.dtype, device: y.device)
        var usedRows = 0
        let bounds = [0] + cutoffs
        for i in 0..<(bounds.count - 1) {
            let mask = (y .>= bounds[i]).logicalAnd(y .< bounds[i + 1])
            let rows = mask.nonzero().reshape([-1])
            guard rows.numel > 0 else { continue }
            if i == 0 {
                _ = gatherIndices.indexCopy_(dim: 0, index: rows, source: y.maskedSelect(mask))
            } else {
                let relative = y.maskedSelect(mask) - bounds[i]
                let clusterLogProb = tail[i - 1](x.indexSelect(dim: 0, index: rows)).logSoftmax(dim: 1)
                _ = gatherIndices.indexFill_(dim: 0, index: rows, value: .int(cutoffs[0] + i - 1))
                output = output.indexCopy(dim: 0, index: rows, source: clusterLogProb.gather(dim: 1, index: relative.unsqueeze(1)).squeeze(dim: 1))
            }
            usedRows += rows.numel
        }
        if usedRows != y.size(0) {
            argumentError("AdaptiveLogSoftmaxWithLoss", "target values should be in [0, \(nClasses - 1)] but values in range [\(y.min().item()), \(y.max().item())] were found")
        }
        output = output + head(x).logSoftmax(dim: 1).gather(dim: 1, index: gatherIndices.unsqueeze(1)).squeeze(dim: 1)
        let loss = (-output).mean()
        return (batched ? output : output.squeeze(dim: 0), loss)
    }

    /// Calls `forward(_:_:)`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> (output: Tensor, loss: Tensor) { forward(input, target) }

    /// The log-probabilities of every class, (N, nClasses) (`log_prob`).
    public func logProb(_ input: Tensor) -> Tensor {
        let batched = input.dim == 2
        let x = batched ? input : input.unsqueeze(0)
        let headLogProb = head(x).logSoftmax(dim: 1)
        let shortlist = cutoffs[0]
        var parts = [headLogProb[TensorIndex.all, 0..<shortlist]]
        for (i, cluster) in tail.enumerated() {
            parts.append(cluster(x).logSoftmax(dim: 1) + headLogProb[TensorIndex.all, (shortlist + i)...(shortlist + i)])
        }
        let out = Tensor.cat(parts, dim: 1)
        return batched ? out : out.squeeze(dim: 0)
    }

    /// The most likely class of each sample (`predict`).
    public func predict(_ input: Tensor) -> Tensor { logProb(input).argmax(dim: -1) }
}
