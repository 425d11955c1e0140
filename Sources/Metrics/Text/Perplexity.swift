import Torch

/// exp of the mean negative log-likelihood of the target tokens (`torchmetrics.text.Perplexity`):
/// logits (N, T, V) against token ids (N, T), tokens equal to `ignoreIndex` left out.
public final class Perplexity: Metric {
    public let ignoreIndex: Int?

    public init(ignoreIndex: Int? = nil) {
        self.ignoreIndex = ignoreIndex
        super.init()
        addState("total_log_probs", Tensor(Double(0)), reduction: .sum)
        addState("count", Tensor(Double(0)), reduction: .sum)
    }

    /// Adds a batch of logits against token ids.
    public func update(_ preds: Tensor, _ target: Tensor) {
        if preds.dim != 3 || target.dim != 2 || Array(preds.shape.prefix(2)) != target.shape {
            argumentError("Perplexity", "expected logits (N, T, V) and targets (N, T), got \(preds.shape) and \(target.shape)")
            return
        }
        let logProbs = preds.detach().reshape([-1, preds.size(-1)]).to(dtype: .float64).logSoftmax(dim: 1)
        var tokens = target.reshape([-1]).to(dtype: .int64)
        var mask = Tensor.ones([tokens.size(0)], dtype: .bool)
        if let ignoreIndex {
            mask = tokens .!= ignoreIndex
            tokens = ATen.where(mask, tokens, other: .int(0))
        }
        let picked = logProbs.gather(dim: 1, index: tokens.unsqueeze(1)).squeeze(dim: 1).maskedSelect(mask)
        accumulate("total_log_probs", -picked.sum())
        accumulate("count", mask.to(dtype: .float64).sum())
        didUpdate()
    }

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> Tensor { forward { update(preds, target) } }

    public override func result() -> Tensor { (state("total_log_probs") / state("count")).exp().to(dtype: .float32) }
}
