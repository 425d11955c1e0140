import Foundation

/// Reads the pickles `torch.save` writes (protocols 2 to 5), allowing only what
/// `torch.load(weights_only=True)` allows: containers, numbers, strings, and tensors rebuilt from
/// the archive's storages. Every read is bounds-checked; anything else is a clear error.
struct PickleReader {
    private enum Item {
        case value(StateValue)
        case global(String, String)
        case mark
    }

    private let bytes: [UInt8]
    private var position = 0
    private var stack: [Item] = []
    private var memo: [Int: Item] = [:]
    private let path: String
    /// Reads the storage record `data/<key>` with `count` elements of `dtype`.
    private let loadStorage: (String, DType, Int) throws -> Tensor
    private var storageCache: [String: Tensor] = [:]

    init(_ bytes: [UInt8], path: String, loadStorage: @escaping (String, DType, Int) throws -> Tensor) {
        (self.bytes, self.path, self.loadStorage) = (bytes, path, loadStorage)
    }

    private func fail(_ reason: String) -> SerializationError {
        SerializationError(path: path, "cannot unpickle data.pkl: \(reason)")
    }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, position + n <= bytes.count else { throw fail("truncated at byte \(position)") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    private mutating func littleEndian(_ n: Int) throws -> UInt64 {
        try take(n).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw fail("unterminated line at byte \(position)") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private mutating func pop() throws -> Item {
        guard let item = stack.popLast() else { throw fail("stack underflow at byte \(position)") }
        return item
    }

    private mutating func popValue() throws -> StateValue {
        guard case .value(let v) = try pop() else { throw fail("expected a value at byte \(position)") }
        return v
    }

    private mutating func popToMark() throws -> [Item] {
        guard let mark = stack.lastIndex(where: { if case .mark = $0 { return true } else { return false } }) else {
            throw fail("no mark at byte \(position)")
        }
        let items = Array(stack[(mark + 1)...])
        stack.removeSubrange(mark...)
        return items
    }

    /// The values of stack items; a global inside a container (a storage type) reads as its name.
    private func values(_ items: [Item]) throws -> [StateValue] {
        try items.map {
            switch $0 {
            case .value(let v): return v
            case .global(let module, let name): return .string("\(module).\(name)")
            case .mark: throw fail("unexpected mark")
            }
        }
    }

    mutating func read() throws -> StateValue {
        while true {
            let opcode = try take(1).first!
            switch opcode {
            case 0x80: _ = try take(1)
            case 0x95: _ = try take(8)
            case 0x2E:
                guard case .value(let v) = try pop() else { throw fail("the result is not a value") }
                return v
            case 0x28: stack.append(.mark)
            case 0x7D: stack.append(.value(StateValue.dict([] as [(key: StateValue, value: StateValue)])))
            case 0x5D: stack.append(.value(.list([])))
            case 0x29: stack.append(.value(.tuple([])))
            case 0x74: stack.append(.value(.tuple(try values(try popToMark()))))
            case 0x85, 0x86, 0x87:
                let n = Int(opcode - 0x84)
                guard stack.count >= n else { throw fail("stack underflow at byte \(position)") }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(.value(.tuple(try values(items))))
            case 0x4E: stack.append(.value(.none))
            case 0x88: stack.append(.value(.bool(true)))
            case 0x89: stack.append(.value(.bool(false)))
            case 0x4A: stack.append(.value(.int(Int(Int32(truncatingIfNeeded: try littleEndian(4))))))
            case 0x4B: stack.append(.value(.int(Int(try take(1).first!))))
            case 0x4D: stack.append(.value(.int(Int(try littleEndian(2)))))
            case 0x8A:
                let n = Int(try take(1).first!)
                guard n <= 8 else { throw fail("integer of \(n) bytes is too large") }
                let raw = try littleEndian(n)
                let shift = UInt64(64 - 8 * n)
                stack.append(.value(.int(n == 0 ? 0 : Int(Int64(bitPattern: raw << shift) >> Int64(shift)))))
            case 0x47:
                stack.append(.value(.double(Double(bitPattern: try take(8).reduce(0) { $0 << 8 | UInt64($1) }))))
            case 0x58, 0x8C, 0x8D:
                let n = Int(try littleEndian(opcode == 0x58 ? 4 : opcode == 0x8C ? 1 : 8))
                stack.append(.value(.string(String(decoding: try take(n), as: UTF8.self))))
            case 0x55, 0x54, 0x43, 0x42:
                let n = Int(try littleEndian(opcode == 0x55 || opcode == 0x43 ? 1 : 4))
                stack.append(.value(.string(String(decoding: try take(n), as: UTF8.self))))
            case 0x63:
                let module = try line()
                stack.append(.global(module, try line()))
            case 0x93:
                let name = try popValue(), module = try popValue()
                guard let m = module.stringValue, let n = name.stringValue else { throw fail("bad STACK_GLOBAL") }
                stack.append(.global(m, n))
            case 0x71: memo[Int(try take(1).first!)] = stack.last
            case 0x72: memo[Int(try littleEndian(4))] = stack.last
            case 0x94: memo[memo.count] = stack.last
            case 0x68, 0x6A:
                let key = Int(try littleEndian(opcode == 0x68 ? 1 : 4))
                guard let item = memo[key] else { throw fail("memo key \(key) is missing") }
                stack.append(item)
            case 0x73:
                let v = try popValue(), k = try popValue()
                guard case .dict(let pairs) = try popValue() else { throw fail("SETITEM on a non-dict") }
                stack.append(.value(.dict(pairs + [(k, v)])))
            case 0x75:
                let items = try values(try popToMark())
                guard items.count % 2 == 0, case .dict(var pairs) = try popValue() else { throw fail("bad SETITEMS") }
                for i in stride(from: 0, to: items.count, by: 2) { pairs.append((items[i], items[i + 1])) }
                stack.append(.value(.dict(pairs)))
            case 0x61:
                let v = try popValue()
                guard case .list(let items) = try popValue() else { throw fail("APPEND on a non-list") }
                stack.append(.value(.list(items + [v])))
            case 0x65:
                let items = try values(try popToMark())
                guard case .list(let old) = try popValue() else { throw fail("APPENDS on a non-list") }
                stack.append(.value(.list(old + items)))
            case 0x51:
                let pid = try popValue()
                stack.append(try storage(pid))
            case 0x52, 0x81:
                let args = try popValue()
                let callable = try pop()
                stack.append(.value(try call(callable, args.arrayValue ?? [])))
            case 0x62:
                _ = try popValue()
            default:
                throw fail(String(format: "unsupported opcode 0x%02x at byte %d", opcode, position - 1))
            }
        }
    }

    /// The storage a persistent id `('storage', torch.XStorage, key, location, numel)` names,
    /// read from the archive once per key.
    private mutating func storage(_ pid: StateValue) throws -> Item {
        guard let parts = pid.arrayValue, parts.count == 5, parts[0].stringValue == "storage",
            let typeName = parts[1].stringValue, let key = parts[2].stringValue, let count = parts[4].intValue,
            let dtype = PickleNames.storageTypes[String(typeName.dropFirst("torch.".count))], typeName.hasPrefix("torch.")
        else { throw fail("unsupported persistent id \(pid)") }
        if let cached = storageCache[key] { return .value(.tensor(cached)) }
        let t = try loadStorage(key, dtype, count)
        storageCache[key] = t
        return .value(.tensor(t))
    }

    private mutating func call(_ callable: Item, _ args: [StateValue]) throws -> StateValue {
        guard case .global(let module, let name) = callable else { throw fail("REDUCE on a non-global") }
        switch (module, name) {
        case ("collections", "OrderedDict"), ("builtins", "dict"):
            return .dict(args.first?.arrayValue?.compactMap {
                guard let kv = $0.arrayValue, kv.count == 2 else { return nil }
                return (kv[0], kv[1])
            } ?? [])
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            return .tensor(try rebuildTensor(args))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let t = args.first?.tensorValue else { throw fail("_rebuild_parameter without a tensor") }
            return .tensor(t)
        case ("torch", "device"):
            return .string(args.compactMap(\.stringValue).joined(separator: ":"))
        case ("builtins", "set"), ("builtins", "frozenset"):
            return .list(args.first?.arrayValue ?? [])
        default:
            throw fail("unsupported global \(module).\(name) (only what torch.load(weights_only=True) allows is read)")
        }
    }

    private mutating func rebuildTensor(_ args: [StateValue]) throws -> Tensor {
        guard args.count >= 4, case .tensor(let storage) = args[0], let offset = args[1].intValue,
            let size = args[2].arrayValue?.compactMap(\.intValue), let stride = args[3].arrayValue?.compactMap(\.intValue),
            size.count == stride.count
        else { throw fail("malformed tensor arguments") }
        let extent = zip(size, stride).reduce(offset) { $0 + ($1.0 > 0 ? ($1.0 - 1) * $1.1 : 0) }
        guard offset >= 0, size.allSatisfy({ $0 >= 0 }), size.contains(0) || extent < storage.numel else {
            throw fail("tensor of size \(size) and stride \(stride) at offset \(offset) overruns its storage of \(storage.numel) elements")
        }
        let t = ATen.asStrided(storage, size: size, stride: stride, storageOffset: offset).clone()
        if args.count > 4, args[4].boolValue == true { t.requiresGrad = true }
        return t
    }
}
