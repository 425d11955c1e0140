import CTorch

/// The base class of layers and models (`torch.nn.Module`).
///
/// Parameters, buffers and submodules are discovered from stored properties: properties marked
/// `@Parameter` or `@Buffer`, and properties holding a `Module`, an optional one, an array of them
/// (a `ModuleList`) or a dictionary of them (a `ModuleDict`). Names are the property names in
/// snake_case, so `selfAttn.inProjWeight` is saved as `self_attn.in_proj_weight`, as in PyTorch.
/// A module whose parts are chosen at run time registers them by name instead
/// (`registerParameter`, `registerBuffer`, `registerModule`), after its stored properties.
open class Module {
    /// Whether the module is in training mode (dropout active, batch statistics updated).
    public private(set) var isTraining = true

    /// Parameters and buffers registered by name, in registration order.
    private var registeredStates: [(String, ModuleState)] = []

    /// Submodules registered by name, in registration order.
    private var registeredChildren: [(String, Module)] = []

    /// How tensor parallelism split this layer, when it did (set by a `ParallelStyle`).
    var tensorParallel: TensorParallelPlacement?

    public init() {}

    /// The computation of a module that maps one tensor to one tensor. A module that does not
    /// define it fails here as a failing operation does (an error inside `withTorchErrors` and
    /// the Trainer's steps).
    open func forward(_ x: Tensor) -> Tensor {
        argumentError("\(type(of: self)).forward(_:)",
                      "\(type(of: self)) does not define forward(_:) for a single tensor; override it, or call the module's own forward method")
        return Tensor(owning: ct_tensor_undefined())
    }

