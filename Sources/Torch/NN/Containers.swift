/// Builds a list of modules from a block of module expressions (for `Sequential { ... }`).
@resultBuilder
public enum ModuleBuilder {
    public static func buildExpression(_ module: Module) -> [Module] { [module] }
    public static func buildExpression(_ modules: [Module]) -> [Module] { modules }
    public static func buildBlock(_ parts: [Module]...) -> [Module] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Module]?) -> [Module] { part ?? [] }
    public static func buildEither(first: [Module]) -> [Module] { first }
    public static func buildEither(second: [Module]) -> [Module] { second }
    public static func buildArray(_ parts: [[Module]]) -> [Module] { parts.flatMap { $0 } }
}

/// Modules applied one after the other (`nn.Sequential`); children are named "0", "1", ...
public final class Sequential: Module {
    /// The modules, in order.
    public let layers: [Module]

    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
    }

    public convenience init(@ModuleBuilder _ build: () -> [Module]) { self.init(build()) }

    public override func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }

    public override func namedChildren() -> [(String, Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    /// The module at `index`.
    public subscript(index: Int) -> Module { layers[index] }

    /// The number of modules.
    public var count: Int { layers.count }
}

/// A list of submodules named "0", "1", ... (`nn.ModuleList`). A stored `[Module]` property
/// is one too.
public final class ModuleList: Module {
    /// The modules, in order.
    public let items: [Module]

    public init(_ items: [Module]) {
        self.items = items
        super.init()
    }

    public override func namedChildren() -> [(String, Module)] {
        items.enumerated().map { (String($0.offset), $0.element) }
    }

    /// The module at `index`.
    public subscript(index: Int) -> Module { items[index] }

    /// The number of modules.
    public var count: Int { items.count }
}

/// Submodules by name (`nn.ModuleDict`), in sorted key order. A stored `[String: Module]`
/// property is one too.
public final class ModuleDict: Module {
    /// The modules by name.
    public let items: [String: Module]

    public init(_ items: [String: Module]) {
        self.items = items
        super.init()
    }

    public override func namedChildren() -> [(String, Module)] {
        items.keys.sorted().map { ($0, items[$0]!) }
    }

    /// The module named `key`.
    public subscript(key: String) -> Module? { items[key] }
}

/// A list of parameters named "0", "1", ... (`nn.ParameterList`): a run-time number of learnable
/// tensors with PyTorch's state-dict names.
public final class ParameterList: Module {
    /// The parameters, in order.
    public private(set) var items: [Tensor] = []

    public init(_ items: [Tensor] = []) {
        super.init()
        for item in items { append(item) }
    }

    /// Adds `parameter` at the end, named by its position.
    public func append(_ parameter: Tensor) {
        registerParameter(String(items.count), parameter)
        items.append(parameter)
    }

    /// The parameter at `index`.
    public subscript(index: Int) -> Tensor { items[index] }

    /// The number of parameters.
    public var count: Int { items.count }
}

/// Parameters by name, in insertion order (`nn.ParameterDict`).
public final class ParameterDict: Module {
    /// The names, in insertion order.
    public private(set) var keys: [String] = []

    /// Parameters in the order written (a dictionary literal keeps its order here).
    public init(_ items: KeyValuePairs<String, Tensor> = [:]) {
        super.init()
        for (key, value) in items { self[key] = value }
    }

    /// The parameter named `key`; setting one registers (or replaces) it.
    public subscript(key: String) -> Tensor? {
        get { getParameter(key) }
        set {
            registerParameter(key, newValue)
            if !keys.contains(key) { keys.append(key) }
        }
    }

    /// The number of parameters.
    public var count: Int { keys.count }
}
