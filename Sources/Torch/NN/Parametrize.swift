/// A module that computes a parameter from the tensors stored in its place
/// (`torch.nn.utils.parametrize`): override `forward(_:)` for a function of one tensor, or
/// `parametrize(_:)` when `rightInverse(_:)` splits the value into several originals.
open class Parametrization: Module {
    public override init() { super.init() }

    /// The parameter computed from its originals: by default `forward` of the only one.
    open func parametrize(_ originals: [Tensor]) -> Tensor { forward(originals[0]) }

    /// The originals to store for a parameter whose value is `value` (by default `value`
    /// itself), used once, when the parametrization is registered.
    open func rightInverse(_ value: Tensor) -> [Tensor] { [value] }
}

/// The parametrizations of one parameter and its originals (`parametrize.ParametrizationList`):
/// `original` (or `original0`, `original1`, … when the first parametrization's `rightInverse`
/// gives several), and the parametrizations "0", "1", … applied in order.
public final class ParametrizationList: Module {
    /// The parametrizations, first applied first.
    public var items: [Parametrization] { namedChildren().compactMap { $0.1 as? Parametrization } }
    /// The names of the originals.
    public let originalNames: [String]

    init(_ first: Parametrization, originals: [Tensor]) {
        originalNames = originals.count == 1 ? ["original"] : originals.indices.map { "original\($0)" }
        super.init()
        for (name, tensor) in zip(originalNames, originals) { registerParameter(name, tensor) }
        append(first)
    }

    func append(_ parametrization: Parametrization) {
        registerModule(String(items.count), parametrization)
    }

    /// The parameter's value now.
    public func value() -> Tensor {
        let parametrizations = items
        let first = parametrizations[0].parametrize(registeredParameters(originalNames))
        return parametrizations.dropFirst().reduce(first) { $1($0) }
    }
}

/// Registering and removing parametrizations (`torch.nn.utils.parametrize`).
public enum Parametrize {
    /// Makes `module`'s parameter `tensorName` computed by `parametrization` on every read
    /// (`register_parametrization`): its originals become parameters under
    /// `parametrizations.<tensorName>`, as in PyTorch's state dicts; a second registration on the
    /// same parameter applies after the first. Unless `unsafe`, the parametrization runs once
    /// here, and must keep the parameter's shape and dtype. Returns `module`.
    @discardableResult
    public static func registerParametrization<M: Module>(_ module: M, _ tensorName: String,
                                                          _ parametrization: Parametrization, unsafe: Bool = false) -> M {
        guard let state = module.parameterState(tensorName) else {
            argumentError("registerParametrization", "\(type(of: module)) has no parameter named \"\(tensorName)\"")
            return module
        }
        if let list = parametrizations(module)?.getSubmodule(tensorName) as? ParametrizationList {
            list.append(parametrization)
            return module
        }
        guard let original = state.tensor else {
            argumentError("registerParametrization", "\(type(of: module)).\(tensorName) holds no tensor to parametrize")
            return module
        }
        // A single original is the parameter itself (an optimizer holding it still trains it).
        let computed = withNoGrad { parametrization.rightInverse(original.detach()) }
        let originals: [Tensor]
        if computed.count == 1 {
            withNoGrad { original.setData(computed[0].detach()) }
            originals = [original]
        } else {
            originals = computed.map { $0.detach().clone().requiresGrad_(original.requiresGrad) }
        }
        let list = ParametrizationList(parametrization, originals: originals)
        if !unsafe {
            let value = withNoGrad { list.value() }
            if value.shape != original.shape || value.dtype != original.dtype {
                argumentError("registerParametrization", "a parametrization may not change the shape or dtype of \"\(tensorName)\" unless unsafe: \(original.shape) \(original.dtype) became \(value.shape) \(value.dtype)")
                return module
            }
        }
        let container = parametrizations(module) ?? Module()
        container.registerModule(tensorName, list)
        module.registerModule("parametrizations", container)
        state.parametrization = { list.value() }
        return module
    }

    /// Whether `module` has parametrizations (on `tensorName`, when given).
    public static func isParametrized(_ module: Module, _ tensorName: String? = nil) -> Bool {
        guard let container = parametrizations(module) else { return false }
        return tensorName.map { container.getSubmodule($0) != nil } ?? !container.namedChildren().isEmpty
    }

    /// Removes the parametrizations of `tensorName` (`remove_parametrizations`): the parameter
    /// keeps its current value when `leaveParametrized`, or gets back its original otherwise
    /// (possible only with a single original).
    public static func removeParametrizations(_ module: Module, _ tensorName: String, leaveParametrized: Bool = true) {
        guard let container = parametrizations(module), let list = container.getSubmodule(tensorName) as? ParametrizationList,
            let state = module.parameterState(tensorName)
        else {
            argumentError("removeParametrizations", "\(type(of: module)) has no parametrization on \"\(tensorName)\"")
            return
        }
        if !leaveParametrized && list.originalNames.count != 1 {
            argumentError("removeParametrizations", "leaveParametrized: false needs a single original, \"\(tensorName)\" has \(list.originalNames.count)")
            return
        }
        let value = leaveParametrized ? withNoGrad { list.value() } : list.getParameter("original")!
        state.parametrization = nil
        withNoGrad { state.tensor?.setData(value.detach()) }
        container.unregisterModule(tensorName)
        if container.namedChildren().isEmpty { module.unregisterModule("parametrizations") }
    }

    private static func parametrizations(_ module: Module) -> Module? { module.getSubmodule("parametrizations") }
}
