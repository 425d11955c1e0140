import CTorch

// The matrix product on CTorch's typed fast path, and `einsum` with Swift's variadic operands;
// `mm`, `bmm` and `dot` are the generated `Tensor` methods.

extension Tensor {
    /// The matrix product with broadcasting over batch dimensions (`@` in Python).
    public func matmul(_ other: Tensor) -> Tensor { Tensor(checked: ct_matmul(handle, other.handle), "matmul") }

    /// Einstein summation, as `torch.einsum("ij,jk->ik", a, b)`.
    public static func einsum(_ equation: String, _ operands: Tensor...) -> Tensor {
        ATen.einsum(equation: equation, tensors: operands)
    }
}
