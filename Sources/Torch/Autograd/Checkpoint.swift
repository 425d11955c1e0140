import CTorch

/// The function a checkpoint runs, boxed for the C border.
private final class CheckpointBody {
    let body: (Tensor) -> Tensor
    init(_ body: @escaping (Tensor) -> Tensor) { self.body = body }
}

/// `body(input)` without keeping its activations for backward (`torch.utils.checkpoint`):
/// backward runs `body` again with gradients on and back-propagates through it, trading a second
/// forward for the memory of everything `body` would have saved. Parameters `body` uses get their
/// gradients as usual. `body` must compute the same thing both times (dropout draws differ).
public func checkpoint(_ input: Tensor, _ body: @escaping (Tensor) -> Tensor) -> Tensor {
    let context = Unmanaged.passRetained(CheckpointBody(body)).toOpaque()
    let call: ct_checkpoint_fn = { context, handle in
        let box = Unmanaged<CheckpointBody>.fromOpaque(context!).takeUnretainedValue()
        let output = box.body(Tensor(owning: handle!))
        return ct_tensor_share(output.handle)
    }
    let release: ct_checkpoint_release = { context in Unmanaged<CheckpointBody>.fromOpaque(context!).release() }
    guard let handle = ct_checkpoint(input.handle, call, release, context) else { torchFailure("checkpoint") }
    return Tensor(owning: handle)
}
