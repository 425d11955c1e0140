/// The element type of a tensor; raw values are libtorch's `c10::ScalarType` codes.
public enum DType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0
    case int8 = 1
    case int16 = 2
    case int32 = 3
    case int64 = 4
    case float16 = 5
    case float32 = 6
    case float64 = 7
    case bool = 11
    case bfloat16 = 15

    /// Bytes per element.
    public var elementSize: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .int16, .float16, .bfloat16: return 2
        case .int32, .float32: return 4
        case .int64, .float64: return 8
        }
    }

    /// Whether the type holds floating-point numbers (and so can carry gradients).
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .float32, .float64, .bfloat16: return true
        default: return false
        }
    }

    /// The gap between 1 and the next representable number (`torch.finfo(dtype).eps`); 0 for
    /// integer types.
    public var epsilon: Double {
        switch self {
        case .float16: return 0.0009765625
        case .bfloat16: return 0.0078125
        case .float32: return Double(Float.ulpOfOne)
        case .float64: return Double.ulpOfOne
        default: return 0
        }
    }

    /// PyTorch's spelling, as in `torch.float32`.
    public var description: String {
        switch self {
        case .uint8: return "torch.uint8"
        case .int8: return "torch.int8"
        case .int16: return "torch.int16"
        case .int32: return "torch.int32"
        case .int64: return "torch.int64"
        case .float16: return "torch.float16"
        case .float32: return "torch.float32"
        case .float64: return "torch.float64"
        case .bool: return "torch.bool"
        case .bfloat16: return "torch.bfloat16"
        }
    }

    init(code: Int32) {
        guard let dtype = DType(rawValue: code) else {
            fatalError("Torch: tensor of unsupported scalar type code \(code)")
        }
        self = dtype
    }
}
