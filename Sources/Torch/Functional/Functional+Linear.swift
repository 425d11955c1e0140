/// ATen's linear layer.
enum LinearOps {
    static let linear = ATenOp("aten::linear")
}

extension Functional {
    /// `x @ weight.T + bias`.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        LinearOps.linear(.tensor(x), .tensor(weight), .tensor(bias))
    }
}
