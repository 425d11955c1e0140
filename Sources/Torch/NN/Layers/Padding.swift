/// Pads the last dimensions of its input (`nn.ZeroPad2d`, `nn.ReflectionPad1d`...): `padding` is
/// one number for every side or `[left, right, top, bottom, front, back]` as far as the layer
/// reaches, as PyTorch takes it.
public class PaddingLayer: Module {
    /// The amounts, last dimension first, each side.
    public let padding: [Int]
    /// "constant", "reflect", "replicate" or "circular".
    public let mode: String
    /// The fill of constant padding.
    public let value: Double

    init(_ padding: [Int], dims: Int, mode: String, value: Double = 0) {
        self.padding = padding.count == 1 ? [Int](repeating: padding[0], count: 2 * dims) : padding
        (self.mode, self.value) = (mode, value)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.pad(x, padding, mode: mode, value: value) }
}

/// Zero padding of the last dimension (`nn.ZeroPad1d`).
public final class ZeroPad1d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 1, mode: "constant") } }
/// Zero padding of the last two dimensions (`nn.ZeroPad2d`).
public final class ZeroPad2d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 2, mode: "constant") } }
/// Zero padding of the last three dimensions (`nn.ZeroPad3d`).
public final class ZeroPad3d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 3, mode: "constant") } }

/// Padding with `value` of the last dimension (`nn.ConstantPad1d`).
public final class ConstantPad1d: PaddingLayer {
    public init(_ padding: [Int], value: Double) { super.init(padding, dims: 1, mode: "constant", value: value) }
}
/// Padding with `value` of the last two dimensions (`nn.ConstantPad2d`).
public final class ConstantPad2d: PaddingLayer {
    public init(_ padding: [Int], value: Double) { super.init(padding, dims: 2, mode: "constant", value: value) }
}
/// Padding with `value` of the last three dimensions (`nn.ConstantPad3d`).
public final class ConstantPad3d: PaddingLayer {
    public init(_ padding: [Int], value: Double) { super.init(padding, dims: 3, mode: "constant", value: value) }
}

/// Mirror padding of the last dimension (`nn.ReflectionPad1d`).
public final class ReflectionPad1d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 1, mode: "reflect") } }
/// Mirror padding of the last two dimensions (`nn.ReflectionPad2d`).
public final class ReflectionPad2d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 2, mode: "reflect") } }
/// Mirror padding of the last three dimensions (`nn.ReflectionPad3d`).
public final class ReflectionPad3d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 3, mode: "reflect") } }

/// Edge-repeating padding of the last dimension (`nn.ReplicationPad1d`).
public final class ReplicationPad1d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 1, mode: "replicate") } }
/// Edge-repeating padding of the last two dimensions (`nn.ReplicationPad2d`).
public final class ReplicationPad2d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 2, mode: "replicate") } }
/// Edge-repeating padding of the last three dimensions (`nn.ReplicationPad3d`).
public final class ReplicationPad3d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 3, mode: "replicate") } }

/// Wrap-around padding of the last dimension (`nn.CircularPad1d`).
public final class CircularPad1d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 1, mode: "circular") } }
/// Wrap-around padding of the last two dimensions (`nn.CircularPad2d`).
public final class CircularPad2d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 2, mode: "circular") } }
/// Wrap-around padding of the last three dimensions (`nn.CircularPad3d`).
public final class CircularPad3d: PaddingLayer { public init(_ padding: Int...) { super.init(padding, dims: 3, mode: "circular") } }
