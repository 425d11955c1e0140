// Conversions with Swift's spelling (`x.to(dtype: .float64)`, `x.float()`); `clone` and `detach`
// are the generated `Tensor` methods.

extension Tensor {
    /// The tensor converted to `dtype` (itself when it already has it, unless `copy`).
    public func to(dtype: DType, copy: Bool = false) -> Tensor {
        ATen.to(self, dtype: dtype, copy: copy)
    }
    /// The tensor on `device` (and in `dtype` when given); `nonBlocking` overlaps a copy from
    /// pinned memory with computation.
    public func to(device: Device, dtype: DType? = nil, nonBlocking: Bool = false, copy: Bool = false) -> Tensor {
        ATen.to(self, device: device, dtype: dtype ?? self.dtype, nonBlocking: nonBlocking, copy: copy)
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
}

extension Tensor {
    /// Replaces this tensor's data (`param.data = new` in PyTorch) without changing its
    /// identity, so every holder of this tensor sees the new data.
    public func setData(_ new: Tensor) {
        ATen.setData(self, new)
    }
}
