/// Weight normalisation as a parametrization (`parametrizations.weight_norm`'s module): the
/// weight is `g · v / ‖v‖`, the norm taken over every dimension but `dim`.
public final class WeightNorm: Parametrization {
    private static let weightNorm = ATenOp("aten::_weight_norm")
    public let dim: Int

    public init(dim: Int = 0) {
        self.dim = dim
        super.init()
    }

    /// The weight from `original0` (g) and `original1` (v).
    public override func parametrize(_ originals: [Tensor]) -> Tensor {
        Self.weightNorm(.tensor(originals[1]), .tensor(originals[0]), .int(dim))
    }

    /// g, the norm of the weight over every dimension but `dim`, and v, the weight.
    public override func rightInverse(_ value: Tensor) -> [Tensor] { [ATen.normExceptDim(value, pow: 2, dim: dim), value] }
}

/// Spectral normalisation as a parametrization (`parametrizations.spectral_norm`'s module): the
/// weight divided by its largest singular value, estimated by power iteration on the buffers
/// `_u` and `_v` (one more iteration each time the weight is read in training).
public final class SpectralNorm: Parametrization {
    public let dim: Int, nPowerIterations: Int, eps: Double

    /// Starts `_u` and `_v` from normal noise and runs 15 iterations on `weight`, as PyTorch does.
    public init(_ weight: Tensor, nPowerIterations: Int = 1, dim: Int = 0, eps: Double = 1e-12) {
        let ndim = weight.dim
        if dim >= ndim || dim < -ndim {
            argumentError("SpectralNorm", "dim must be in [-\(ndim), \(ndim - 1)] for a \(ndim)-D weight, got \(dim)")
        }
        if nPowerIterations <= 0 {
            argumentError("SpectralNorm", "expected nPowerIterations to be positive, got \(nPowerIterations)")
        }
        (self.dim, self.nPowerIterations, self.eps) = (dim < 0 ? dim + ndim : dim, nPowerIterations, eps)
        super.init()
        guard ndim > 1 else { return }
        let matrix = matrix(weight)
        let u = Tensor.empty([matrix.size(0)], dtype: weight.dtype, device: weight.device).normal_()
        let v = Tensor.empty([matrix.size(1)], dtype: weight.dtype, device: weight.device).normal_()
        registerBuffer("_u", F.normalize(u, dim: 0, eps: eps))
        registerBuffer("_v", F.normalize(v, dim: 0, eps: eps))
        powerMethod(matrix, iterations: 15)
    }

    /// The weight as a matrix with `dim` first.
    private func matrix(_ weight: Tensor) -> Tensor {
        let moved = dim == 0 ? weight : weight.permute([dim] + (0..<weight.dim).filter { $0 != dim })
        return moved.flatten(startDim: 1)
    }

    private func powerMethod(_ matrix: Tensor, iterations: Int) {
        guard let u = getBuffer("_u"), let v = getBuffer("_v") else { return }
        withNoGrad {
            for _ in 0..<iterations {
                u.copy_(F.normalize(ATen.mv(matrix, v), dim: 0, eps: eps))
                v.copy_(F.normalize(ATen.mv(matrix.t().conj(), u), dim: 0, eps: eps))
            }
        }
    }

    public override func forward(_ weight: Tensor) -> Tensor {
        guard weight.dim > 1, let u = getBuffer("_u"), let v = getBuffer("_v") else { return F.normalize(weight, dim: 0, eps: eps) }
        let matrix = matrix(weight)
        if isTraining { powerMethod(matrix.detach(), iterations: nPowerIterations) }
        let sigma = ATen.vdot(u.clone(), ATen.mv(matrix, v.clone()))
        return weight / sigma
    }
}

/// Reparametrizes `module`'s parameter `name` as `g · v / ‖v‖` (`nn.utils.parametrizations.weight_norm`):
/// `parametrizations.<name>.original0` is g, `original1` is v. Returns `module`.
@discardableResult
public func weightNorm<M: Module>(_ module: M, name: String = "weight", dim: Int = 0) -> M {
    Parametrize.registerParametrization(module, name, WeightNorm(dim: dim))
}

/// Divides `module`'s parameter `name` by its spectral norm (`nn.utils.parametrizations.spectral_norm`),
/// the GAN discriminator's Lipschitz constraint; `dim` defaults to 1 for transposed
/// convolutions and 0 otherwise. Returns `module`.
@discardableResult
public func spectralNorm<M: Module>(_ module: M, name: String = "weight", nPowerIterations: Int = 1, eps: Double = 1e-12,
                                    dim: Int? = nil) -> M {
    guard let weight = module.parameterState(name)?.tensor else {
        argumentError("spectralNorm", "\(type(of: module)) has no parameter named \"\(name)\"")
        return module
    }
    let dim = dim ?? (module is ConvTransposeNd ? 1 : 0)
    return Parametrize.registerParametrization(module, name, SpectralNorm(weight.detach(), nPowerIterations: nPowerIterations,
                                                                          dim: dim, eps: eps))
}
