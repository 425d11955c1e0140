/// Zeroes elements with probability `p` while training (`nn.Dropout`).
public final class Dropout: Module {
    public var p: Double

    public init(_ p: Double = 0.5) {
        self.p = p
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.dropout(x, p: p, training: isTraining) }
}
