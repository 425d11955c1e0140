import CTorch

// The arithmetic operators (`+`, `*`, `-x`, with numbers on either side): tensor-tensor and
// float sums and products on CTorch's typed fast path, the rest on the generated operators.
// `neg`, `reciprocal`, `floorDivide`, `maximum`, `minimum` are the generated `Tensor` methods.

extension Tensor {
    /// Element-wise sum, broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        Tensor(checked: ct_add(lhs.handle, rhs.handle, 1), "+")
    }
    /// Element-wise difference, broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        Tensor(checked: ct_sub(lhs.handle, rhs.handle, 1), "-")
    }
    /// Element-wise product, broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        Tensor(checked: ct_mul(lhs.handle, rhs.handle), "*")
    }
    /// Element-wise true division, broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        Tensor(checked: ct_div(lhs.handle, rhs.handle), "/")
    }

    public static func + (lhs: Tensor, rhs: Double) -> Tensor { Tensor(checked: ct_add_scalar(lhs.handle, rhs), "+") }
    public static func - (lhs: Tensor, rhs: Double) -> Tensor { ATen.sub(lhs, other: .double(rhs)) }
    public static func * (lhs: Tensor, rhs: Double) -> Tensor { Tensor(checked: ct_mul_scalar(lhs.handle, rhs), "*") }
    public static func / (lhs: Tensor, rhs: Double) -> Tensor { ATen.div(lhs, other: .double(rhs)) }
    public static func + (lhs: Double, rhs: Tensor) -> Tensor { rhs + lhs }
    public static func - (lhs: Double, rhs: Tensor) -> Tensor { ATen.rsub(rhs, other: .double(lhs)) }
    public static func * (lhs: Double, rhs: Tensor) -> Tensor { rhs * lhs }
    /// `2 / x`, as PyTorch computes it: `x.reciprocal() * 2`.
    public static func / (lhs: Double, rhs: Tensor) -> Tensor { rhs.reciprocal() * lhs }

    // Integer scalars keep integer tensors integral, as Python's `x + 1` does.
    public static func + (lhs: Tensor, rhs: Int) -> Tensor { ATen.add(lhs, other: .int(rhs)) }
    public static func - (lhs: Tensor, rhs: Int) -> Tensor { ATen.sub(lhs, other: .int(rhs)) }
    public static func * (lhs: Tensor, rhs: Int) -> Tensor { ATen.mul(lhs, other: .int(rhs)) }
    public static func / (lhs: Tensor, rhs: Int) -> Tensor { ATen.div(lhs, other: .int(rhs)) }
    public static func + (lhs: Int, rhs: Tensor) -> Tensor { rhs + lhs }
    public static func - (lhs: Int, rhs: Tensor) -> Tensor { ATen.rsub(rhs, other: .int(lhs)) }
    public static func * (lhs: Int, rhs: Tensor) -> Tensor { rhs * lhs }
    public static func / (lhs: Int, rhs: Tensor) -> Tensor { rhs.reciprocal() * Double(lhs) }

    /// Element-wise negation.
    public static prefix func - (x: Tensor) -> Tensor { x.neg() }

    /// In place: `lhs.add_(rhs)`.
    public static func += (lhs: Tensor, rhs: Tensor) { lhs.add_(rhs) }
    /// In place: `lhs.sub_(rhs)`.
    public static func -= (lhs: Tensor, rhs: Tensor) { lhs.sub_(rhs) }
    /// In place: `lhs.mul_(rhs)`.
    public static func *= (lhs: Tensor, rhs: Tensor) { lhs.mul_(rhs) }
    /// In place: `lhs.div_(rhs)`.
    public static func /= (lhs: Tensor, rhs: Tensor) { lhs.div_(rhs) }

    /// `self ** exponent`, element-wise.
    public func pow(_ exponent: Tensor) -> Tensor { ATen.pow(self, exponent) }
    /// `self ** exponent`.
    public func pow(_ exponent: Double) -> Tensor { ATen.pow(self, exponent: .double(exponent)) }
    /// Python's `%`: the remainder with the sign of the divisor.
    public func remainder(_ other: Tensor) -> Tensor { ATen.remainder(self, other) }
    /// Python's `%` by a scalar.
    public func remainder(_ other: Double) -> Tensor { ATen.remainder(self, other: .double(other)) }
}

/// `base ** exponent`, element-wise.
public func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor { base.pow(exponent) }
/// `base ** exponent`.
public func pow(_ base: Tensor, _ exponent: Double) -> Tensor { base.pow(exponent) }
/// `base ** exponent` with a scalar base.
public func pow(_ base: Double, _ exponent: Tensor) -> Tensor {
    ATen.pow(self: .double(base), exponent: exponent)
}
