// Sorting with Swift's spelling (`x.topk(3)`, `x.sort(stable: true)`); `cumsum` is the generated
// `Tensor` method.

extension Tensor {
    /// The `k` largest (or smallest) elements along `dim` and their indices.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true)
        -> (values: Tensor, indices: Tensor)
    {
        ATen.topk(self, k: k, dim: dim, largest: largest, sorted: sorted)
    }
    /// The elements sorted along `dim` and the indices that sort them.
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = false)
        -> (values: Tensor, indices: Tensor)
    {
        ATen.sort(self, stable: stable, dim: dim, descending: descending)
    }
    /// The indices that sort the elements along `dim`.
    public func argsort(dim: Int = -1, descending: Bool = false, stable: Bool = false) -> Tensor {
        ATen.argsort(self, stable: stable, dim: dim, descending: descending)
    }
}
