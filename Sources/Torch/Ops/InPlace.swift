import CTorch

// In-place operators with Swift numbers (`x.mul_(0.5)`, `x.fill_(1)`), returning `self` for
// chaining; `add_` takes CTorch's typed fast path, the rest the generated operators.

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
        ATen.sub_(self, other, alpha: alpha == 1 ? .int(1) : .double(alpha))
        return self
    }
    /// In place: `self *= other`.
    @discardableResult
    public func mul_(_ other: Tensor) -> Tensor {
        ATen.mul_(self, other)
        return self
    }
    /// In place: `self *= value`.
    @discardableResult
    public func mul_(_ value: Double) -> Tensor {
        ATen.mul_(self, other: .double(value))
        return self
    }
    /// In place: `self /= other`.
    @discardableResult
    public func div_(_ other: Tensor) -> Tensor {
        ATen.div_(self, other)
        return self
    }
    /// In place: every element becomes zero.
    @discardableResult
    public func zero_() -> Tensor {
        ATen.zero_(self)
        return self
    }
    /// In place: copies `source`'s elements (broadcast, converted to this dtype and device).
    @discardableResult
    public func copy_(_ source: Tensor, nonBlocking: Bool = false) -> Tensor {
        ATen.copy_(self, source, nonBlocking: nonBlocking)
        return self
    }
    /// In place: every element becomes `value`.
    @discardableResult
    public func fill_(_ value: Double) -> Tensor {
        ATen.fill_(self, value: .double(value))
        return self
    }
    /// In place: limits every element to [min, max].
    @discardableResult
    public func clamp_(min: Double? = nil, max: Double? = nil) -> Tensor {
        ATen.clamp_(self, min: min.map(Scalar.double), max: max.map(Scalar.double))
        return self
    }
    /// In place: `value` where `mask` is true.
    @discardableResult
    public func maskedFill_(_ mask: Tensor, _ value: Double) -> Tensor {
        ATen.maskedFill_(self, mask, value: .double(value))
        return self
    }
    /// In place: uniform samples in [from, to).
    @discardableResult
    public func uniform_(from: Double = 0, to: Double = 1, generator: Generator? = nil) -> Tensor {
        ATen.uniform_(self, from: from, to: to, generator: generator)
        return self
    }
    /// In place: normal samples.
    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        ATen.normal_(self, mean: mean, std: std, generator: generator)
        return self
    }
}
