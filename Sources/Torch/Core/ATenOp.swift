import CTorch

/// One argument of an ATen operator call, in the operator schema's terms.
public enum OpArg {
    /// Use the schema's default value.
    case `default`
    case none
    case tensor(Tensor)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case ints([Int])
    case doubles([Double])
    case bools([Bool])
    case tensors([Tensor])
    /// A `Tensor?[]` argument (advanced indexing); `nil` entries are None.
    case optionalTensors([Tensor?])
    case string(String)
    case device(Device)
    case generator(Generator)

    /// An optional tensor: `.none` when nil.
    public static func tensor(_ t: Tensor?) -> OpArg { t.map { .tensor($0) } ?? .none }
    /// An optional scalar type: `.none` when nil.
    public static func dtype(_ d: DType?) -> OpArg { d.map { .int(Int($0.rawValue)) } ?? .none }
    /// An optional generator: `.none` when nil.
    public static func generator(_ g: Generator?) -> OpArg { g.map { .generator($0) } ?? .none }
    /// An optional device: `.none` when nil.
    public static func device(_ d: Device?) -> OpArg { d.map { .device($0) } ?? .none }
    /// An optional integer: `.none` when nil.
    public static func int(_ i: Int?) -> OpArg { i.map { .int($0) } ?? .none }
    /// An optional float: `.none` when nil.
    public static func double(_ d: Double?) -> OpArg { d.map { .double($0) } ?? .none }
    /// An `alpha` multiplier as Python passes it: the integer 1 by default, so integer tensors accept it.
    public static func alpha(_ a: Double) -> OpArg { a == 1 ? .int(1) : .double(a) }
    /// An optional list of integers: `.none` when nil.
    public static func ints(_ i: [Int]?) -> OpArg { i.map { .ints($0) } ?? .none }
}

/// An ATen operator resolved by name once (e.g. `aten::relu`), called through libtorch's
/// dispatcher: every one of ATen's ~2,000 operators is reachable without a hand-written shim.
public final class ATenOp: @unchecked Sendable {
    /// The full name, as `aten::name.overload`.
    public let name: String
    /// The operator, nil when libtorch has none of that name.
    let handle: ct_op?
    /// Why the name did not resolve.
    private let missing: String?

    /// Resolves an operator. A name libtorch does not have fails when the operator is called,
    /// as a failing operation does (an error inside `withTorchErrors` and the Trainer's steps).
    public init(_ name: String, _ overload: String = "") {
        self.name = overload.isEmpty ? name : "\(name).\(overload)"
        handle = ct_op_find(name, overload)
        missing = handle == nil ? String(cString: ct_last_error()) : nil
    }

    /// Calls the operator and returns its first result as a tensor (an undefined one for
    /// operators that return nothing).
    @discardableResult
    public func callAsFunction(_ args: OpArg...) -> Tensor {
        call(args) { results, count in
            count > 0 ? Self.tensor(results[0]) : Tensor(owning: ct_tensor_undefined())
        }
    }

    /// Calls the operator and returns all its tensor results (for ops returning tuples).
    public func tuple(_ args: OpArg...) -> [Tensor] {
        call(args) { results, count in
            (0..<count).map { Self.tensor(results[$0]) }
        }
    }

    /// Calls an operator whose result is a list of tensors.
    public func list(_ args: OpArg...) -> [Tensor] {
        call(args) { results, _ in
            let r = results[0]
            defer { ct_free(UnsafeMutableRawPointer(mutating: r.p)) }
            guard r.kind == Int32(CT_TENSOR_LIST.rawValue), let p = r.p else { return [] }
            let handles = p.assumingMemoryBound(to: ct_tensor?.self)
            return (0..<Int(r.n)).map { Tensor(owning: handles[$0]!) }
        }
    }

