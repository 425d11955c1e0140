/// What the recurrent layers share (`nn.RNNBase`): the flat weights, registered per layer and
/// direction with PyTorch's names (`weight_ih_l0`, `bias_hh_l1_reverse`, `weight_hr_l0` with a
/// projection), and the fused libtorch operators (`aten::lstm`, `aten::gru`, `aten::rnn_tanh`,
/// `aten::rnn_relu`) that run every layer at once, so cuDNN serves them on GPUs.
open class RNNBase: Module {
    /// The recurrence a layer computes.
    public enum Mode: String, Sendable {
        /// Elman RNN with tanh.
        case rnnTanh = "RNN_TANH"
        /// Elman RNN with ReLU.
        case rnnRelu = "RNN_RELU"
        /// Long short-term memory.
        case lstm = "LSTM"
        /// Gated recurrent unit.
        case gru = "GRU"
    }

    public let mode: Mode
    public let inputSize: Int, hiddenSize: Int, numLayers: Int, projSize: Int
    public let bias: Bool, batchFirst: Bool, bidirectional: Bool
    /// Dropout on the outputs of each layer but the last, in training.
    public let dropout: Double
    /// The parameter names in the fused operator's order.
    public let flatWeightNames: [String]

    /// A recurrent layer of `mode`, initialised as PyTorch does (every weight and bias from
    /// U(-1/√hiddenSize, 1/√hiddenSize), in registration order).
    public init(mode: Mode, inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0,
                dtype: DType = .float32) {
        let name = mode == .lstm ? "LSTM" : mode == .gru ? "GRU" : "RNN"
        if hiddenSize <= 0 || numLayers <= 0 {
            argumentError(name, "hiddenSize and numLayers must be positive, got \(hiddenSize) and \(numLayers)")
        }
        if !(0...1).contains(dropout) {
            argumentError(name, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got \(dropout)")
        }
        if projSize < 0 || (projSize > 0 && (mode != .lstm || projSize >= hiddenSize)) {
            argumentError(name, mode != .lstm ? "projSize is supported by LSTM only"
                                              : "projSize has to be non-negative and smaller than hiddenSize, got \(projSize)")
        }
        (self.mode, self.inputSize, self.hiddenSize, self.numLayers, self.projSize) = (mode, inputSize, hiddenSize, numLayers, projSize)
        (self.bias, self.batchFirst, self.bidirectional, self.dropout) = (bias, batchFirst, bidirectional, dropout)
        let gateSize = hiddenSize * (mode == .lstm ? 4 : mode == .gru ? 3 : 1)
        let realHidden = projSize > 0 ? projSize : hiddenSize
        let directions = bidirectional ? 2 : 1
        var names: [String] = []
        var shapes: [[Int]] = []
        for layer in 0..<numLayers {
            for direction in 0..<directions {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                let layerInput = layer == 0 ? inputSize : realHidden * directions
                names += ["weight_ih", "weight_hh"].map { $0 + suffix }
                shapes += [[gateSize, layerInput], [gateSize, realHidden]]
                if bias {
                    names += ["bias_ih", "bias_hh"].map { $0 + suffix }
                    shapes += [[gateSize], [gateSize]]
                }
                if projSize > 0 {
                    names.append("weight_hr" + suffix)
                    shapes.append([projSize, hiddenSize])
                }
            }
        }
        flatWeightNames = names
        super.init()
        let bound = 1 / Double(hiddenSize).squareRoot()
        for (name, shape) in zip(names, shapes) {
            registerParameter(name, Init.uniform_(Tensor.empty(shape, dtype: dtype), a: -bound, b: bound))
        }
    }

    /// The weights in the fused operator's order.
    public var flatWeights: [Tensor] { registeredParameters(flatWeightNames) }

    /// The class name in messages.
    private var layerName: String { String(describing: type(of: self)) }

    /// Runs the fused operator over a padded batch (3-D, or 2-D for one unbatched sequence) or
    /// over packed data with its batch sizes; `hx` holds the initial states (h, and c for an
    /// LSTM) or is nil for zeros. Returns the output and the final states.
    func run(_ input: Tensor, batchSizes: Tensor?, hx: [Tensor]?, sortedIndices: Tensor?, unsortedIndices: Tensor?)
        -> (Tensor, [Tensor])
    {
        let packed = batchSizes != nil
        let batched = packed || input.dim == 3
        if !packed && input.dim != 2 && input.dim != 3 {
            argumentError(layerName, "expected a 2-D (unbatched) or 3-D (batched) input, got \(input.dim)-D with shape \(input.shape)")
        }
        if input.dim > 0 && input.size(-1) != inputSize {
            argumentError(layerName, "input.size(-1) must be equal to inputSize. Expected \(inputSize), got \(input.size(-1))")
        }
        let batchDim = batchFirst ? 0 : 1
        let x = batched ? input : input.unsqueeze(batchDim)
        let batch = packed ? Int(batchSizes![0].item()) : x.size(batchDim)
        let directions = bidirectional ? 2 : 1
        let realHidden = projSize > 0 ? projSize : hiddenSize
        var states: [Tensor]
        if let hx {
            let expectedDim = batched ? 3 : 2
            for h in hx where h.dim != expectedDim {
                argumentError(layerName, "for \(batched ? "batched 3-D" : "unbatched 2-D") input, the initial states should be \(expectedDim)-D, got \(h.dim)-D")
            }
            states = batched ? hx : hx.map { $0.unsqueeze(1) }
            if let sortedIndices { states = states.map { $0.indexSelect(dim: 1, index: sortedIndices) } }
        } else {
            states = [Tensor.zeros([numLayers * directions, batch, realHidden], dtype: x.dtype, device: x.device)]
            if mode == .lstm {
                states.append(Tensor.zeros([numLayers * directions, batch, hiddenSize], dtype: x.dtype, device: x.device))
            }
        }
        let (output, final) = fused(x, batchSizes: batchSizes, states: states)
        var finalStates = final
        if let unsortedIndices { finalStates = finalStates.map { $0.indexSelect(dim: 1, index: unsortedIndices) } }
        if !batched { return (output.squeeze(dim: batchDim), finalStates.map { $0.squeeze(dim: 1) }) }
        return (output, finalStates)
    }

    private func fused(_ x: Tensor, batchSizes: Tensor?, states: [Tensor]) -> (Tensor, [Tensor]) {
        let params = flatWeights
        switch (mode, batchSizes) {
        case (.lstm, nil):
            let r = ATen.lstm(x, hx: states, params: params, hasBiases: bias, numLayers: numLayers, dropout: dropout,
                              train: isTraining, bidirectional: bidirectional, batchFirst: batchFirst)
            return (r.0, [r.1, r.2])
        case (.lstm, let sizes?):
            let r = ATen.lstm(x, sizes, hx: states, params: params, hasBiases: bias, numLayers: numLayers,
                              dropout: dropout, train: isTraining, bidirectional: bidirectional)
            return (r.0, [r.1, r.2])
        case (.gru, nil):
            let r = ATen.gru(x, states[0], params: params, hasBiases: bias, numLayers: numLayers, dropout: dropout,
                             train: isTraining, bidirectional: bidirectional, batchFirst: batchFirst)
            return (r.0, [r.1])
        case (.gru, let sizes?):
            let r = ATen.gru(x, sizes, states[0], params: params, hasBiases: bias, numLayers: numLayers,
                             dropout: dropout, train: isTraining, bidirectional: bidirectional)
            return (r.0, [r.1])
        case (.rnnTanh, nil):
            let r = ATen.rnnTanh(x, states[0], params: params, hasBiases: bias, numLayers: numLayers, dropout: dropout,
                                 train: isTraining, bidirectional: bidirectional, batchFirst: batchFirst)
            return (r.0, [r.1])
        case (.rnnTanh, let sizes?):
            let r = ATen.rnnTanh(x, sizes, states[0], params: params, hasBiases: bias, numLayers: numLayers,
                                 dropout: dropout, train: isTraining, bidirectional: bidirectional)
            return (r.0, [r.1])
        case (.rnnRelu, nil):
            let r = ATen.rnnRelu(x, states[0], params: params, hasBiases: bias, numLayers: numLayers, dropout: dropout,
                                 train: isTraining, bidirectional: bidirectional, batchFirst: batchFirst)
            return (r.0, [r.1])
        case (.rnnRelu, let sizes?):
            let r = ATen.rnnRelu(x, sizes, states[0], params: params, hasBiases: bias, numLayers: numLayers,
                                 dropout: dropout, train: isTraining, bidirectional: bidirectional)
            return (r.0, [r.1])
        }
    }

    /// Runs a packed batch; the states are in the order the sequences were given.
    func run(_ input: PackedSequence, hx: [Tensor]?) -> (PackedSequence, [Tensor]) {
        let (output, states) = run(input.data, batchSizes: input.batchSizes, hx: hx,
                                   sortedIndices: input.sortedIndices, unsortedIndices: input.unsortedIndices)
        return (input.replacing(data: output), states)
    }

    /// The output sequence alone, so a recurrent layer can sit where a Tensor → Tensor module is
    /// expected; call `forward(_:_:)` for the final states.
    public override func forward(_ x: Tensor) -> Tensor {
        run(x, batchSizes: nil, hx: nil, sortedIndices: nil, unsortedIndices: nil).0
    }
}

/// A multi-layer Elman RNN with tanh or ReLU (`nn.RNN`).
public final class RNN: RNNBase, SingleStateRNN {
    /// The nonlinearity of an Elman RNN.
    public enum Nonlinearity: String, Sendable {
        case tanh, relu
    }

    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
                bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
                dtype: DType = .float32) {
        super.init(mode: nonlinearity == .tanh ? .rnnTanh : .rnnRelu, inputSize: inputSize, hiddenSize: hiddenSize,
                   numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                   bidirectional: bidirectional, dtype: dtype)
    }
}

