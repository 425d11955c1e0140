/// A value of a saved state: what state dicts, optimizer states and checkpoints hold, as
/// Python's `torch.save` holds them (None, bools, ints, floats, strings, tensors, lists,
/// tuples and dictionaries, nested).
public indirect enum StateValue: CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case tensor(Tensor)
    case list([StateValue])
    case tuple([StateValue])
    /// A dictionary, in insertion order; keys are usually strings or ints.
    case dict([(key: StateValue, value: StateValue)])

    /// The entry under a string key of a dictionary.
    public subscript(key: String) -> StateValue? {
        guard case .dict(let pairs) = self else { return nil }
        return pairs.first { $0.key.stringValue == key }?.value
    }

    /// The entry under an integer key of a dictionary.
    public subscript(key: Int) -> StateValue? {
        guard case .dict(let pairs) = self else { return nil }
        return pairs.first { $0.key.intValue == key }?.value
    }

    /// A number as Double (ints and bools included).
    public var doubleValue: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.numel == 1: return t.item()
        default: return nil
        }
    }

    /// An integer (or an integral tensor of one element).
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.numel == 1 && !t.dtype.isFloatingPoint: return t.item(as: Int.self)
        default: return nil
        }
    }

    /// A bool.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// A string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A tensor.
    public var tensorValue: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    /// The elements of a list or tuple.
    public var arrayValue: [StateValue]? {
        switch self {
        case .list(let a), .tuple(let a): return a
        default: return nil
        }
    }

    /// The entries of a dictionary.
    public var dictValue: [(key: StateValue, value: StateValue)]? {
        if case .dict(let d) = self { return d }
        return nil
    }

    /// A dictionary with string keys, in order.
    public static func dict(_ pairs: [(String, StateValue)]) -> StateValue {
        .dict(pairs.map { (StateValue.string($0.0), $0.1) })
    }

    /// A state dict as a dictionary of tensors.
    public static func stateDict(_ stateDict: StateDict) -> StateValue {
        .dict(stateDict.map { (StateValue.string($0.key), StateValue.tensor($0.value)) })
    }

    /// The tensors of a dictionary with string keys, as a state dict (nil if it holds anything else).
    public var stateDictValue: StateDict? {
        guard let pairs = dictValue else { return nil }
        var out = StateDict()
        for (k, v) in pairs {
            guard let key = k.stringValue, let t = v.tensorValue else { return nil }
            out[key] = t
        }
        return out
    }

    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return "'\(s)'"
        case .tensor(let t): return t.description
        case .list(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let a): return "(" + a.map(\.description).joined(separator: ", ") + (a.count == 1 ? ",)" : ")")
        case .dict(let d): return "{" + d.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

extension StateValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: StateValue...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .none }
}
