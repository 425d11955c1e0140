import CTorch

/// A multi-dimensional array owned by libtorch, with autograd.
///
/// A `Tensor` holds one reference to a libtorch tensor; the storage is freed as soon as the
/// last Swift reference (and the last libtorch view or graph node using it) goes away.
public final class Tensor: @unchecked Sendable {
    /// The libtorch handle this object owns.
    public let handle: ct_tensor

    /// Takes ownership of a handle returned by CTorch.
    public init(owning handle: ct_tensor) {
        self.handle = handle
    }

    /// Takes ownership of a handle, stopping with libtorch's message when the call failed.
    @inline(__always)
    convenience init(checked handle: ct_tensor?, _ operation: @autoclosure () -> String) {
        guard let handle else { torchFailure(operation()) }
        self.init(owning: handle)
    }

    deinit { ct_tensor_free(handle) }

    /// The size of each dimension.
    public var shape: [Int] {
        let n = Int(ct_tensor_dim(handle))
        return [Int](unsafeUninitializedCapacity: n) { buffer, count in
            buffer.baseAddress!.withMemoryRebound(to: Int64.self, capacity: n) { _ = ct_tensor_sizes(handle, $0) }
            count = n
        }
    }

    /// PyTorch's `size(dim)`; negative dimensions count from the end.
    public func size(_ dim: Int) -> Int {
        let s = shape
        return s[dim < 0 ? dim + s.count : dim]
    }

    /// The number of dimensions.
    public var dim: Int { Int(ct_tensor_dim(handle)) }

    /// The number of elements.
    public var numel: Int { Int(ct_tensor_numel(handle)) }

    /// The element step of each dimension.
    public var strides: [Int] {
        let n = Int(ct_tensor_dim(handle))
        return [Int](unsafeUninitializedCapacity: n) { buffer, count in
            buffer.baseAddress!.withMemoryRebound(to: Int64.self, capacity: n) {
                check(ct_tensor_strides(handle, $0), "strides")
            }
            count = n
        }
    }

    /// The element type.
    public var dtype: DType { DType(code: ct_tensor_dtype(handle)) }

    /// Where the tensor lives.
    public var device: Device {
        var index: Int32 = -1
        let type = ct_tensor_device(handle, &index)
        return Device(type: type, index: index)
    }

    /// Whether the elements are laid out densely in row-major order.
    public var isContiguous: Bool { ct_tensor_is_contiguous(handle) }

    /// Whether this is a real tensor, not the placeholder result of a failed operation
    /// inside `withTorchErrors`.
    public var isDefined: Bool { ct_tensor_defined(handle) }
}
