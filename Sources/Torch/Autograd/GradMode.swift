import CTorch

/// Runs `body` without recording operations for autograd on this thread (`torch.no_grad()`).
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    let previous = ct_set_grad_enabled(false)
    defer { ct_set_grad_enabled(previous) }
    return try body()
}

/// Runs `body` with autograd recording on, inside a no-grad scope too (`torch.enable_grad()`).
public func withEnableGrad<T>(_ body: () throws -> T) rethrows -> T {
    let previous = ct_set_grad_enabled(true)
    defer { ct_set_grad_enabled(previous) }
    return try body()
}

/// Runs `body` in inference mode (`torch.inference_mode()`): no autograd and no version
/// counting, the fastest way to evaluate; tensors made inside cannot join a graph later.
public func withInferenceMode<T>(_ enabled: Bool = true, _ body: () throws -> T) rethrows -> T {
    let guardHandle = ct_inference_mode_enter(enabled)
    defer { ct_inference_mode_exit(guardHandle) }
    return try body()
}

/// Whether autograd records operations on this thread.
public var isGradEnabled: Bool { ct_is_grad_enabled() }

/// Whether this thread is in inference mode.
public var isInferenceModeEnabled: Bool { ct_is_inference_mode_enabled() }
