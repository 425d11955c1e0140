import CTorch

extension Tensor {
    /// Whether autograd records operations on this tensor; set it on leaves to train them.
    public var requiresGrad: Bool {
        get { ct_tensor_requires_grad(handle) }
        set { check(ct_tensor_set_requires_grad(handle, newValue), "requiresGrad") }
    }

    /// Sets `requiresGrad` and returns the tensor (PyTorch's `requires_grad_()`).
    @discardableResult
    public func requiresGrad_(_ value: Bool = true) -> Tensor {
        requiresGrad = value
        return self
    }

    /// The gradient accumulated by `backward`, if any; assign nil to clear it.
    public var grad: Tensor? {
        get { ct_tensor_grad(handle).map { Tensor(owning: $0) } }
        set { check(ct_tensor_set_grad(handle, newValue?.handle), "grad") }
    }

    /// Whether the tensor was made by the user rather than by a recorded operation.
    public var isLeaf: Bool { ct_tensor_is_leaf(handle) }

    /// The name of the autograd node that made this tensor ("AddBackward0"), nil for leaves.
    public var gradFnName: String? { ct_tensor_grad_fn_name(handle).map { String(cString: $0) } }

    /// Keeps `grad` for this non-leaf tensor after `backward`.
    public func retainGrad() { check(ct_tensor_retain_grad(handle), "retainGrad") }

    /// Accumulates the gradients of this tensor into the leaves that made it.
    /// `gradient` is required unless the tensor has one element.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false, createGraph: Bool = false) {
        var root: ct_tensor? = handle
        var seed: ct_tensor? = gradient?.handle
        withExtendedLifetime(gradient) {
            check(ct_backward(&root, &seed, 1, retainGraph, createGraph), "backward")
        }
    }
}

/// `torch.autograd`: gradients without touching `.grad`, and autograd's modes.
public enum Autograd {
    /// The gradients of `outputs` with respect to `inputs` (`torch.autograd.grad`); an entry
    /// is nil for an input that `outputs` do not depend on (with `allowUnused`).
    public static func grad(outputs: [Tensor], inputs: [Tensor], gradOutputs: [Tensor?]? = nil,
                            retainGraph: Bool? = nil, createGraph: Bool = false,
                            allowUnused: Bool = false) -> [Tensor?] {
        let seeds: [ct_tensor?] = (gradOutputs ?? outputs.map { _ in nil }).map { $0?.handle }
        guard seeds.count == outputs.count else {
            argumentError("Autograd.grad", "\(outputs.count) outputs but \(seeds.count) gradOutputs")
            return inputs.map { _ in nil }
        }
        var roots: [ct_tensor?] = outputs.map { $0.handle }
        var leaves: [ct_tensor?] = inputs.map { $0.handle }
        var results = [ct_tensor?](repeating: nil, count: inputs.count)
        var seedHandles = seeds
        withExtendedLifetime((outputs, inputs, gradOutputs)) {
            check(ct_autograd_grad(&roots, &seedHandles, Int64(roots.count), &leaves, Int64(leaves.count),
                                   retainGraph ?? createGraph, createGraph, allowUnused, &results),
                  "Autograd.grad")
        }
        return results.map { $0.map { Tensor(owning: $0) } }
    }

    /// Runs `body` with anomaly detection: a backward that produces NaN fails and names the
    /// forward operation that caused it.
    public static func detectAnomaly<T>(checkNaN: Bool = true, _ body: () throws -> T) rethrows -> T {
        let previous = ct_is_anomaly_enabled()
        ct_set_anomaly_enabled(true, checkNaN)
        defer { ct_set_anomaly_enabled(previous, true) }
        return try body()
    }

    /// Turns anomaly detection on or off for the whole process.
    public static func setDetectAnomaly(_ enabled: Bool, checkNaN: Bool = true) {
        ct_set_anomaly_enabled(enabled, checkNaN)
    }

    /// Whether anomaly detection is on.
    public static var isAnomalyEnabled: Bool { ct_is_anomaly_enabled() }
}
