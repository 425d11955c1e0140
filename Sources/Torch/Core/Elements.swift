import CTorch
import Foundation

extension Tensor {
    /// All elements in row-major order, converted to `T` (copied to the host).
    public func scalars<T: TensorElement>(as type: T.Type) -> [T] {
        let source = dtype == T.dtype ? self : to(dtype: T.dtype)
        let n = source.numel
        guard source.isDefined else { return [] }
        return [T](unsafeUninitializedCapacity: n) { buffer, count in
            check(ct_tensor_copy_data(source.handle, buffer.baseAddress, n * MemoryLayout<T>.stride), "scalars(as:)")
            count = n
        }
    }

    /// The value of a one-element tensor, as a Double.
    public func item() -> Double {
        var value = 0.0
        check(ct_tensor_item_double(handle, &value), "item()")
        return value
    }

    /// The value of a one-element tensor, as `T`.
    public func item<T: TensorElement>(as type: T.Type) -> T {
        guard numel == 1 else {
            argumentError("item(as:)", "a tensor with \(numel) elements cannot be converted to a scalar")
            return scalars(as: T.self).first ?? (Tensor.zeros([1], dtype: T.dtype).scalars(as: T.self)[0])
        }
        return scalars(as: T.self)[0]
    }
}

extension Tensor {
    /// A tensor of `dtype` and `shape` whose elements are the raw little-endian bytes given.
    public convenience init(rawBytes: Data, shape: [Int], dtype: DType) {
        let handle = rawBytes.withUnsafeBytes { bytes in
            shape.map { Int64($0) }.withUnsafeBufferPointer {
                ct_tensor_from_data(bytes.baseAddress, $0.baseAddress, Int64(shape.count), dtype.rawValue)
            }
        }
        self.init(checked: handle, "Tensor(rawBytes:shape:dtype:)")
    }

    /// The elements' raw bytes in row-major order, whatever the dtype.
    public func rawBytes() -> [UInt8] {
        let source = contiguous()
        let n = source.numel * source.dtype.elementSize
        return [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
            check(ct_tensor_copy_data(source.handle, buffer.baseAddress, n), "raw bytes")
            count = n
        }
    }
}
