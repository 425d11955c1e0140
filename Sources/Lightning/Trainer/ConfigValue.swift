import Foundation

/// A type an option has, as it appears in a config: YAML's scalars (`Int`, `Double`, `Bool`,
/// `String`, `NSNull` for null).
protocol ConfigValue {
    /// The value a config gives, nil when it is not one of this type.
    init?(configValue: Any)
    /// The value as a config writes it.
    var configValue: Any { get }
    /// What a config must give, for error messages.
    static var expected: String { get }
}

extension Int: ConfigValue {
    init?(configValue: Any) {
        guard let value = configValue as? Int, !(configValue is Bool) else { return nil }
        self = value
    }
    var configValue: Any { self }
    static var expected: String { "an integer" }
}

extension Double: ConfigValue {
    init?(configValue: Any) {
        if let value = configValue as? Double { self = value } else if let value = configValue as? Int { self = Double(value) } else { return nil }
    }
    var configValue: Any { self }
    static var expected: String { "a number" }
}

extension Bool: ConfigValue {
    init?(configValue: Any) {
        guard let value = configValue as? Bool else { return nil }
        self = value
    }
    var configValue: Any { self }
    static var expected: String { "true or false" }
}

extension String: ConfigValue {
    init?(configValue: Any) {
        if let value = configValue as? String { self = value } else if let value = configValue as? Int { self = String(value) } else { return nil }
    }
    var configValue: Any { self }
    static var expected: String { "a string" }
}

extension Optional: ConfigValue where Wrapped: ConfigValue {
    init?(configValue: Any) {
        if configValue is NSNull { self = .none; return }
        guard let value = Wrapped(configValue: configValue) else { return nil }
        self = .some(value)
    }
    var configValue: Any { map(\.configValue) ?? NSNull() }
    static var expected: String { "\(Wrapped.expected) or null" }
}

extension Accelerator: ConfigValue {
    init?(configValue: Any) { self.init(rawValue: configValue as? String ?? "") }
    var configValue: Any { rawValue }
    static var expected: String { "auto, cpu or gpu" }
}

extension GradientClipAlgorithm: ConfigValue {
    init?(configValue: Any) { self.init(rawValue: configValue as? String ?? "") }
    var configValue: Any { rawValue }
    static var expected: String { "norm or value" }
}

extension ProfilerKind: ConfigValue {
    init?(configValue: Any) { self.init(rawValue: configValue as? String ?? "") }
    var configValue: Any { rawValue }
    static var expected: String { "simple or pytorch" }
}

extension Precision: ConfigValue {
    init?(configValue: Any) {
        guard let text = String(configValue: configValue) else { return nil }
        self.init(lightning: text)
    }
    var configValue: Any { rawValue }
    static var expected: String { "one of \(allCases.map(\.rawValue).joined(separator: ", ")) (or 16, bf16, 32, 64)" }
}

extension Devices: ConfigValue {
    init?(configValue: Any) {
        if configValue as? String == "auto" { self = .auto } else if let n = Int(configValue: configValue) ?? (configValue as? String).flatMap({ Int($0) }) {
            self = .count(n)
        } else {
            return nil
        }
    }
    var configValue: Any {
        switch self {
        case .auto: return "auto"
        case .count(let n): return n
        }
    }
    static var expected: String { "auto or a number of devices" }
}

extension BatchLimit: ConfigValue {
    init?(configValue: Any) {
        if let n = Int(configValue: configValue) { self = .count(n) } else if let f = configValue as? Double { self = .fraction(f) } else { return nil }
    }
    var configValue: Any {
        switch self {
        case .count(let n): return n
        case .fraction(let f): return f
        }
    }
    static var expected: String { "an integer count or a float fraction" }
}

extension FastDevRun: ConfigValue {
    init?(configValue: Any) {
        if let on = configValue as? Bool { self = on ? .batches(1) : .off } else if let n = Int(configValue: configValue) {
            self = n == 0 ? .off : .batches(n)
        } else {
            return nil
        }
    }
    var configValue: Any {
        switch self {
        case .off: return false
        case .batches(1): return true
        case .batches(let n): return n
        }
    }
    static var expected: String { "true, false or a number of batches" }
}

extension Strategy: ConfigValue {
    /// The strategies a config names by Lightning's strings.
    static let named: [String: Strategy] = [
        "auto": .auto, "ddp": .ddp, "ddp_find_unused_parameters_true": .ddp(findUnusedParameters: true),
        "single_device": .singleDevice, "fsdp": .fsdp, "deepspeed_stage_3": .fsdp, "zero_stage_3": .fsdp,
        "deepspeed_stage_1": .zero(stage: 1), "zero_stage_1": .zero(stage: 1),
        "deepspeed_stage_2": .zero(stage: 2), "zero_stage_2": .zero(stage: 2),
        "model_parallel": .modelParallel(),
    ]

    init?(configValue: Any) {
        guard let strategy = Self.named[configValue as? String ?? ""] else { return nil }
        self = strategy
    }
    var configValue: Any {
        if case .ddp(let options) = kind, options.findUnusedParameters { return "ddp_find_unused_parameters_true" }
        return description
    }
    static var expected: String { "auto, ddp, ddp_find_unused_parameters_true, single_device, fsdp, deepspeed_stage_1/2/3 or model_parallel" }
}
