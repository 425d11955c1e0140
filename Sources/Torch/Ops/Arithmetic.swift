import CTorch

/// ATen operators behind the arithmetic operators that have no typed fast path.
enum ArithmeticOps {
    static let addScalar = ATenOp("aten::add", "Scalar")
    static let subScalar = ATenOp("aten::sub", "Scalar")
    static let mulScalar = ATenOp("aten::mul", "Scalar")
    static let divScalar = ATenOp("aten::div", "Scalar")
    static let rsubScalar = ATenOp("aten::rsub", "Scalar")
    static let reciprocal = ATenOp("aten::reciprocal")
    static let neg = ATenOp("aten::neg")
    static let powTensor = ATenOp("aten::pow", "Tensor_Tensor")
    static let powScalar = ATenOp("aten::pow", "Tensor_Scalar")
    static let powScalarBase = ATenOp("aten::pow", "Scalar")
    static let remainder = ATenOp("aten::remainder", "Tensor")
    static let remainderScalar = ATenOp("aten::remainder", "Scalar")
    static let floorDivide = ATenOp("aten::floor_divide")
    static let maximum = ATenOp("aten::maximum")
    static let minimum = ATenOp("aten::minimum")
}

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
    public static func - (lhs: Tensor, rhs: Double) -> Tensor { ArithmeticOps.subScalar(.tensor(lhs), .double(rhs)) }
    public static func * (lhs: Tensor, rhs: Double) -> Tensor { Tensor(checked: ct_mul_scalar(lhs.handle, rhs), "*") }
    public static func / (lhs: Tensor, rhs: Double) -> Tensor { ArithmeticOps.divScalar(.tensor(lhs), .double(rhs)) }
    public static func + (lhs: Double, rhs: Tensor) -> Tensor { rhs + lhs }
    public static func - (lhs: Double, rhs: Tensor) -> Tensor { ArithmeticOps.rsubScalar(.tensor(rhs), .double(lhs)) }
    public static func * (lhs: Double, rhs: Tensor) -> Tensor { rhs * lhs }
    /// `2 / x`, as PyTorch computes it: `x.reciprocal() * 2`.
    public static func / (lhs: Double, rhs: Tensor) -> Tensor { rhs.reciprocal() * lhs }

    // Integer scalars keep integer tensors integral, as Python's `x + 1` does.
    public static func + (lhs: Tensor, rhs: Int) -> Tensor { ArithmeticOps.addScalar(.tensor(lhs), .int(rhs)) }
    public static func - (lhs: Tensor, rhs: Int) -> Tensor { ArithmeticOps.subScalar(.tensor(lhs), .int(rhs)) }
    public static func * (lhs: Tensor, rhs: Int) -> Tensor { ArithmeticOps.mulScalar(.tensor(lhs), .int(rhs)) }
    public static func / (lhs: Tensor, rhs: Int) -> Tensor { ArithmeticOps.divScalar(.tensor(lhs), .int(rhs)) }
    public static func + (lhs: Int, rhs: Tensor) -> Tensor { rhs + lhs }
    public static func - (lhs: Int, rhs: Tensor) -> Tensor { ArithmeticOps.rsubScalar(.tensor(rhs), .int(lhs)) }
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

    /// `-self`.
    public func neg() -> Tensor { ArithmeticOps.neg(.tensor(self)) }
    /// `1 / self`.
    public func reciprocal() -> Tensor { ArithmeticOps.reciprocal(.tensor(self)) }
    /// `self ** exponent`, element-wise.
    public func pow(_ exponent: Tensor) -> Tensor { ArithmeticOps.powTensor(.tensor(self), .tensor(exponent)) }
    /// `self ** exponent`.
    public func pow(_ exponent: Double) -> Tensor { ArithmeticOps.powScalar(.tensor(self), .double(exponent)) }
    /// Python's `%`: the remainder with the sign of the divisor.
    public func remainder(_ other: Tensor) -> Tensor { ArithmeticOps.remainder(.tensor(self), .tensor(other)) }
    /// Python's `%` by a scalar.
    public func remainder(_ other: Double) -> Tensor { ArithmeticOps.remainderScalar(.tensor(self), .double(other)) }
    /// Python's `//`.
    public func floorDivide(_ other: Tensor) -> Tensor { ArithmeticOps.floorDivide(.tensor(self), .tensor(other)) }
    /// Element-wise maximum of two tensors.
    public func maximum(_ other: Tensor) -> Tensor { ArithmeticOps.maximum(.tensor(self), .tensor(other)) }
    /// Element-wise minimum of two tensors.
    public func minimum(_ other: Tensor) -> Tensor { ArithmeticOps.minimum(.tensor(self), .tensor(other)) }
}

/// `base ** exponent`, element-wise.
public func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor { base.pow(exponent) }
/// `base ** exponent`.
public func pow(_ base: Tensor, _ exponent: Double) -> Tensor { base.pow(exponent) }
/// `base ** exponent` with a scalar base.
public func pow(_ base: Double, _ exponent: Tensor) -> Tensor {
    ArithmeticOps.powScalarBase(.double(base), .tensor(exponent))
}
