extension Functional {
    /// `x @ weight.T + bias`.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        ATen.linear(x, weight, bias: bias)
    }
}
