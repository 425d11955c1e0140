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

    public override func forward(_ x: Tensor) -> Tensor { F.linear(x, weight: weight, bias: bias) }
}
