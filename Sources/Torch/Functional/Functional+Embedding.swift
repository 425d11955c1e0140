/// ATen embedding and one-hot.
enum EmbeddingOps {
    static let embedding = ATenOp("aten::embedding")
    static let oneHot = ATenOp("aten::one_hot")
}

extension Functional {
    /// Rows of `weight` picked by `indices`; the row at `paddingIdx` gets no gradient.
    public static func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int? = nil) -> Tensor {
        EmbeddingOps.embedding(.tensor(weight), .tensor(indices), .int(paddingIdx ?? -1), .bool(false), .bool(false))
    }

    /// One-hot rows (int64) for class indices; `numClasses` -1 means one more than the largest index.
    public static func oneHot(_ indices: Tensor, numClasses: Int = -1) -> Tensor {
        EmbeddingOps.oneHot(.tensor(indices), .int(numClasses))
    }
}
