/// Recomputes the batch-norm statistics of `model` over `inputs` (`torch.optim.swa_utils.update_bn`):
/// after weight averaging the running means and variances no longer match the weights. Each
/// batch norm's statistics are reset and averaged cumulatively over one pass; the model's
/// training mode and the layers' momenta are put back after.
public func updateBN<Inputs: Sequence>(_ inputs: Inputs, _ model: Module, device: Device? = nil) where Inputs.Element == Tensor {
    let norms = model.modules().compactMap { $0 as? BatchNorm }
    guard !norms.isEmpty else { return }
    let momenta = norms.map(\.momentum)
    for norm in norms {
        norm.resetRunningStats()
        norm.momentum = nil
    }
    let wasTraining = model.isTraining
    _ = model.train()
    withNoGrad {
        for input in inputs { _ = model(device.map { input.to(device: $0) } ?? input) }
    }
    for (norm, momentum) in zip(norms, momenta) { norm.momentum = momentum }
    _ = model.train(wasTraining)
}
