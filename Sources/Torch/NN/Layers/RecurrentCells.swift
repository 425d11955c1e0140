/// What the single-step recurrent cells share (`nn.RNNCellBase`): `weight_ih`, `weight_hh` and
/// optional biases for `numChunks` gates, initialised from U(-1/√hiddenSize, 1/√hiddenSize).
open class RNNCellBase: Module {
    @Parameter public var weightIh: Tensor
    @Parameter public var weightHh: Tensor
    @Parameter public var biasIh: Tensor?
    @Parameter public var biasHh: Tensor?
    public let inputSize: Int, hiddenSize: Int, bias: Bool

    public init(inputSize: Int, hiddenSize: Int, bias: Bool, numChunks: Int, dtype: DType = .float32) {
        (self.inputSize, self.hiddenSize, self.bias) = (inputSize, hiddenSize, bias)
        let bound = 1 / Double(hiddenSize).squareRoot()
        func uniform(_ shape: [Int]) -> Tensor { Init.uniform_(Tensor.empty(shape, dtype: dtype), a: -bound, b: bound) }
        weightIh = uniform([numChunks * hiddenSize, inputSize])
        weightHh = uniform([numChunks * hiddenSize, hiddenSize])
        biasIh = bias ? uniform([numChunks * hiddenSize]) : nil
        biasHh = bias ? uniform([numChunks * hiddenSize]) : nil
        super.init()
    }

    /// The input as a batch (a 1-D input is one sample) and the states as a batch, zeros when
    /// not given; `batched` says whether to squeeze the result again.
    func prepare(_ input: Tensor, _ states: [Tensor]?, count: Int) -> (x: Tensor, states: [Tensor], batched: Bool) {
        let name = String(describing: type(of: self))
        if input.dim != 1 && input.dim != 2 {
            argumentError(name, "expected input to be 1-D or 2-D, got \(input.dim)-D with shape \(input.shape)")
        }
        let batched = input.dim == 2
        let x = batched ? input : input.unsqueeze(0)
        guard let states else {
            let zeros = Tensor.zeros([x.size(0), hiddenSize], dtype: x.dtype, device: x.device)
            return (x, Array(repeating: zeros, count: count), batched)
        }
        for h in states where h.dim != input.dim {
            argumentError(name, "expected the hidden state to be \(input.dim)-D like the input, got \(h.dim)-D")
        }
        return (x, batched ? states : states.map { $0.unsqueeze(0) }, batched)
    }
}

/// One step of an Elman RNN with tanh or ReLU (`nn.RNNCell`).
public final class RNNCell: RNNCellBase {
    public let nonlinearity: RNN.Nonlinearity

    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, nonlinearity: RNN.Nonlinearity = .tanh,
                dtype: DType = .float32) {
        self.nonlinearity = nonlinearity
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, numChunks: 1, dtype: dtype)
    }

    /// The next hidden state from zeros.
    public override func forward(_ x: Tensor) -> Tensor { forward(x, nil) }

    /// The next hidden state from `hx`.
    public func forward(_ input: Tensor, _ hx: Tensor?) -> Tensor {
        let (x, states, batched) = prepare(input, hx.map { [$0] }, count: 1)
        let h = nonlinearity == .tanh
            ? ATen.rnnTanhCell(x, states[0], weightIh, weightHh, bIh: biasIh, bHh: biasHh)
            : ATen.rnnReluCell(x, states[0], weightIh, weightHh, bIh: biasIh, bHh: biasHh)
        return batched ? h : h.squeeze(dim: 0)
    }

    /// Calls `forward(_:_:)`.
    public func callAsFunction(_ input: Tensor, _ hx: Tensor?) -> Tensor { forward(input, hx) }
}

/// One step of a long short-term memory (`nn.LSTMCell`).
public final class LSTMCell: RNNCellBase {
    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, dtype: DType = .float32) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, numChunks: 4, dtype: dtype)
    }

    /// The next hidden state from zeros.
    public override func forward(_ x: Tensor) -> Tensor { forward(x, nil).h }

    /// The next hidden and cell states from `hx`.
    public func forward(_ input: Tensor, _ hx: (h: Tensor, c: Tensor)?) -> (h: Tensor, c: Tensor) {
        let (x, states, batched) = prepare(input, hx.map { [$0.h, $0.c] }, count: 2)
        let (h, c) = ATen.lstmCell(x, hx: states, wIh: weightIh, wHh: weightHh, bIh: biasIh, bHh: biasHh)
        return batched ? (h, c) : (h.squeeze(dim: 0), c.squeeze(dim: 0))
    }

    /// Calls `forward(_:_:)`.
    public func callAsFunction(_ input: Tensor, _ hx: (h: Tensor, c: Tensor)?) -> (h: Tensor, c: Tensor) {
        forward(input, hx)
    }
}

/// One step of a gated recurrent unit (`nn.GRUCell`).
public final class GRUCell: RNNCellBase {
    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, dtype: DType = .float32) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, numChunks: 3, dtype: dtype)
    }

    /// The next hidden state from zeros.
    public override func forward(_ x: Tensor) -> Tensor { forward(x, nil) }

    /// The next hidden state from `hx`.
    public func forward(_ input: Tensor, _ hx: Tensor?) -> Tensor {
        let (x, states, batched) = prepare(input, hx.map { [$0] }, count: 1)
        let h = ATen.gruCell(x, states[0], weightIh, weightHh, bIh: biasIh, bHh: biasHh)
        return batched ? h : h.squeeze(dim: 0)
    }

    /// Calls `forward(_:_:)`.
    public func callAsFunction(_ input: Tensor, _ hx: Tensor?) -> Tensor { forward(input, hx) }
}
