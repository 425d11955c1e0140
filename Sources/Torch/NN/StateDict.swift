/// Named tensors in order, as PyTorch's `OrderedDict` state dicts are.
public struct StateDict: Sequence, ExpressibleByDictionaryLiteral {
    /// The names, in order.
    public private(set) var keys: [String] = []
    private var tensors: [String: Tensor] = [:]

    public init() {}

    public init(_ pairs: [(String, Tensor)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, Tensor)...) { self.init(elements) }

    /// The tensor stored under `key`; assigning a new key appends it.
    public subscript(key: String) -> Tensor? {
        get { tensors[key] }
        set {
            if newValue != nil, tensors[key] == nil { keys.append(key) }
            if newValue == nil, tensors[key] != nil { keys.removeAll { $0 == key } }
            tensors[key] = newValue
        }
    }

    /// The number of entries.
    public var count: Int { keys.count }

    public func makeIterator() -> AnyIterator<(key: String, value: Tensor)> {
        var index = 0
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            return (keys[index], tensors[keys[index]]!)
        }
    }
}

/// What `loadStateDict(_:strict:)` found: keys the module has and the state dict lacks, and the reverse.
public struct IncompatibleKeys: Equatable, Sendable {
    public var missingKeys: [String]
    public var unexpectedKeys: [String]

    public init(missingKeys: [String], unexpectedKeys: [String]) {
        (self.missingKeys, self.unexpectedKeys) = (missingKeys, unexpectedKeys)
    }
}

/// A state dict that does not fit a module, with every mismatch named.
public struct StateDictError: Error, CustomStringConvertible {
    public let module: String
    public let problems: [String]
    public var description: String {
        "Error(s) in loading state_dict for \(module):\n\t" + problems.joined(separator: "\n\t")
    }
}