/// A multi-layer long short-term memory (`nn.LSTM`), with an optional projection of the hidden
/// state (`projSize`).
public final class LSTM: RNNBase {
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0, dtype: DType = .float32) {
        super.init(mode: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: projSize,
                   dtype: dtype)
    }

    /// The output sequence and the final hidden and cell states.
    public func forward(_ input: Tensor, _ hx: (h: Tensor, c: Tensor)?) -> (output: Tensor, state: (h: Tensor, c: Tensor)) {
        let r = run(input, batchSizes: nil, hx: hx.map { [$0.h, $0.c] }, sortedIndices: nil, unsortedIndices: nil)
        return (r.0, (r.1[0], r.1[1]))
    }

    /// The packed output and the final hidden and cell states.
    public func forward(_ input: PackedSequence, _ hx: (h: Tensor, c: Tensor)? = nil)
        -> (output: PackedSequence, state: (h: Tensor, c: Tensor))
    {
        let r = run(input, hx: hx.map { [$0.h, $0.c] })
        return (r.0, (r.1[0], r.1[1]))
    }

    /// Calls `forward(_:_:)`.
    public func callAsFunction(_ input: Tensor, _ hx: (h: Tensor, c: Tensor)?) -> (output: Tensor, state: (h: Tensor, c: Tensor)) {
        forward(input, hx)
    }

    /// Calls `forward(_:_:)` on a packed batch.
    public func callAsFunction(_ input: PackedSequence, _ hx: (h: Tensor, c: Tensor)? = nil)
        -> (output: PackedSequence, state: (h: Tensor, c: Tensor))
    {
        forward(input, hx)
    }
}

