extension Functional {
    /// `softmax(q @ k.T * scale + mask) @ v`, with libtorch's fused kernels where they apply.
    public static func scaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor,
                                                 attnMask: Tensor? = nil, dropoutP: Double = 0,
                                                 isCausal: Bool = false, scale: Double? = nil) -> Tensor {
        ATen.scaledDotProductAttention(query, key, value, attnMask: attnMask, dropoutP: dropoutP, isCausal: isCausal, scale: scale)
    }
}
