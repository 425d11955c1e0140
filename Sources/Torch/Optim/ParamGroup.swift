/// Parameters optimised with the same options (a PyTorch "param group"), whose options a
/// scheduler or the user may change between steps. Option names are PyTorch's (`lr`,
/// `weight_decay`, `betas`...), so state dicts interchange with Python.
public final class ParamGroup {
    /// The parameters of the group.
    public var params: [Tensor]
    /// The option names, in PyTorch's order.
    public private(set) var optionNames: [String] = []
    private var values: [String: StateValue] = [:]

    /// A group of `params` with the options given; the optimizer fills in the others from its defaults.
    public init(_ params: [Tensor], _ options: [(String, StateValue)] = []) {
        self.params = params
        for (k, v) in options { self[k] = v }
    }

    /// The option named `name`; setting a new name appends it.
    public subscript(name: String) -> StateValue? {
        get { values[name] }
        set {
            if values[name] == nil, newValue != nil { optionNames.append(name) }
            values[name] = newValue
        }
    }

    /// The learning rate.
    public var lr: Double {
        get { double("lr") }
        set { self["lr"] = .double(newValue) }
    }

    /// A numeric option; a missing or misspelt one is an error naming the options the group has
    /// (thrown inside `withTorchErrors` and the Trainer's steps), and reads as NaN.
    public func double(_ name: String) -> Double {
        if let value = values[name]?.doubleValue { return value }
        argumentError("ParamGroup", missing(name, "number"))
        return .nan
    }

    /// A boolean option; a missing or misspelt one is an error, as for `double`.
    public func bool(_ name: String) -> Bool {
        if let value = values[name]?.boolValue { return value }
        argumentError("ParamGroup", missing(name, "boolean"))
        return false
    }

    private func missing(_ name: String, _ kind: String) -> String {
        values[name] == nil ? "no option '\(name)'; the group has \(optionNames.joined(separator: ", "))"
            : "option '\(name)' is \(values[name]!), not a \(kind)"
    }
}
