/// A batch of sequences of different lengths, packed time step by time step for the recurrent
/// layers (`nn.utils.rnn.PackedSequence`): `data` holds the steps of every sequence still running,
/// `batchSizes` how many run at each step. Make one with `packPaddedSequence` or `packSequence`.
public struct PackedSequence {
    /// The packed steps, (total steps, features).
    public let data: Tensor
    /// The number of sequences at each time step (int64, on the CPU).
    public let batchSizes: Tensor
    /// The order the sequences were packed in (longest first), when they were not given sorted.
    public let sortedIndices: Tensor?
    /// The inverse of `sortedIndices`: where each packed sequence goes back to.
    public let unsortedIndices: Tensor?

    /// A packed sequence from its parts; `unsortedIndices` defaults to the inverse of `sortedIndices`.
    public init(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor? = nil, unsortedIndices: Tensor? = nil) {
        self.data = data
        self.batchSizes = batchSizes
        self.sortedIndices = sortedIndices
        self.unsortedIndices = unsortedIndices ?? sortedIndices?.argsort()
    }

    /// The same sequences with `data` replaced (as the recurrent layers' outputs are).
    func replacing(data: Tensor) -> PackedSequence {
        PackedSequence(data: data, batchSizes: batchSizes, sortedIndices: sortedIndices, unsortedIndices: unsortedIndices)
    }
}

/// The fused packing kernels behind `nn.utils.rnn`.
private enum PackedSequenceOps {
    static let pack = ATenOp("aten::_pack_padded_sequence")
    static let pad = ATenOp("aten::_pad_packed_sequence")
}

/// Packs a padded batch (T, B, *), or (B, T, *) with `batchFirst`, whose sequences have
/// `lengths` (`nn.utils.rnn.pack_padded_sequence`). With `enforceSorted` the lengths must be in
/// decreasing order; otherwise the batch is sorted here and unsorted again by `padPackedSequence`.
public func packPaddedSequence(_ input: Tensor, lengths: [Int], batchFirst: Bool = false,
                               enforceSorted: Bool = true) -> PackedSequence {
    var lengthsTensor = Tensor(lengths.map(Int64.init))
    var input = input
    var sortedIndices: Tensor?
    if !enforceSorted {
        let sorted = lengthsTensor.sort(descending: true)
        lengthsTensor = sorted.values
        sortedIndices = sorted.indices.to(device: input.device)
        input = input.indexSelect(dim: batchFirst ? 0 : 1, index: sortedIndices!)
    }
    let r = PackedSequenceOps.pack.tuple(.tensor(input), .tensor(lengthsTensor), .bool(batchFirst))
    return PackedSequence(data: r[0], batchSizes: r[1], sortedIndices: sortedIndices)
}

/// Pads a packed batch back to (T, B, *), or (B, T, *) with `batchFirst`, in the order the
/// sequences were given, with their lengths (`nn.utils.rnn.pad_packed_sequence`). `totalLength`
/// pads to that many steps (at least the longest sequence's).
public func padPackedSequence(_ sequence: PackedSequence, batchFirst: Bool = false, paddingValue: Double = 0,
                              totalLength: Int? = nil) -> (output: Tensor, lengths: Tensor) {
    var maxLength = sequence.batchSizes.size(0)
    if let totalLength {
        if totalLength < maxLength {
            argumentError("padPackedSequence", "expected totalLength to be at least the length of the longest sequence (\(maxLength)), got \(totalLength)")
        }
        maxLength = max(totalLength, maxLength)
    }
    let r = PackedSequenceOps.pad.tuple(.tensor(sequence.data), .tensor(sequence.batchSizes), .bool(batchFirst),
                                        .double(paddingValue), .int(maxLength))
    guard let unsorted = sequence.unsortedIndices else { return (r[0], r[1]) }
    return (r[0].indexSelect(dim: batchFirst ? 0 : 1, index: unsorted), r[1].indexSelect(dim: 0, index: unsorted.to(device: .cpu)))
}

/// Stacks sequences of different lengths (L, *) into one padded tensor (T, B, *), or (B, T, *)
/// with `batchFirst` (`nn.utils.rnn.pad_sequence`); `paddingSide` is "right" or "left".
public func padSequence(_ sequences: [Tensor], batchFirst: Bool = false, paddingValue: Double = 0,
                        paddingSide: String = "right") -> Tensor {
    ATen.padSequence(sequences: sequences, batchFirst: batchFirst, paddingValue: paddingValue, paddingSide: paddingSide)
}

/// Packs sequences of different lengths (L, *) (`nn.utils.rnn.pack_sequence`).
public func packSequence(_ sequences: [Tensor], enforceSorted: Bool = true) -> PackedSequence {
    packPaddedSequence(padSequence(sequences), lengths: sequences.map { $0.size(0) }, enforceSorted: enforceSorted)
}
