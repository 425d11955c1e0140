import CTorch

/// Runs `body` with autocast on `device` to `dtype` (`torch.autocast`): inside it, libtorch
/// runs the ops on PyTorch's lower-precision list (matmul, linear, conv...) in `dtype` and keeps
/// the ones on its fp32 list (losses, norms, softmax...) in float32. Per thread, nestable.
public func withAutocast<T>(device: Device = .cpu, dtype: DType = .bfloat16, enabled: Bool = true,
                            _ body: () throws -> T) rethrows -> T {
    guard enabled else { return try body() }
    var previousEnabled = false
    var previousDType: Int32 = 0
    let type = device.code.type
    check(ct_autocast_enter(type, dtype.rawValue, &previousEnabled, &previousDType), "autocast(\(device), \(dtype))")
    defer { check(ct_autocast_exit(type, previousEnabled, previousDType), "autocast exit") }
    return try body()
}

/// Whether autocast is on for `device` on this thread.
public func isAutocastEnabled(device: Device = .cpu) -> Bool { ct_autocast_is_enabled(device.code.type) }
