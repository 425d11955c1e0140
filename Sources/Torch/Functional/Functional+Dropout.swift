extension Functional {
    /// Zeroes elements with probability `p` and scales the rest by `1 / (1 - p)` when training.
    public static func dropout(_ x: Tensor, p: Double = 0.5, training: Bool = true) -> Tensor {
        guard (0...1).contains(p) else {
            argumentError("dropout", "probability has to be between 0 and 1, but got \(p)")
            return x
        }
        return ATen.dropout(x, p: p, train: training)
    }

    /// Zeroes whole channels (all but the first two dimensions of `batchedDims`-D input, or the
    /// first of unbatched input) with probability `p` while training (`F.dropout1d/2d/3d`).
    public static func featureDropout(_ x: Tensor, p: Double, training: Bool, batchedDims: Int) -> Tensor {
        let batched = x.dim == batchedDims
        let input = batched ? x : x.unsqueeze(0)
        let y = ATen.featureDropout(input, p: p, train: training)
        return batched ? y : y.squeeze(dim: 0)
    }
}
