/// Where a tensor's memory lives.
public enum Device: Sendable, Hashable, CustomStringConvertible {
    case cpu
    case cuda(Int)

    /// The first CUDA device.
    public static let gpu = Device.cuda(0)

    /// PyTorch's spelling: `cpu`, `cuda:0`.
    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let index): return "cuda:\(index)"
        }
    }

    /// c10::DeviceType code and index.
    var code: (type: Int32, index: Int32) {
        switch self {
        case .cpu: return (0, -1)
        case .cuda(let index): return (1, Int32(index))
        }
    }

    init(type: Int32, index: Int32) {
        self = type == 1 ? .cuda(Int(max(index, 0))) : .cpu
    }
}
