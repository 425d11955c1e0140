/// ATen reductions.
enum ReductionOps {
    static let sum = ATenOp("aten::sum")
    static let sumDim = ATenOp("aten::sum", "dim_IntList")
    static let mean = ATenOp("aten::mean")
    static let meanDim = ATenOp("aten::mean", "dim")
    static let max = ATenOp("aten::max")
    static let maxDim = ATenOp("aten::max", "dim")
    static let min = ATenOp("aten::min")
    static let minDim = ATenOp("aten::min", "dim")
    static let argmax = ATenOp("aten::argmax")
    static let argmin = ATenOp("aten::argmin")
    static let variance = ATenOp("aten::var", "correction")
    static let std = ATenOp("aten::std", "correction")
    static let norm = ATenOp("aten::linalg_vector_norm")
    static let prod = ATenOp("aten::prod")
    static let prodDim = ATenOp("aten::prod", "dim_int")
    static let all = ATenOp("aten::all")
    static let allDim = ATenOp("aten::all", "dim")
    static let any = ATenOp("aten::any")
    static let anyDim = ATenOp("aten::any", "dim")
}

extension Tensor {
    /// The sum of all elements.
    public func sum(dtype: DType? = nil) -> Tensor { ReductionOps.sum(.tensor(self), .dtype(dtype)) }
    /// Sums over `dim` (one or several dimensions).
    public func sum(dim: [Int], keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        ReductionOps.sumDim(.tensor(self), .ints(dim), .bool(keepDim), .dtype(dtype))
    }
    /// Sums over one dimension.
    public func sum(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        sum(dim: [dim], keepDim: keepDim, dtype: dtype)
    }

    /// The mean of all elements.
    public func mean(dtype: DType? = nil) -> Tensor { ReductionOps.mean(.tensor(self), .dtype(dtype)) }
    /// Means over `dim`.
    public func mean(dim: [Int], keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        ReductionOps.meanDim(.tensor(self), .ints(dim), .bool(keepDim), .dtype(dtype))
    }
    /// Means over one dimension.
    public func mean(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        mean(dim: [dim], keepDim: keepDim, dtype: dtype)
    }

    /// The largest element.
    public func max() -> Tensor { ReductionOps.max(.tensor(self)) }
    /// The largest elements along `dim` and their indices.
    public func max(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        let r = ReductionOps.maxDim.tuple(.tensor(self), .int(dim), .bool(keepDim))
        return (r[0], r[1])
    }
    /// The smallest element.
    public func min() -> Tensor { ReductionOps.min(.tensor(self)) }
    /// The smallest elements along `dim` and their indices.
    public func min(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        let r = ReductionOps.minDim.tuple(.tensor(self), .int(dim), .bool(keepDim))
        return (r[0], r[1])
    }
    /// The index of the largest element, over all elements (flattened) or along `dim`.
    public func argmax(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        ReductionOps.argmax(.tensor(self), .int(dim), .bool(keepDim))
    }
    /// The index of the smallest element, over all elements (flattened) or along `dim`.
    public func argmin(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        ReductionOps.argmin(.tensor(self), .int(dim), .bool(keepDim))
    }

    /// The variance over `dim` (all elements when nil), with Bessel's `correction`.
    public func `var`(dim: [Int]? = nil, correction: Double = 1, keepDim: Bool = false) -> Tensor {
        ReductionOps.variance(.tensor(self), .ints(dim), .double(correction), .bool(keepDim))
    }
    /// The standard deviation over `dim` (all elements when nil), with Bessel's `correction`.
    public func std(dim: [Int]? = nil, correction: Double = 1, keepDim: Bool = false) -> Tensor {
        ReductionOps.std(.tensor(self), .ints(dim), .double(correction), .bool(keepDim))
    }
    /// The `p`-norm over `dim` (all elements when nil).
    public func norm(_ p: Double = 2, dim: [Int]? = nil, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        ReductionOps.norm(.tensor(self), .double(p), .ints(dim), .bool(keepDim), .dtype(dtype))
    }
    /// The product of all elements.
    public func prod(dtype: DType? = nil) -> Tensor { ReductionOps.prod(.tensor(self), .dtype(dtype)) }
    /// The product along `dim`.
    public func prod(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        ReductionOps.prodDim(.tensor(self), .int(dim), .bool(keepDim), .dtype(dtype))
    }
    /// Whether every element is true (non-zero), as a bool tensor.
    public func all() -> Tensor { ReductionOps.all(.tensor(self)) }
    /// Whether every element along `dim` is true.
    public func all(dim: Int, keepDim: Bool = false) -> Tensor {
        ReductionOps.allDim(.tensor(self), .int(dim), .bool(keepDim))
    }
    /// Whether any element is true (non-zero), as a bool tensor.
    public func any() -> Tensor { ReductionOps.any(.tensor(self)) }
    /// Whether any element along `dim` is true.
    public func any(dim: Int, keepDim: Bool = false) -> Tensor {
        ReductionOps.anyDim(.tensor(self), .int(dim), .bool(keepDim))
    }
}
