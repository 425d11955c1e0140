/// `y = x Wᵀ + b` (`nn.Linear`), initialised as PyTorch does.
public final class Linear: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let inFeatures: Int
    public let outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let weight = Tensor.empty([outFeatures, inFeatures], dtype: dtype)
        Init.kaimingUniform_(weight, a: (5.0).squareRoot())
        self.weight = weight
        self.bias = bias ? Linear.fanInUniform(Tensor.empty([outFeatures], dtype: dtype), fanIn: inFeatures) : nil
        super.init()
    }

    /// U(-1/√fan_in, 1/√fan_in): PyTorch's default bias initialisation.
    static func fanInUniform(_ t: Tensor, fanIn: Int) -> Tensor {
        let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
        return Init.uniform_(t, a: -bound, b: bound)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        tensorParallel?.linear(x, weight: weight, bias: bias) ?? F.linear(x, weight: weight, bias: bias)
    }
}

/// `y = x₁ᵀ A x₂ + b` (`nn.Bilinear`), initialised from U(-1/√in1, 1/√in1) as PyTorch does.
public final class Bilinear: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    public let in1Features: Int, in2Features: Int, outFeatures: Int

    public init(_ in1Features: Int, _ in2Features: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32) {
        (self.in1Features, self.in2Features, self.outFeatures) = (in1Features, in2Features, outFeatures)
        let bound = 1 / Double(in1Features).squareRoot()
        weight = Init.uniform_(Tensor.empty([outFeatures, in1Features, in2Features], dtype: dtype), a: -bound, b: bound)
        self.bias = bias ? Init.uniform_(Tensor.empty([outFeatures], dtype: dtype), a: -bound, b: bound) : nil
        super.init()
    }

    /// The bilinear form of the two inputs.
    public func forward(_ x1: Tensor, _ x2: Tensor) -> Tensor { ATen.bilinear(x1, x2, weight, bias: bias) }

    /// Calls `forward(_:_:)`.
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) -> Tensor { forward(x1, x2) }
}
