/// ATen comparison and logical operators.
enum ComparisonOps {
    static let eq = ATenOp("aten::eq", "Tensor")
    static let ne = ATenOp("aten::ne", "Tensor")
    static let lt = ATenOp("aten::lt", "Tensor")
    static let le = ATenOp("aten::le", "Tensor")
    static let gt = ATenOp("aten::gt", "Tensor")
    static let ge = ATenOp("aten::ge", "Tensor")
    static let eqScalar = ATenOp("aten::eq", "Scalar")
    static let neScalar = ATenOp("aten::ne", "Scalar")
    static let ltScalar = ATenOp("aten::lt", "Scalar")
    static let leScalar = ATenOp("aten::le", "Scalar")
    static let gtScalar = ATenOp("aten::gt", "Scalar")
    static let geScalar = ATenOp("aten::ge", "Scalar")
    static let logicalAnd = ATenOp("aten::logical_and")
    static let logicalOr = ATenOp("aten::logical_or")
    static let logicalXor = ATenOp("aten::logical_xor")
    static let logicalNot = ATenOp("aten::logical_not")
    static let equal = ATenOp("aten::equal")
    static let allclose = ATenOp("aten::allclose")
}

extension Tensor {
    /// Element-wise `==`, as a bool tensor.
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.eq(.tensor(lhs), .tensor(rhs)) }
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.ne(.tensor(lhs), .tensor(rhs)) }
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.lt(.tensor(lhs), .tensor(rhs)) }
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.le(.tensor(lhs), .tensor(rhs)) }
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.gt(.tensor(lhs), .tensor(rhs)) }
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.ge(.tensor(lhs), .tensor(rhs)) }
    public static func .== (lhs: Tensor, rhs: Double) -> Tensor { ComparisonOps.eqScalar(.tensor(lhs), .double(rhs)) }
    public static func .!= (lhs: Tensor, rhs: Double) -> Tensor { ComparisonOps.neScalar(.tensor(lhs), .double(rhs)) }
    public static func .< (lhs: Tensor, rhs: Double) -> Tensor { ComparisonOps.ltScalar(.tensor(lhs), .double(rhs)) }
    public static func .<= (lhs: Tensor, rhs: Double) -> Tensor { ComparisonOps.leScalar(.tensor(lhs), .double(rhs)) }
    public static func .> (lhs: Tensor, rhs: Double) -> Tensor { ComparisonOps.gtScalar(.tensor(lhs), .double(rhs)) }
    public static func .>= (lhs: Tensor, rhs: Double) -> Tensor { ComparisonOps.geScalar(.tensor(lhs), .double(rhs)) }
    // An Int compares as a Python int does (integer tensors stay exact).
    public static func .== (lhs: Tensor, rhs: Int) -> Tensor { ComparisonOps.eqScalar(.tensor(lhs), .int(rhs)) }
    public static func .!= (lhs: Tensor, rhs: Int) -> Tensor { ComparisonOps.neScalar(.tensor(lhs), .int(rhs)) }
    public static func .< (lhs: Tensor, rhs: Int) -> Tensor { ComparisonOps.ltScalar(.tensor(lhs), .int(rhs)) }
    public static func .<= (lhs: Tensor, rhs: Int) -> Tensor { ComparisonOps.leScalar(.tensor(lhs), .int(rhs)) }
    public static func .> (lhs: Tensor, rhs: Int) -> Tensor { ComparisonOps.gtScalar(.tensor(lhs), .int(rhs)) }
    public static func .>= (lhs: Tensor, rhs: Int) -> Tensor { ComparisonOps.geScalar(.tensor(lhs), .int(rhs)) }
    // A number on the left, as Python's reflected comparisons (`0.5 < x` is `x > 0.5`).
    public static func .== (lhs: Double, rhs: Tensor) -> Tensor { rhs .== lhs }
    public static func .!= (lhs: Double, rhs: Tensor) -> Tensor { rhs .!= lhs }
    public static func .< (lhs: Double, rhs: Tensor) -> Tensor { rhs .> lhs }
    public static func .<= (lhs: Double, rhs: Tensor) -> Tensor { rhs .>= lhs }
    public static func .> (lhs: Double, rhs: Tensor) -> Tensor { rhs .< lhs }
    public static func .>= (lhs: Double, rhs: Tensor) -> Tensor { rhs .<= lhs }
    public static func .== (lhs: Int, rhs: Tensor) -> Tensor { rhs .== lhs }
    public static func .!= (lhs: Int, rhs: Tensor) -> Tensor { rhs .!= lhs }
    public static func .< (lhs: Int, rhs: Tensor) -> Tensor { rhs .> lhs }
    public static func .<= (lhs: Int, rhs: Tensor) -> Tensor { rhs .>= lhs }
    public static func .> (lhs: Int, rhs: Tensor) -> Tensor { rhs .< lhs }
    public static func .>= (lhs: Int, rhs: Tensor) -> Tensor { rhs .<= lhs }

    /// Element-wise logical and.
    public static func .& (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.logicalAnd(.tensor(lhs), .tensor(rhs)) }
    /// Element-wise logical or.
    public static func .| (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.logicalOr(.tensor(lhs), .tensor(rhs)) }
    /// Element-wise logical exclusive or.
    public static func .^ (lhs: Tensor, rhs: Tensor) -> Tensor { ComparisonOps.logicalXor(.tensor(lhs), .tensor(rhs)) }
    /// Element-wise logical not.
    public static prefix func .! (x: Tensor) -> Tensor { ComparisonOps.logicalNot(.tensor(x)) }

    public func eq(_ other: Tensor) -> Tensor { self .== other }
    public func ne(_ other: Tensor) -> Tensor { self .!= other }
    public func lt(_ other: Tensor) -> Tensor { self .< other }
    public func le(_ other: Tensor) -> Tensor { self .<= other }
    public func gt(_ other: Tensor) -> Tensor { self .> other }
    public func ge(_ other: Tensor) -> Tensor { self .>= other }
    public func logicalAnd(_ other: Tensor) -> Tensor { self .& other }
    public func logicalOr(_ other: Tensor) -> Tensor { self .| other }
    public func logicalXor(_ other: Tensor) -> Tensor { self .^ other }
    public func logicalNot() -> Tensor { .!self }

    /// Whether both tensors have the same shape and elements (`torch.equal`).
    public func equal(_ other: Tensor) -> Bool { ComparisonOps.equal.scalar(.tensor(self), .tensor(other)) != 0 }

    /// Whether every element is within `atol + rtol * |other|` (`torch.allclose`).
    public func allclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) -> Bool {
        ComparisonOps.allclose.scalar(.tensor(self), .tensor(other), .double(rtol), .double(atol), .bool(equalNaN)) != 0
    }
}
