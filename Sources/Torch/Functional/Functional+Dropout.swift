/// ATen dropout.
enum DropoutOps {
    static let dropout = ATenOp("aten::dropout")
}

extension Functional {
    /// Zeroes elements with probability `p` and scales the rest by `1 / (1 - p)` when training.
    public static func dropout(_ x: Tensor, p: Double = 0.5, training: Bool = true) -> Tensor {
        guard (0...1).contains(p) else {
            argumentError("dropout", "probability has to be between 0 and 1, but got \(p)")
            return x
        }
        return DropoutOps.dropout(.tensor(x), .double(p), .bool(training))
    }
}
