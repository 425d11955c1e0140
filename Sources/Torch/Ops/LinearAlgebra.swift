import CTorch

/// ATen matrix products.
enum LinearAlgebraOps {
    static let mm = ATenOp("aten::mm")
    static let bmm = ATenOp("aten::bmm")
    static let einsum = ATenOp("aten::einsum")
    static let dot = ATenOp("aten::dot")
}

extension Tensor {
    /// The matrix product with broadcasting over batch dimensions (`@` in Python).
    public func matmul(_ other: Tensor) -> Tensor { Tensor(checked: ct_matmul(handle, other.handle), "matmul") }
    /// The product of two matrices.
    public func mm(_ other: Tensor) -> Tensor { LinearAlgebraOps.mm(.tensor(self), .tensor(other)) }
    /// Batched matrix product of two 3-D tensors.
    public func bmm(_ other: Tensor) -> Tensor { LinearAlgebraOps.bmm(.tensor(self), .tensor(other)) }
    /// The dot product of two 1-D tensors.
    public func dot(_ other: Tensor) -> Tensor { LinearAlgebraOps.dot(.tensor(self), .tensor(other)) }

    /// Einstein summation, as `torch.einsum("ij,jk->ik", a, b)`.
    public static func einsum(_ equation: String, _ operands: Tensor...) -> Tensor {
        LinearAlgebraOps.einsum(.string(equation), .tensors(operands), .none)
    }
}
