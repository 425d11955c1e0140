/// ATen foreach kernels used to clip gradients in a handful of calls.
enum ClipGradOps {
    static let foreachNorm = ATenOp("aten::_foreach_norm", "Scalar")
    static let foreachMul = ATenOp("aten::_foreach_mul_", "Tensor")
    static let foreachClampMin = ATenOp("aten::_foreach_clamp_min_", "Scalar")
    static let foreachClampMax = ATenOp("aten::_foreach_clamp_max_", "Scalar")
}

/// Scales the gradients of `parameters` so that their joint `normType`-norm is at most
/// `maxNorm` (`torch.nn.utils.clip_grad_norm_`); returns the norm before clipping. A NaN or
/// infinite norm makes the gradients NaN, as in PyTorch, or is an error with `errorIfNonfinite`.
@discardableResult
public func clipGradNorm_(_ parameters: [Tensor], maxNorm: Double, normType: Double = 2,
                          errorIfNonfinite: Bool = false) -> Tensor {
    let grads = parameters.compactMap(\.grad)
    guard !grads.isEmpty else { return Tensor(Float(0)) }
    return withNoGrad {
        let norms = ClipGradOps.foreachNorm.list(.tensors(grads), .double(normType), .none)
        let total = Tensor.stack(norms).norm(normType)
        if errorIfNonfinite, !total.isfinite().item(as: Bool.self) {
            argumentError("clipGradNorm_", "The total norm of order \(normType) for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`")
            return total
        }
        clipGradsWithNorm_(parameters, maxNorm: maxNorm, totalNorm: total)
        return total
    }
}

/// `clipGradNorm_` (2-norm) over parameters some of which tensor parallelism split over `group`
/// (`isShard`): the norm is that of the whole model, each shard counted once and each
/// replicated parameter once, so every rank of the group scales by the same factor. Every rank
/// of the group calls it.
@discardableResult
public func clipGradNorm_(_ parameters: [Tensor], maxNorm: Double, shardedOver group: ProcessGroup,
                          isShard: (Tensor) -> Bool) throws -> Tensor {
    let params = parameters.filter { $0.grad != nil }
    return try withNoGrad {
        func squares(_ tensors: [Tensor]) -> Tensor {
            let grads = tensors.compactMap(\.grad)
            guard !grads.isEmpty else { return Tensor(0.0) }
            return Tensor.stack(ClipGradOps.foreachNorm.list(.tensors(grads), .double(2), .none)).to(dtype: .float64).square().sum()
        }
        let sum = squares(params.filter(isShard)) + squares(params.filter { !isShard($0) }) / Double(group.size)
        try group.allReduce(sum)
        let total = sum.sqrt()
        clipGradsWithNorm_(params, maxNorm: maxNorm, totalNorm: total)
        return total
    }
}

/// Scales the gradients of `parameters` by `maxNorm / (totalNorm + 1e-6)` when that is below one
/// (`torch.nn.utils.clip_grads_with_norm_`): `clipGradNorm_` after its norm, for a norm that
/// sharded training combined across ranks.
public func clipGradsWithNorm_(_ parameters: [Tensor], maxNorm: Double, totalNorm: Tensor) {
    let grads = parameters.compactMap(\.grad)
    guard !grads.isEmpty else { return }
    withNoGrad {
        let coefficient = (maxNorm / (totalNorm + 1e-6)).clamp(max: 1.0)
        ClipGradOps.foreachMul(.tensors(grads), .tensor(coefficient.to(dtype: grads[0].dtype)))
    }
}

/// Clamps every gradient element of `parameters` to [-clipValue, clipValue]
/// (`torch.nn.utils.clip_grad_value_`).
public func clipGradValue_(_ parameters: [Tensor], clipValue: Double) {
    let grads = parameters.compactMap(\.grad)
    guard !grads.isEmpty else { return }
    withNoGrad {
        ClipGradOps.foreachClampMin(.tensors(grads), .double(-clipValue))
        ClipGradOps.foreachClampMax(.tensors(grads), .double(clipValue))
    }
}
