import Foundation

/// Writes a `StateValue` as the protocol-2 pickle that `torch.save` writes, using only the
/// globals `torch.load(weights_only=True)` allows; tensor data goes to separate storages.
struct PickleWriter {
    private(set) var bytes: [UInt8] = [0x80, 0x02]
    /// The storages to write as records `data/<index>`, in order.
    private(set) var storages: [Tensor] = []

    mutating func write(_ value: StateValue) throws {
        switch value {
        case .none: bytes.append(0x4E)
        case .bool(let b): bytes.append(b ? 0x88 : 0x89)
        case .int(let i): writeInt(i)
        case .double(let d):
            bytes.append(0x47)
            withUnsafeBytes(of: d.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
        case .string(let s): writeString(s)
        case .tensor(let t): try writeTensor(t)
        case .list(let items):
            bytes.append(0x5D)
            if !items.isEmpty {
                bytes.append(0x28)
                for item in items { try write(item) }
                bytes.append(0x65)
            }
        case .tuple(let items):
            switch items.count {
            case 0: bytes.append(0x29)
            case 1...3:
                for item in items { try write(item) }
                bytes.append([0x85, 0x86, 0x87][items.count - 1])
            default:
                bytes.append(0x28)
                for item in items { try write(item) }
                bytes.append(0x74)
            }
        case .dict(let pairs):
            bytes.append(0x7D)
            if !pairs.isEmpty {
                bytes.append(0x28)
                for (k, v) in pairs {
                    try write(k)
                    try write(v)
                }
                bytes.append(0x75)
            }
        }
    }

    private mutating func writeInt(_ i: Int) {
        if (0..<256).contains(i) {
            bytes += [0x4B, UInt8(i)]
        } else if (0..<65536).contains(i) {
            bytes += [0x4D, UInt8(i & 0xFF), UInt8(i >> 8)]
        } else if let i32 = Int32(exactly: i) {
            bytes.append(0x4A)
            withUnsafeBytes(of: i32.littleEndian) { bytes.append(contentsOf: $0) }
        } else {
            bytes += [0x8A, 8]
            withUnsafeBytes(of: Int64(i).littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    private mutating func writeString(_ s: String) {
        let utf8 = Array(s.utf8)
        bytes.append(0x58)
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += utf8
    }

    private mutating func writeGlobal(_ module: String, _ name: String) {
        bytes.append(0x63)
        bytes += Array("\(module)\n\(name)\n".utf8)
    }

    /// `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())`.
    private mutating func writeTensor(_ tensor: Tensor) throws {
        guard let storageName = PickleNames.storageTypes.first(where: { $0.value == tensor.dtype })?.key else {
            throw SerializationError(path: "<pickle>", "tensors of \(tensor.dtype) cannot be saved")
        }
        let data = tensor.detach().to(device: .cpu).contiguous()
        let key = storages.count
        storages.append(data)
        writeGlobal("torch._utils", "_rebuild_tensor_v2")
        bytes.append(0x28)
        bytes.append(0x28)
        writeString("storage")
        writeGlobal("torch", storageName)
        writeString(String(key))
        writeString("cpu")
        writeInt(data.numel)
        bytes.append(0x74)
        bytes.append(0x51)
        writeInt(0)
        let shape = data.shape
        var strides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
        try write(.tuple(shape.map { .int($0) }))
        try write(.tuple(strides.map { .int($0) }))
        bytes.append(0x89)
        writeGlobal("collections", "OrderedDict")
        bytes += [0x29, 0x52]
        bytes.append(0x74)
        bytes.append(0x52)
    }

    mutating func finish() { bytes.append(0x2E) }
}

/// The names of the globals torch.save uses.
enum PickleNames {
    static let storageTypes: [String: DType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool,
    ]
}
