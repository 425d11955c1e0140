import CTorch

/// Every ATen operator Swift can express, typed, under PyTorch's names in camelCase, generated
/// from the pinned torch wheel's `native_functions.yaml` (`make generate`; see docs/ops.md):
/// `ATen.add(x, y, alpha: 2)`, `ATen.sort(x, dim: 0)` (a named tuple), `ATen.unbind(x)`.
/// Arguments keep their schema defaults; a call goes through libtorch's dispatcher.
public enum ATen {}

/// The operators the generated functions call, each resolved once on first use.
enum Operators {}

/// A number where an operator takes a `Scalar`: an integer keeps integer tensors integral, as a
/// Python int does (`ATen.add(x, 2)`), a float or a bool as Python's.
public enum Scalar: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    case int(Int)
    case double(Double)
    case bool(Bool)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// The operator argument.
    public var opArg: OpArg {
        switch self {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        }
    }
}

/// How a tensor's elements are stored (`torch.layout`).
public enum Layout: Int, Sendable {
    case strided = 0, sparse, sparseCsr, mkldnn, sparseCsc, sparseBsr, sparseBsc, jagged

    /// The operator argument.
    public var opArg: OpArg { .int(rawValue) }
}

/// The order of a tensor's dimensions in memory (`torch.memory_format`).
public enum MemoryFormat: Int, Sendable {
    case contiguous = 0, preserve, channelsLast, channelsLast3d

    /// The operator argument.
    public var opArg: OpArg { .int(rawValue) }
}

extension DType {
    /// The operator argument.
    public var opArg: OpArg { .int(Int(rawValue)) }
}

extension ATenOp {
    /// Whether libtorch has the operator `name.overload` (without stopping the process when not).
    public static func exists(_ name: String, _ overload: String = "") -> Bool {
        guard let handle = ct_op_find(name, overload) else { return false }
        ct_op_free(handle)
        return true
    }
}
