/// ATen attention.
enum AttentionOps {
    static let scaledDotProductAttention = ATenOp("aten::scaled_dot_product_attention")
}

extension Functional {
    /// `softmax(q @ k.T * scale + mask) @ v`, with libtorch's fused kernels where they apply.
    public static func scaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor,
                                                 attnMask: Tensor? = nil, dropoutP: Double = 0,
                                                 isCausal: Bool = false, scale: Double? = nil) -> Tensor {
        AttentionOps.scaledDotProductAttention(.tensor(query), .tensor(key), .tensor(value), .tensor(attnMask),
                                               .double(dropoutP), .bool(isCausal), .double(scale))
    }
}
