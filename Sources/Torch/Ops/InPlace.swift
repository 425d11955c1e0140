import CTorch

/// ATen in-place operators.
enum InPlaceOps {
    static let sub = ATenOp("aten::sub_", "Tensor")
    static let mul = ATenOp("aten::mul_", "Tensor")
    static let mulScalar = ATenOp("aten::mul_", "Scalar")
    static let div = ATenOp("aten::div_", "Tensor")
    static let zero = ATenOp("aten::zero_")
    static let copy = ATenOp("aten::copy_")
    static let fill = ATenOp("aten::fill_", "Scalar")
    static let clamp = ATenOp("aten::clamp_")
    static let maskedFill = ATenOp("aten::masked_fill_", "Scalar")
    static let uniform = ATenOp("aten::uniform_")
    static let normal = ATenOp("aten::normal_")
}

extension Tensor {
    /// In place: `self += alpha * other`.
    @discardableResult
    public func add_(_ other: Tensor, alpha: Double = 1) -> Tensor {
        check(ct_add_(handle, other.handle, alpha), "add_")
        return self
    }
    /// In place: `self -= alpha * other`.
    @discardableResult
    public func sub_(_ other: Tensor, alpha: Double = 1) -> Tensor {
        InPlaceOps.sub(.tensor(self), .tensor(other), .alpha(alpha))
        return self
    }
    /// In place: `self *= other`.
    @discardableResult
    public func mul_(_ other: Tensor) -> Tensor {
        InPlaceOps.mul(.tensor(self), .tensor(other))
        return self
    }
    /// In place: `self *= value`.
    @discardableResult
    public func mul_(_ value: Double) -> Tensor {
        InPlaceOps.mulScalar(.tensor(self), .double(value))
        return self
    }
    /// In place: `self /= other`.
    @discardableResult
    public func div_(_ other: Tensor) -> Tensor {
        InPlaceOps.div(.tensor(self), .tensor(other))
        return self
    }
    /// In place: every element becomes zero.
    @discardableResult
    public func zero_() -> Tensor {
        InPlaceOps.zero(.tensor(self))
        return self
    }
    /// In place: copies `source`'s elements (broadcast, converted to this dtype and device).
    @discardableResult
    public func copy_(_ source: Tensor, nonBlocking: Bool = false) -> Tensor {
        InPlaceOps.copy(.tensor(self), .tensor(source), .bool(nonBlocking))
        return self
    }
    /// In place: every element becomes `value`.
    @discardableResult
    public func fill_(_ value: Double) -> Tensor {
        InPlaceOps.fill(.tensor(self), .double(value))
        return self
    }
    /// In place: limits every element to [min, max].
    @discardableResult
    public func clamp_(min: Double? = nil, max: Double? = nil) -> Tensor {
        InPlaceOps.clamp(.tensor(self), .double(min), .double(max))
        return self
    }
    /// In place: `value` where `mask` is true.
    @discardableResult
    public func maskedFill_(_ mask: Tensor, _ value: Double) -> Tensor {
        InPlaceOps.maskedFill(.tensor(self), .tensor(mask), .double(value))
        return self
    }
    /// In place: uniform samples in [from, to).
    @discardableResult
    public func uniform_(from: Double = 0, to: Double = 1, generator: Generator? = nil) -> Tensor {
        InPlaceOps.uniform(.tensor(self), .double(from), .double(to), .generator(generator))
        return self
    }
    /// In place: normal samples.
    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        InPlaceOps.normal(.tensor(self), .double(mean), .double(std), .generator(generator))
        return self
    }
}
