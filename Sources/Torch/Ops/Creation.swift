import CTorch

// Making tensors from Swift values, and the factories with Swift's defaults (float32 on the CPU,
// `Tensor.zeros([2, 3])`), on the generated operators.

extension Tensor {
    /// A tensor holding `values` in row-major order, shaped `shape` (1-D when nil).
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        let count = shape.reduce(1, *)
        guard count == values.count, shape.allSatisfy({ $0 >= 0 }) else {
            argumentError("Tensor(_:shape:)", "shape \(shape) holds \(count) elements but \(values.count) values were given")
            self.init(owning: ct_tensor_undefined())
            return
        }
        let handle = values.withUnsafeBytes { bytes in
            shape.map { Int64($0) }.withUnsafeBufferPointer {
                ct_tensor_from_data(bytes.baseAddress, $0.baseAddress, Int64(shape.count), T.dtype.rawValue)
            }
        }
        self.init(checked: handle, "Tensor(_:shape:)")
    }

    /// A tensor holding a copy of `bytes`, read as `dtype` elements in row-major order, shaped
    /// `shape` (`torch.frombuffer` followed by a copy): for pixels or records decoded elsewhere.
    public convenience init(copying bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType) {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count * dtype.elementSize == bytes.count else {
            argumentError("Tensor(copying:shape:dtype:)", "shape \(shape) of \(dtype) needs \(count * dtype.elementSize) bytes, \(bytes.count) were given")
            self.init(owning: ct_tensor_undefined())
            return
        }
        let handle = shape.map { Int64($0) }.withUnsafeBufferPointer {
            ct_tensor_from_data(bytes.baseAddress, $0.baseAddress, Int64(shape.count), dtype.rawValue)
        }
        self.init(checked: handle, "Tensor(copying:shape:dtype:)")
    }

    /// A zero-dimensional tensor holding one value.
    public convenience init<T: TensorElement>(_ value: T) {
        self.init([value], shape: [])
    }

    /// A 2-D tensor from rows of equal length.
    public convenience init<T: TensorElement>(_ rows: [[T]]) {
        let width = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == width }) else {
            argumentError("Tensor(_ rows:)", "rows have different lengths \(rows.map(\.count))")
            self.init(owning: ct_tensor_undefined())
            return
        }
        self.init(rows.flatMap { $0 }, shape: [rows.count, width])
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) -> Tensor {
        ATen.zeros(size: shape, dtype: dtype, device: device)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) -> Tensor {
        ATen.ones(size: shape, dtype: dtype, device: device)
    }

    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, device: Device = .cpu) -> Tensor {
        ATen.full(size: shape, fillValue: .double(value), dtype: dtype, device: device)
    }

    /// A tensor whose elements are not initialised.
    public static func empty(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) -> Tensor {
        ATen.empty(size: shape, dtype: dtype, device: device)
    }

    /// An identity matrix of `n` rows and `m` (default `n`) columns.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32, device: Device = .cpu) -> Tensor {
        ATen.eye(n: n, m: m ?? n, dtype: dtype, device: device)
    }

    /// Values from `start` up to (not including) `end` by `step`; int64 unless `dtype` says otherwise.
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType = .float32,
                              device: Device = .cpu) -> Tensor {
        let integral = dtype.isFloatingPoint == false
        let bound = { (x: Double) -> Scalar in integral && x == x.rounded() ? .int(Int(x)) : .double(x) }
        return ATen.arange(start: bound(start), end: bound(end), step: bound(step), dtype: dtype, device: device)
    }

    /// Integers from `start` up to (not including) `end`, `step` apart: int64 by default, as
    /// PyTorch's `arange` of ints (`arange(0, n)`).
    public static func arange(_ start: Int, _ end: Int, step: Int = 1, dtype: DType = .int64, device: Device = .cpu) -> Tensor {
        arange(Double(start), Double(end), step: Double(step), dtype: dtype, device: device)
    }

    /// Values from 0 up to (not including) `end`: `arange(5)` is [0, 1, 2, 3, 4].
    public static func arange(_ end: Int, dtype: DType = .int64, device: Device = .cpu) -> Tensor {
        arange(0, Double(end), dtype: dtype, device: device)
    }

    /// `steps` values evenly spaced from `start` to `end` inclusive.
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .float32,
                                device: Device = .cpu) -> Tensor {
        ATen.linspace(start: .double(start), end: .double(end), steps: steps, dtype: dtype, device: device)
    }

    /// Uniform samples in [0, 1).
    public static func rand(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu,
                            generator: Generator? = nil) -> Tensor {
        ATen.rand(size: shape, generator: generator, dtype: dtype, device: device)
    }

    /// Standard normal samples.
    public static func randn(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu,
                             generator: Generator? = nil) -> Tensor {
        ATen.randn(size: shape, generator: generator, dtype: dtype, device: device)
    }

    /// Uniform integers in [low, high).
    public static func randint(_ low: Int = 0, _ high: Int, _ shape: [Int], dtype: DType = .int64,
                               device: Device = .cpu, generator: Generator? = nil) -> Tensor {
        ATen.randint(low: low, high: high, size: shape, generator: generator, dtype: dtype, device: device)
    }

    /// A random permutation of 0..<n.
    public static func randperm(_ n: Int, dtype: DType = .int64, device: Device = .cpu,
                                generator: Generator? = nil) -> Tensor {
        ATen.randperm(n: n, generator: generator, dtype: dtype, device: device)
    }

    /// Zeros and ones drawn with the probabilities held in this tensor.
    public func bernoulli(generator: Generator? = nil) -> Tensor {
        ATen.bernoulli(self, generator: generator)
    }

    /// Zeros and ones drawn with probability `p`, shaped like this tensor.
    public func bernoulli(_ p: Double, generator: Generator? = nil) -> Tensor {
        ATen.bernoulli(self, p: p, generator: generator)
    }

    /// `numSamples` indices drawn from each row's weights (`torch.multinomial`).
    public func multinomial(_ numSamples: Int, replacement: Bool = false, generator: Generator? = nil) -> Tensor {
        ATen.multinomial(self, numSamples: numSamples, replacement: replacement, generator: generator)
    }

    /// Zeros shaped like `other` (its dtype and device unless given).
    public static func zeros(like other: Tensor, dtype: DType? = nil) -> Tensor {
        ATen.zerosLike(other, dtype: dtype)
    }

    /// Ones shaped like `other`.
    public static func ones(like other: Tensor, dtype: DType? = nil) -> Tensor {
        ATen.onesLike(other, dtype: dtype)
    }

    /// `value` everywhere, shaped like `other`.
    public static func full(like other: Tensor, _ value: Double, dtype: DType? = nil) -> Tensor {
        ATen.fullLike(other, fillValue: .double(value), dtype: dtype)
    }

    /// Uninitialised, shaped like `other`.
    public static func empty(like other: Tensor, dtype: DType? = nil) -> Tensor {
        ATen.emptyLike(other, dtype: dtype)
    }

    /// Uniform samples in [0, 1), shaped like `other`.
    public static func rand(like other: Tensor, dtype: DType? = nil) -> Tensor {
        ATen.randLike(other, dtype: dtype)
    }

    /// Standard normal samples, shaped like `other`.
    public static func randn(like other: Tensor, dtype: DType? = nil) -> Tensor {
        ATen.randnLike(other, dtype: dtype)
    }
}
