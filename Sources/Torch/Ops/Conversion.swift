/// ATen operators that copy or convert tensors.
enum ConversionOps {
    static let toDtype = ATenOp("aten::to", "dtype")
    static let toDevice = ATenOp("aten::to", "device")
    static let clone = ATenOp("aten::clone")
    static let detach = ATenOp("aten::detach")
}

extension Tensor {
    /// The tensor converted to `dtype` (itself when it already has it, unless `copy`).
    public func to(dtype: DType, copy: Bool = false) -> Tensor {
        ConversionOps.toDtype(.tensor(self), .dtype(dtype), .bool(false), .bool(copy))
    }
    /// The tensor on `device` (and in `dtype` when given); `nonBlocking` overlaps a copy from
    /// pinned memory with computation.
    public func to(device: Device, dtype: DType? = nil, nonBlocking: Bool = false, copy: Bool = false) -> Tensor {
        ConversionOps.toDevice(.tensor(self), .device(device), .dtype(dtype ?? self.dtype), .bool(nonBlocking),
                               .bool(copy))
    }
    /// As float32.
    public func float() -> Tensor { to(dtype: .float32) }
    /// As float64.
    public func double() -> Tensor { to(dtype: .float64) }
    /// As float16.
    public func half() -> Tensor { to(dtype: .float16) }
    /// As bfloat16.
    public func bfloat16() -> Tensor { to(dtype: .bfloat16) }
    /// As int64.
    public func long() -> Tensor { to(dtype: .int64) }
    /// As int32.
    public func int() -> Tensor { to(dtype: .int32) }
    /// As bool.
    public func bool() -> Tensor { to(dtype: .bool) }
    /// A copy with its own storage (gradients flow back to the original).
    public func clone() -> Tensor { ConversionOps.clone(.tensor(self)) }
    /// The same data, cut from the autograd graph.
    public func detach() -> Tensor { ConversionOps.detach(.tensor(self)) }
}

/// ATen operator that swaps a tensor's data while keeping the tensor itself.
enum SetDataOps {
    static let setData = ATenOp("aten::set_data")
}

extension Tensor {
    /// Replaces this tensor's data (`param.data = new` in PyTorch) without changing its
    /// identity, so every holder of this tensor sees the new data.
    public func setData(_ new: Tensor) {
        _ = SetDataOps.setData.tuple(.tensor(self), .tensor(new))
    }
}
