// Reductions with Swift's spelling of their options (`keepDim`, one `dim` or several), on the
// generated operators.

extension Tensor {
    /// The sum of all elements.
    public func sum(dtype: DType? = nil) -> Tensor { ATen.sum(self, dtype: dtype) }
    /// Sums over `dim` (one or several dimensions).
    public func sum(dim: [Int], keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        ATen.sum(self, dim: dim, keepdim: keepDim, dtype: dtype)
    }
    /// Sums over one dimension.
    public func sum(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        sum(dim: [dim], keepDim: keepDim, dtype: dtype)
    }

    /// The mean of all elements.
    public func mean(dtype: DType? = nil) -> Tensor { ATen.mean(self, dtype: dtype) }
    /// Means over `dim`.
    public func mean(dim: [Int], keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        ATen.mean(self, dim: dim, keepdim: keepDim, dtype: dtype)
    }
    /// Means over one dimension.
    public func mean(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        mean(dim: [dim], keepDim: keepDim, dtype: dtype)
    }

    /// The largest element.
    public func max() -> Tensor { ATen.max(self) }
    /// The largest elements along `dim` and their indices.
    public func max(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        ATen.max(self, dim: dim, keepdim: keepDim)
    }
    /// The smallest element.
    public func min() -> Tensor { ATen.min(self) }
    /// The smallest elements along `dim` and their indices.
    public func min(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        ATen.min(self, dim: dim, keepdim: keepDim)
    }
    /// The index of the largest element, over all elements (flattened) or along `dim`.
    public func argmax(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        ATen.argmax(self, dim: dim, keepdim: keepDim)
    }
    /// The index of the smallest element, over all elements (flattened) or along `dim`.
    public func argmin(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        ATen.argmin(self, dim: dim, keepdim: keepDim)
    }

    /// The variance over `dim` (all elements when nil), with Bessel's `correction`.
    public func `var`(dim: [Int]? = nil, correction: Double = 1, keepDim: Bool = false) -> Tensor {
        ATen.var(self, dim: dim, correction: .double(correction), keepdim: keepDim)
    }
    /// The standard deviation over `dim` (all elements when nil), with Bessel's `correction`.
    public func std(dim: [Int]? = nil, correction: Double = 1, keepDim: Bool = false) -> Tensor {
        ATen.std(self, dim: dim, correction: .double(correction), keepdim: keepDim)
    }
    /// The `p`-norm over `dim` (all elements when nil).
    public func norm(_ p: Double = 2, dim: [Int]? = nil, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        ATen.linalgVectorNorm(self, ord: .double(p), dim: dim, keepdim: keepDim, dtype: dtype)
    }
    /// The product of all elements.
    public func prod(dtype: DType? = nil) -> Tensor { ATen.prod(self, dtype: dtype) }
    /// The product along `dim`.
    public func prod(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        ATen.prod(self, dim: dim, keepdim: keepDim, dtype: dtype)
    }
    /// Whether every element is true (non-zero), as a bool tensor.
    public func all() -> Tensor { ATen.all(self) }
    /// Whether every element along `dim` is true.
    public func all(dim: Int, keepDim: Bool = false) -> Tensor {
        ATen.all(self, dim: dim, keepdim: keepDim)
    }
    /// Whether any element is true (non-zero), as a bool tensor.
    public func any() -> Tensor { ATen.any(self) }
    /// Whether any element along `dim` is true.
    public func any(dim: Int, keepDim: Bool = false) -> Tensor {
        ATen.any(self, dim: dim, keepdim: keepDim)
    }
}
