import Torch

/// Weights and inputs in one floating-point type ("16-true", "bf16-true", "64-true";
/// Lightning's `HalfPrecision` and `DoublePrecision`): the module is converted before the run
/// and the floating tensors of each batch (a tensor, a tuple of two or three, or an array) as
/// they arrive.
public final class TruePrecision: PrecisionPlugin {
    /// The floating-point type of weights and inputs.
    public let dtype: DType

    public init(dtype: DType) throws {
        guard dtype.isFloatingPoint else { throw TrainerError.misconfiguration("TruePrecision: dtype must be floating point, got \(dtype)") }
        self.dtype = dtype
    }

    public func convertModule(_ module: Module) { module.to(dtype: dtype) }

    public func convertInput<B>(_ batch: B) -> B {
        func convert(_ t: Tensor) -> Tensor { t.dtype.isFloatingPoint && t.dtype != dtype ? t.to(dtype: dtype) : t }
        switch batch {
        case let t as Tensor: return convert(t) as! B
        case let (a, b) as (Tensor, Tensor): return (convert(a), convert(b)) as! B
        case let (a, b, c) as (Tensor, Tensor, Tensor): return (convert(a), convert(b), convert(c)) as! B
        case let list as [Tensor]: return list.map(convert) as! B
        default: return batch
        }
    }
}