    /// Calls `forward(_:)` (and, inside `recordingShapes`, notes the shapes in and out), its input
    /// and result converted between layouts where `PrepareModuleLayouts` asked.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard let split = tensorParallel else { return notingShapes(x, forward(x)) }
        return notingShapes(x, split.convert(forward(split.convert(x, split.convertingInput)), split.convertingOutput))
    }

    /// `y`, its shape and `x`'s noted inside `recordingShapes`.
    private func notingShapes(_ x: Tensor, _ y: Tensor) -> Tensor {
        if let recorder = ShapeRecorder.current { recorder.shapes[ObjectIdentifier(self)] = (x.shape, y.shape) }
        return y
    }

    /// Runs `body` noting the input and output shape of every module called through
    /// `callAsFunction` (PyTorch's forward hooks, as model summaries use them).
    public static func recordingShapes(_ body: () throws -> Void) rethrows -> [ObjectIdentifier: (input: [Int], output: [Int])] {
        let recorder = ShapeRecorder()
        try ShapeRecorder.$current.withValue(recorder) { try body() }
        return recorder.shapes
    }

    /// The direct submodules with their names.
    open func namedChildren() -> [(String, Module)] { reflect().children }

    /// Discovers this module's own parameters, buffers and submodules.
    func reflect() -> (states: [(String, ModuleState)], children: [(String, Module)]) {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror, m.subjectType != Module.self {
            mirrors.append(m)
            mirror = m.superclassMirror
        }
        var states: [(String, ModuleState)] = []
        var children: [(String, Module)] = []
        for m in mirrors.reversed() {
            for child in m.children {
                guard let label = child.label else { continue }
                let name = Self.snakeCase(label.hasPrefix("_") ? String(label.dropFirst()) : label)
                switch child.value {
                case let state as ModuleState:
                    if state.parametrization == nil { states.append((name, state)) }
                case let module as Module:
                    children.append((name, module))
                case let list as ModuleArray:
                    children.append((name, container(ModuleList(list.modules))))
                case let dict as ModuleDictionary:
                    children.append((name, container(ModuleDict(dict.modules))))
                default:
                    break
                }
            }
        }
        return (states + registeredStates.filter { $0.1.parametrization == nil }, children + registeredChildren)
    }

    /// Registers `tensor` as a learnable parameter named `name` (`register_parameter`), replacing
    /// one registered before under that name; `nil` reserves the name without a tensor, as
    /// PyTorch's `None` parameter does.
    public func registerParameter(_ name: String, _ tensor: Tensor?) {
        register(name, Parameter(wrappedValue: tensor))
    }

    /// Registers `tensor` as a buffer named `name` (`register_buffer`); a buffer that is not
    /// `persistent` moves with the module but stays out of the state dict.
    public func registerBuffer(_ name: String, _ tensor: Tensor?, persistent: Bool = true) {
        register(name, Buffer(wrappedValue: tensor, persistent: persistent))
    }

    /// Registers `module` as a submodule named `name` (`register_module` / `add_module`).
    public func registerModule(_ name: String, _ module: Module) {
        checkName(name, "registerModule")
        registeredChildren.removeAll { $0.0 == name }
        registeredChildren.append((name, module))
    }

    /// Removes the submodule registered as `name`.
    func unregisterModule(_ name: String) {
        registeredChildren.removeAll { $0.0 == name }
    }

    /// The parameter property or registered parameter named `name`, parametrized or not.
    func parameterState(_ name: String) -> ModuleState? {
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror, m.subjectType != Module.self {
            for child in m.children where child.label.map({ Self.snakeCase($0.hasPrefix("_") ? String($0.dropFirst()) : $0) }) == name {
                if let state = child.value as? ModuleState, !state.isBuffer { return state }
            }
            mirror = m.superclassMirror
        }
        return registeredStates.first { $0.0 == name && !$0.1.isBuffer }?.1
    }

    private func register(_ name: String, _ state: ModuleState) {
        checkName(name, state.isBuffer ? "registerBuffer" : "registerParameter")
        if let index = registeredStates.firstIndex(where: { $0.0 == name }) {
            registeredStates[index].1 = state
        } else {
            registeredStates.append((name, state))
        }
    }

    private func checkName(_ name: String, _ function: String) {
        if name.isEmpty || name.contains(".") {
            argumentError("\(type(of: self)).\(function)", "a registered name can't be empty or contain \".\", got \"\(name)\"")
        }
    }

    /// The parameter at a dotted path such as `"layers.0.weight"` (`get_parameter`), or nil.
    public func getParameter(_ target: String) -> Tensor? { state(at: target, buffer: false) }

    /// The buffer at a dotted path such as `"bn.running_mean"` (`get_buffer`), or nil.
    public func getBuffer(_ target: String) -> Tensor? { state(at: target, buffer: true) }

    /// The submodule at a dotted path such as `"encoder.layers.1"` (`get_submodule`); "" is
    /// this module.
    public func getSubmodule(_ target: String) -> Module? {
        guard !target.isEmpty else { return self }
        var module: Module = self
        for part in target.split(separator: ".") {
            guard let child = module.namedChildren().first(where: { $0.0 == part })?.1 else { return nil }
            module = child
        }
        return module
    }

    private func state(at target: String, buffer: Bool) -> Tensor? {
        let path = target.split(separator: ".", omittingEmptySubsequences: false)
        guard let owner = getSubmodule(path.dropLast().joined(separator: ".")), let name = path.last else { return nil }
        guard let state = owner.reflect().states.first(where: { $0.0 == name && $0.1.isBuffer == buffer })?.1 else { return nil }
        state.accessHook?()
        return state.tensor
    }

    /// The parameters registered under `names`, read as a property is (so sharded training can
    /// gather them first); names without a tensor are skipped.
    func registeredParameters(_ names: [String]) -> [Tensor] {
        names.compactMap { name in
            guard let state = registeredStates.first(where: { $0.0 == name && !$0.1.isBuffer })?.1 else { return nil }
            state.accessHook?()
            return state.tensor
        }
    }

    /// A container made on the fly for an array or dictionary property, in this module's mode.
    private func container(_ module: Module) -> Module {
        module.isTraining = isTraining
        return module
    }

    /// `inProjWeight` -> `in_proj_weight`.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        let chars = Array(name)
        for (i, c) in chars.enumerated() {
            if c.isUppercase {
                let previousLower = i > 0 && (chars[i - 1].isLowercase || chars[i - 1].isNumber)
                let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase && i > 0 && chars[i - 1].isUppercase
                if previousLower || nextLower { out.append("_") }
                out.append(Character(c.lowercased()))
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// This module and every submodule, depth first, with dotted names ("" for this one).
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        var out: [(String, Module)] = [(prefix, self)]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        func visit(_ module: Module, _ prefix: String) {
            for (name, child) in module.namedChildren() where seen.insert(ObjectIdentifier(child)).inserted {
                let full = prefix.isEmpty ? name : prefix + "." + name
                out.append((full, child))
                visit(child, full)
            }
        }
        visit(self, prefix)
        return out
    }

    /// Every submodule, this one first.
    public func modules() -> [Module] { namedModules().map(\.1) }

    /// The direct submodules.
    public func children() -> [Module] { namedChildren().map(\.1) }

    private func namedStates(buffers: Bool, persistentOnly: Bool) -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        var seen: Set<ObjectIdentifier> = []
        for (prefix, module) in namedModules() {
            for (name, state) in module.reflect().states where state.isBuffer == buffers {
                guard let t = state.tensor, !persistentOnly || state.isPersistent,
                    seen.insert(ObjectIdentifier(t)).inserted
                else { continue }
                out.append((prefix.isEmpty ? name : prefix + "." + name, t))
            }
        }
        return out
    }

    /// The learnable parameters with dotted names, in registration order (shared ones once).
    public func namedParameters() -> [(String, Tensor)] { namedStates(buffers: false, persistentOnly: false) }

    /// The learnable parameters, in registration order.
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// The buffers with dotted names.
    public func namedBuffers() -> [(String, Tensor)] { namedStates(buffers: true, persistentOnly: false) }

    /// The buffers.
    public func buffers() -> [Tensor] { namedBuffers().map(\.1) }

    /// The number of parameter elements (only those that require gradients when `trainableOnly`).
    public func parameterCount(trainableOnly: Bool = false) -> Int {
        parameters().filter { !trainableOnly || $0.requiresGrad }.reduce(0) { $0 + $1.numel }
    }

    /// Sets training mode on this module and every submodule; returns self.
    @discardableResult
    open func train(_ mode: Bool = true) -> Self {
        for module in modules() { module.isTraining = mode }
        return self
    }

    /// Sets evaluation mode; returns self.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Turns gradient tracking of every parameter on or off (freezing); returns self.
    @discardableResult
    public func requiresGrad(_ flag: Bool = true) -> Self {
        for p in parameters() { p.requiresGrad = flag }
        return self
    }

    /// Clears (or zeroes) the gradient of every parameter.
    public func zeroGrad(setToNone: Bool = true) {
        for p in parameters() {
            if setToNone { p.grad = nil } else { p.grad?.zero_() }
        }
    }

    /// Moves parameters and buffers to `device` and converts floating ones to `dtype`, in
    /// place: tensors keep their identity, so optimizers built before still hold them.
    @discardableResult
    public func to(device: Device? = nil, dtype: DType? = nil) -> Self {
        withNoGrad {
            for t in parameters() + buffers() {
                let target = dtype.flatMap { t.dtype.isFloatingPoint ? $0 : nil } ?? t.dtype
                let moved = t.to(device: device ?? t.device, dtype: target)
                if moved !== t { t.setData(moved) }
                if let g = t.grad { t.grad = g.to(device: device ?? g.device, dtype: target) }
            }
        }
        return self
    }

    /// Tensors a module saves in its state dict besides its parameters and buffers (a metric's
    /// persistent states), by name; loading a state dict copies into them in place.
    open var extraStateTensors: [(String, Tensor)] { [] }

    /// Parameters, persistent buffers and extra state tensors by dotted name, in PyTorch's order
    /// (each module's parameters, then its buffers, then its children's).
    public func stateDict() -> StateDict {
        var out = StateDict()
        for (prefix, module) in namedModules() {
            let states = module.reflect().states
            let own = (states.filter({ !$0.1.isBuffer }) + states.filter({ $0.1.isBuffer && $0.1.isPersistent }))
                .compactMap { name, state in state.tensor.map { (name, $0) } }
            for (name, t) in own + module.extraStateTensors {
                out[prefix.isEmpty ? name : prefix + "." + name] = t.detach()
            }
        }
        return out
    }

    /// Copies tensors from a state dict into this module's parameters and buffers.
    /// With `strict`, missing and unexpected keys are errors; shape mismatches always are.
    @discardableResult
    public func loadStateDict(_ stateDict: StateDict, strict: Bool = true) throws -> IncompatibleKeys {
        let own = self.stateDict()
        var problems: [String] = []
        let unexpected = stateDict.keys.filter { own[$0] == nil }
        let missing = own.keys.filter { stateDict[$0] == nil }
        for (name, target) in own {
            guard let source = stateDict[name] else { continue }
            if source.shape != target.shape {
                problems.append("size mismatch for \(name): copying a param with shape \(source.shape) from checkpoint, the shape in current model is \(target.shape).")
            }
        }
        if strict {
            if !unexpected.isEmpty {
                problems.insert("Unexpected key(s) in state_dict: \(unexpected.map { "\"\($0)\"" }.joined(separator: ", ")). ", at: 0)
            }
            if !missing.isEmpty {
                problems.insert("Missing key(s) in state_dict: \(missing.map { "\"\($0)\"" }.joined(separator: ", ")). ", at: 0)
            }
        }
        if !problems.isEmpty { throw StateDictError(module: String(describing: type(of: self)), problems: problems) }
        try withTorchErrors {
            withNoGrad {
                for (name, target) in own {
                    if let source = stateDict[name] { target.copy_(source) }
                }
            }
        }
        return IncompatibleKeys(missingKeys: missing, unexpectedKeys: unexpected)
    }
}

/// An array property of submodules (checked by element type, so empty arrays of other
/// things are not mistaken for one).
protocol ModuleArray {
    var modules: [Module] { get }
}

extension Array: ModuleArray where Element: Module {
    var modules: [Module] { self }
}

/// A dictionary property of submodules by name.
protocol ModuleDictionary {
    var modules: [String: Module] { get }
}

extension Dictionary: ModuleDictionary where Key == String, Value: Module {
    var modules: [String: Module] { self }
}

/// The shapes modules saw inside `Module.recordingShapes` (scoped to the calling task).
final class ShapeRecorder: @unchecked Sendable {
    @TaskLocal static var current: ShapeRecorder?
    var shapes: [ObjectIdentifier: (input: [Int], output: [Int])] = [:]
}
