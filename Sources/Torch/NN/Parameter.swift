/// A tensor property a `Module` may hold: `Tensor` or `Tensor?`.
public protocol TensorSlot {
    /// The tensor held, if any.
    var slotTensor: Tensor? { get }
    /// A slot holding `tensor`.
    static func holding(_ tensor: Tensor) -> Self
}

extension Tensor: TensorSlot {
    public var slotTensor: Tensor? { self }
    public static func holding(_ tensor: Tensor) -> Tensor { tensor }
}

extension Optional: TensorSlot where Wrapped == Tensor {
    public var slotTensor: Tensor? { self }
    public static func holding(_ tensor: Tensor) -> Tensor? { tensor }
}

/// What `Module` discovers by reflection: a learnable parameter or a buffer.
protocol ModuleState: AnyObject {
    var tensor: Tensor? { get }
    var isBuffer: Bool { get }
    var isPersistent: Bool { get }
    /// Runs before each read of the property (fully sharded training gathers the parameter there).
    var accessHook: (() -> Void)? { get set }
    /// Computes the property on every read instead of the stored tensor, which is then no longer
    /// discovered (a registered parametrization: its originals are found in its place).
    var parametrization: (() -> Tensor)? { get set }
}

/// Marks a module property as a learnable parameter (`nn.Parameter`): it is found by
/// `parameters()`, saved in the state dict, and requires gradients.
@propertyWrapper
public final class Parameter<Value: TensorSlot>: ModuleState {
    private var value: Value
    var accessHook: (() -> Void)?
    var parametrization: (() -> Tensor)?

    public var wrappedValue: Value {
        get {
            if let parametrization { return Value.holding(parametrization()) }
            accessHook?()
            return value
        }
        set {
            value = newValue
            value.slotTensor?.requiresGrad = true
        }
    }

    public init(wrappedValue: Value) {
        value = wrappedValue
        wrappedValue.slotTensor?.requiresGrad = true
    }

    var tensor: Tensor? { value.slotTensor }
    var isBuffer: Bool { false }
    var isPersistent: Bool { true }
}

/// Marks a module property as a buffer (`register_buffer`): state that is saved and moved
/// with the module but not trained, such as BatchNorm's running statistics.
@propertyWrapper
public final class Buffer<Value: TensorSlot>: ModuleState {
    public var wrappedValue: Value
    /// Whether the buffer is part of the state dict.
    public let persistent: Bool

    public init(wrappedValue: Value, persistent: Bool = true) {
        self.wrappedValue = wrappedValue
        self.persistent = persistent
    }

    var tensor: Tensor? { wrappedValue.slotTensor }
    var accessHook: (() -> Void)? {
        get { nil }
        set {}
    }
    var parametrization: (() -> Tensor)? {
        get { nil }
        set {}
    }
    var isBuffer: Bool { true }
    var isPersistent: Bool { persistent }
}
