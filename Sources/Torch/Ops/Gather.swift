/// ATen operators that pick or place elements by index or mask.
enum GatherOps {
    static let indexSelect = ATenOp("aten::index_select")
    static let gather = ATenOp("aten::gather")
    static let scatter = ATenOp("aten::scatter", "src")
    static let scatterValue = ATenOp("aten::scatter", "value")
    static let scatterAdd = ATenOp("aten::scatter_add")
    static let maskedFill = ATenOp("aten::masked_fill", "Scalar")
    static let maskedFillTensor = ATenOp("aten::masked_fill", "Tensor")
    static let maskedSelect = ATenOp("aten::masked_select")
    static let `where` = ATenOp("aten::where", "self")
    static let whereScalarOther = ATenOp("aten::where", "ScalarOther")
    static let nonzero = ATenOp("aten::nonzero")
}

extension Tensor {
    /// The slices at `index` along `dim`.
    public func indexSelect(dim: Int, index: Tensor) -> Tensor {
        GatherOps.indexSelect(.tensor(self), .int(dim), .tensor(index))
    }
    /// Picks along `dim` the elements that `index` names (`out[i][j] = self[index[i][j]][j]` for dim 0).
    public func gather(dim: Int, index: Tensor) -> Tensor {
        GatherOps.gather(.tensor(self), .int(dim), .tensor(index))
    }
    /// A copy with `src`'s elements written along `dim` at `index`.
    public func scatter(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        GatherOps.scatter(.tensor(self), .int(dim), .tensor(index), .tensor(src))
    }
    /// A copy with `value` written along `dim` at `index`.
    public func scatter(dim: Int, index: Tensor, value: Double) -> Tensor {
        GatherOps.scatterValue(.tensor(self), .int(dim), .tensor(index), .double(value))
    }
    /// A copy with `src`'s elements added along `dim` at `index`.
    public func scatterAdd(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        GatherOps.scatterAdd(.tensor(self), .int(dim), .tensor(index), .tensor(src))
    }
    /// A copy with `value` where `mask` is true.
    public func maskedFill(_ mask: Tensor, _ value: Double) -> Tensor {
        GatherOps.maskedFill(.tensor(self), .tensor(mask), .double(value))
    }
    /// A copy with a zero-dimensional tensor's value where `mask` is true.
    public func maskedFill(_ mask: Tensor, _ value: Tensor) -> Tensor {
        GatherOps.maskedFillTensor(.tensor(self), .tensor(mask), .tensor(value))
    }
    /// The elements where `mask` is true, as a 1-D tensor.
    public func maskedSelect(_ mask: Tensor) -> Tensor { GatherOps.maskedSelect(.tensor(self), .tensor(mask)) }
    /// The indices of the non-zero elements, one row each.
    public func nonzero() -> Tensor { GatherOps.nonzero(.tensor(self)) }

    /// `x` where `condition` is true, `y` elsewhere (`torch.where`).
    public static func `where`(_ condition: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
        GatherOps.where(.tensor(condition), .tensor(x), .tensor(y))
    }
    /// `x` where `condition` is true, the scalar `y` elsewhere.
    public static func `where`(_ condition: Tensor, _ x: Tensor, _ y: Double) -> Tensor {
        GatherOps.whereScalarOther(.tensor(condition), .tensor(x), .double(y))
    }
}
