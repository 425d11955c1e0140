/// One entry of a subscript: what Python writes as `2`, `1:5:2`, `...`, `None` or a tensor.
public enum TensorIndex: TensorIndexConvertible, Sendable {
    /// One position; the dimension goes away.
    case index(Int)
    /// A slice `start:end:step`; nil bounds mean the ends of the dimension.
    case range(Int?, Int?, step: Int)
    /// `...`: as many full slices as needed.
    case ellipsis
    /// `None`: a new dimension of size 1.
    case newAxis
    /// An index tensor (int64) or a mask (bool) over as many dimensions as it has.
    case tensor(Tensor)

    /// The full slice `:`.
    public static let all = TensorIndex.range(nil, nil, step: 1)

    public var tensorIndex: TensorIndex { self }
}

/// A value that can stand in a tensor subscript.
public protocol TensorIndexConvertible {
    /// The index it stands for.
    var tensorIndex: TensorIndex { get }
}

extension Int: TensorIndexConvertible {
    public var tensorIndex: TensorIndex { .index(self) }
}

extension Range: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(lowerBound, upperBound, step: 1) }
}

extension ClosedRange: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(lowerBound, upperBound == -1 ? nil : upperBound + 1, step: 1) }
}

extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(lowerBound, nil, step: 1) }
}

extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(nil, upperBound, step: 1) }
}

extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .range(nil, upperBound == -1 ? nil : upperBound + 1, step: 1) }
}

extension Tensor: TensorIndexConvertible {
    public var tensorIndex: TensorIndex { .tensor(self) }
}

extension Tensor {
    /// NumPy-style indexing, as in Python: `x[0]`, `x[1..<3, TensorIndex.ellipsis]`, `x[mask]`.
    /// Integers and ranges give views; index tensors and masks give copies. Assigning writes
    /// into this tensor (broadcasting the value).
    public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
        get {
            let (view, advanced) = basicIndexing(indices.map(\.tensorIndex))
            guard let advanced else { return view }
            return ATen.index(view, indices: advanced)
        }
        set {
            let (view, advanced) = basicIndexing(indices.map(\.tensorIndex))
            if let advanced {
                ATen.indexPut_(view, indices: advanced, values: newValue)
            } else {
                view.copy_(newValue)
            }
        }
    }

    /// Applies integers, slices, `...` and new axes as views; returns the index tensors left
    /// for `aten::index`, placed at the dimensions they index.
    private func basicIndexing(_ indices: [TensorIndex]) -> (Tensor, [Tensor?]?) {
        func span(_ index: TensorIndex) -> Int {
            switch index {
            case .index, .range: return 1
            case .ellipsis, .newAxis: return 0
            case .tensor(let t): return t.dtype == .bool || t.dtype == .uint8 ? t.dim : 1
            }
        }
        let consumed = indices.reduce(0) { $0 + span($1) }
        if consumed > dim {
            argumentError("subscript", "too many indices for a tensor of dimension \(dim) (\(consumed) given)")
        }
        var result = self
        var position = 0
        var advanced: [Tensor?] = []
        var covered = 0
        for index in indices {
            switch index {
            case .index(let i):
                result = result.select(dim: position, index: i)
            case .range(let start, let end, let step):
                result = result.slice(dim: position, start: start, end: end, step: step)
                position += 1
            case .ellipsis:
                position += dim - consumed
            case .newAxis:
                result = result.unsqueeze(position)
                position += 1
            case .tensor(let t):
                while covered < position {
                    advanced.append(nil)
                    covered += 1
                }
                advanced.append(t)
                covered += span(index)
                position += span(index)
            }
        }
        return (result, advanced.isEmpty ? nil : advanced)
    }
}