    /// Calls an operator whose result is a number (an `int`, `float` or `bool` in the schema).
    public func scalar(_ args: OpArg...) -> Double {
        call(args) { results, _ in
            let r = results[0]
            return r.kind == Int32(CT_DOUBLE.rawValue) ? r.d : Double(r.i)
        }
    }

    static func tensor(_ value: ct_value) -> Tensor {
        guard value.kind == Int32(CT_TENSOR.rawValue), let p = value.p else { return Tensor(owning: ct_tensor_undefined()) }
        return Tensor(owning: OpaquePointer(p))
    }

    private func call<R>(_ args: [OpArg], _ read: (UnsafeMutablePointer<ct_value>, Int) -> R) -> R {
        withExtendedLifetime(args) {
            withUnsafeTemporaryAllocation(of: ct_value.self, capacity: args.count + 8) { slots in
                let values = slots.baseAddress!, results = values + args.count
                var allocations: [UnsafeMutableRawPointer] = []
                defer { for p in allocations { p.deallocate() } }
                for (i, arg) in args.enumerated() {
                    values[i] = Self.value(arg, &allocations)
                }
                guard let handle else {
                    argumentError(name, "no such ATen operator: \(missing ?? "")")
                    results.initialize(repeating: ct_value(), count: 8)
                    return read(results, 0)
                }
                let count = ct_op_call(handle, values, Int32(args.count), results, 8)
                if count < 0 { torchFailure(name) }
                return read(results, Int(count))
            }
        }
    }

    /// The C value of one argument; list contents go to buffers recorded in `allocations`.
    private static func value(_ arg: OpArg, _ allocations: inout [UnsafeMutableRawPointer]) -> ct_value {
        func buffer<T>(_ items: [T], _ allocations: inout [UnsafeMutableRawPointer]) -> UnsafeRawPointer {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(items.count, 1))
            p.initialize(from: items, count: items.count)
            allocations.append(UnsafeMutableRawPointer(p))
            return UnsafeRawPointer(p)
        }
        var v = ct_value()
        switch arg {
        case .default: v.kind = Int32(CT_DEFAULT.rawValue)
        case .none: v.kind = Int32(CT_NONE.rawValue)
        case .tensor(let t): v.kind = Int32(CT_TENSOR.rawValue); v.p = UnsafeRawPointer(t.handle)
        case .int(let i): v.kind = Int32(CT_INT.rawValue); v.i = Int64(i)
        case .double(let d): v.kind = Int32(CT_DOUBLE.rawValue); v.d = d
        case .bool(let b): v.kind = Int32(CT_BOOL.rawValue); v.i = b ? 1 : 0
        case .ints(let list):
            v.kind = Int32(CT_INT_LIST.rawValue); v.p = buffer(list.map { Int64($0) }, &allocations); v.n = Int64(list.count)
        case .doubles(let list):
            v.kind = Int32(CT_DOUBLE_LIST.rawValue); v.p = buffer(list, &allocations); v.n = Int64(list.count)
        case .bools(let list):
            v.kind = Int32(CT_BOOL_LIST.rawValue); v.p = buffer(list, &allocations); v.n = Int64(list.count)
        case .tensors(let list):
            v.kind = Int32(CT_TENSOR_LIST.rawValue); v.p = buffer(list.map { Optional($0.handle) }, &allocations)
            v.n = Int64(list.count)
        case .optionalTensors(let list):
            v.kind = Int32(CT_OPT_TENSOR_LIST.rawValue); v.p = buffer(list.map { $0?.handle }, &allocations)
            v.n = Int64(list.count)
        case .string(let s):
            v.kind = Int32(CT_STRING.rawValue); v.p = buffer(Array(s.utf8CString), &allocations)
        case .device(let d):
            v.kind = Int32(CT_DEVICE.rawValue); v.i = Int64(d.code.type); v.n = Int64(d.code.index)
        case .generator(let g):
            v.kind = Int32(CT_GENERATOR.rawValue); v.p = UnsafeRawPointer(g.handle)
        }
        return v
    }
}
