// Comparison and logical operators (`.==`, `.<`, `.&`, with numbers on either side); the named
// forms (`eq`, `logicalAnd`, `equal`, ...) are the generated `Tensor` methods.

extension Tensor {
    /// Element-wise `==`, as a bool tensor.
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.eq(lhs, rhs) }
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.ne(lhs, rhs) }
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.lt(lhs, rhs) }
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.le(lhs, rhs) }
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.gt(lhs, rhs) }
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.ge(lhs, rhs) }
    public static func .== (lhs: Tensor, rhs: Double) -> Tensor { ATen.eq(lhs, other: .double(rhs)) }
    public static func .!= (lhs: Tensor, rhs: Double) -> Tensor { ATen.ne(lhs, other: .double(rhs)) }
    public static func .< (lhs: Tensor, rhs: Double) -> Tensor { ATen.lt(lhs, other: .double(rhs)) }
    public static func .<= (lhs: Tensor, rhs: Double) -> Tensor { ATen.le(lhs, other: .double(rhs)) }
    public static func .> (lhs: Tensor, rhs: Double) -> Tensor { ATen.gt(lhs, other: .double(rhs)) }
    public static func .>= (lhs: Tensor, rhs: Double) -> Tensor { ATen.ge(lhs, other: .double(rhs)) }
    // An Int compares as a Python int does (integer tensors stay exact).
    public static func .== (lhs: Tensor, rhs: Int) -> Tensor { ATen.eq(lhs, other: .int(rhs)) }
    public static func .!= (lhs: Tensor, rhs: Int) -> Tensor { ATen.ne(lhs, other: .int(rhs)) }
    public static func .< (lhs: Tensor, rhs: Int) -> Tensor { ATen.lt(lhs, other: .int(rhs)) }
    public static func .<= (lhs: Tensor, rhs: Int) -> Tensor { ATen.le(lhs, other: .int(rhs)) }
    public static func .> (lhs: Tensor, rhs: Int) -> Tensor { ATen.gt(lhs, other: .int(rhs)) }
    public static func .>= (lhs: Tensor, rhs: Int) -> Tensor { ATen.ge(lhs, other: .int(rhs)) }
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
    public static func .& (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.logicalAnd(lhs, rhs) }
    /// Element-wise logical or.
    public static func .| (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.logicalOr(lhs, rhs) }
    /// Element-wise logical exclusive or.
    public static func .^ (lhs: Tensor, rhs: Tensor) -> Tensor { ATen.logicalXor(lhs, rhs) }
    /// Element-wise logical not.
    public static prefix func .! (x: Tensor) -> Tensor { ATen.logicalNot(x) }

    /// Whether every element is within `atol + rtol * |other|` (`torch.allclose`).
    public func allclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) -> Bool {
        ATen.allclose(self, other, rtol: rtol, atol: atol, equalNan: equalNaN)
    }
}
