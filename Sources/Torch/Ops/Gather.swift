// Picking and placing elements by index or mask with Swift numbers (`x.maskedFill(mask, 0)`,
// `Tensor.where(c, x, 0)`); `indexSelect`, `maskedSelect`, `nonzero` are the generated `Tensor`
// methods.

extension Tensor {
    /// Picks along `dim` the elements that `index` names (`out[i][j] = self[index[i][j]][j]` for dim 0).
    public func gather(dim: Int, index: Tensor) -> Tensor {
        ATen.gather(self, dim: dim, index: index)
    }
    /// A copy with `src`'s elements written along `dim` at `index`.
    public func scatter(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        ATen.scatter(self, dim: dim, index: index, src: src)
    }
    /// A copy with `value` written along `dim` at `index`.
    public func scatter(dim: Int, index: Tensor, value: Double) -> Tensor {
        ATen.scatter(self, dim: dim, index: index, value: .double(value))
    }
    /// A copy with `src`'s elements added along `dim` at `index`.
    public func scatterAdd(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        ATen.scatterAdd(self, dim: dim, index: index, src: src)
    }
    /// A copy with `value` where `mask` is true.
    public func maskedFill(_ mask: Tensor, _ value: Double) -> Tensor {
        ATen.maskedFill(self, mask, value: .double(value))
    }
    /// A copy with a zero-dimensional tensor's value where `mask` is true.
    public func maskedFill(_ mask: Tensor, _ value: Tensor) -> Tensor {
        ATen.maskedFill(self, mask, value)
    }

    /// `x` where `condition` is true, `y` elsewhere (`torch.where`).
    public static func `where`(_ condition: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
        ATen.where(condition, x, y)
    }
    /// `x` where `condition` is true, the scalar `y` elsewhere.
    public static func `where`(_ condition: Tensor, _ x: Tensor, _ y: Double) -> Tensor {
        ATen.where(condition, x, other: .double(y))
    }
}
