/// ATen's triangle operators.
enum TriangularOps {
    static let tril = ATenOp("aten::tril")
    static let triu = ATenOp("aten::triu")
}

extension Tensor {
    /// The lower triangle from `diagonal` down (`torch.tril`); the rest zero.
    public func tril(diagonal: Int = 0) -> Tensor { TriangularOps.tril(.tensor(self), .int(diagonal)) }
    /// The upper triangle from `diagonal` up (`torch.triu`); the rest zero.
    public func triu(diagonal: Int = 0) -> Tensor { TriangularOps.triu(.tensor(self), .int(diagonal)) }
}