/// A multi-layer gated recurrent unit (`nn.GRU`).
public final class GRU: RNNBase, SingleStateRNN {
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .float32) {
        super.init(mode: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, dtype: dtype)
    }
}

/// A recurrent layer whose state is one hidden tensor (`RNN`, `GRU`; an LSTM has a cell state too).
public protocol SingleStateRNN: RNNBase {}

extension SingleStateRNN {
    /// The output sequence and the final hidden state (layers × directions, batch, hidden).
    public func forward(_ input: Tensor, _ hx: Tensor?) -> (output: Tensor, h: Tensor) {
        let r = run(input, batchSizes: nil, hx: hx.map { [$0] }, sortedIndices: nil, unsortedIndices: nil)
        return (r.0, r.1[0])
    }

    /// The packed output and the final hidden state.
    public func forward(_ input: PackedSequence, _ hx: Tensor? = nil) -> (output: PackedSequence, h: Tensor) {
        let r = run(input, hx: hx.map { [$0] })
        return (r.0, r.1[0])
    }

    /// Calls `forward(_:_:)`.
    public func callAsFunction(_ input: Tensor, _ hx: Tensor?) -> (output: Tensor, h: Tensor) { forward(input, hx) }

    /// Calls `forward(_:_:)` on a packed batch.
    public func callAsFunction(_ input: PackedSequence, _ hx: Tensor? = nil) -> (output: PackedSequence, h: Tensor) {
        forward(input, hx)
    }
}
