// Shape operators with Swift's spelling of their arguments (`x.reshape([2, -1])`,
// `x.transpose(0, 1)`, `Tensor.cat(parts)`), on the generated operators; `flatten`, `narrow`,
// `select`, `slice` and `contiguous` are the generated `Tensor` methods as they are.

extension Tensor {
    /// The same elements in a new shape (a view when possible); one dimension may be -1.
    public func reshape(_ shape: [Int]) -> Tensor { ATen.reshape(self, shape: shape) }
    /// A view with a new shape over the same storage; fails when the strides do not allow it.
    public func view(_ shape: [Int]) -> Tensor { ATen.view(self, size: shape) }
    /// Reorders the dimensions.
    public func permute(_ dims: [Int]) -> Tensor { ATen.permute(self, dims: dims) }
    /// The transpose of a matrix (tensors of at most 2 dimensions).
    public func t() -> Tensor { ATen.t(self) }
    /// Swaps two dimensions.
    public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
        ATen.transpose(self, dim0: dim0, dim1: dim1)
    }
    /// Removes every dimension of size 1.
    public func squeeze() -> Tensor { ATen.squeeze(self) }
    /// Removes the given dimensions where their size is 1.
    public func squeeze(dim: Int...) -> Tensor { ATen.squeeze(self, dim: dim) }
    /// Inserts a dimension of size 1 at `dim`.
    public func unsqueeze(_ dim: Int) -> Tensor { ATen.unsqueeze(self, dim: dim) }
    /// A broadcast view to `shape` (-1 keeps a dimension).
    public func expand(_ shape: [Int]) -> Tensor { ATen.expand(self, size: shape) }
    /// A broadcast view to `other`'s shape.
    public func expand(as other: Tensor) -> Tensor { expand(other.shape) }
    /// Tiles the tensor `repeats[i]` times along each dimension.
    public func `repeat`(_ repeats: [Int]) -> Tensor { ATen.repeat(self, repeats: repeats) }
    /// Splits into pieces of `size` along `dim` (the last may be smaller).
    public func split(_ size: Int, dim: Int = 0) -> [Tensor] {
        ATen.split(self, splitSize: size, dim: dim)
    }
    /// Splits into pieces of the given sizes along `dim`.
    public func split(sizes: [Int], dim: Int = 0) -> [Tensor] {
        ATen.splitWithSizes(self, splitSizes: sizes, dim: dim)
    }
    /// Splits into `chunks` nearly equal pieces along `dim`.
    public func chunk(_ chunks: Int, dim: Int = 0) -> [Tensor] {
        ATen.chunk(self, chunks: chunks, dim: dim)
    }
    /// Reverses the order of elements along `dims`.
    public func flip(_ dims: [Int]) -> Tensor { ATen.flip(self, dims: dims) }

    /// Joins tensors along an existing dimension.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        ATen.cat(tensors: tensors, dim: dim)
    }
    /// Joins tensors of the same shape along a new dimension.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        ATen.stack(tensors: tensors, dim: dim)
    }
}
