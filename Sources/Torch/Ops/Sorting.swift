/// ATen sorting and scanning operators.
enum SortingOps {
    static let topk = ATenOp("aten::topk")
    static let sort = ATenOp("aten::sort", "stable")
    static let argsort = ATenOp("aten::argsort", "stable")
    static let cumsum = ATenOp("aten::cumsum")
}

extension Tensor {
    /// The `k` largest (or smallest) elements along `dim` and their indices.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true)
        -> (values: Tensor, indices: Tensor)
    {
        let r = SortingOps.topk.tuple(.tensor(self), .int(k), .int(dim), .bool(largest), .bool(sorted))
        return (r[0], r[1])
    }
    /// The elements sorted along `dim` and the indices that sort them.
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = false)
        -> (values: Tensor, indices: Tensor)
    {
        let r = SortingOps.sort.tuple(.tensor(self), .bool(stable), .int(dim), .bool(descending))
        return (r[0], r[1])
    }
    /// The indices that sort the elements along `dim`.
    public func argsort(dim: Int = -1, descending: Bool = false, stable: Bool = false) -> Tensor {
        SortingOps.argsort(.tensor(self), .bool(stable), .int(dim), .bool(descending))
    }
    /// Running sums along `dim`.
    public func cumsum(dim: Int, dtype: DType? = nil) -> Tensor {
        SortingOps.cumsum(.tensor(self), .int(dim), .dtype(dtype))
    }
}
