/// ATen operators that change shape or combine tensors.
enum ShapeOps {
    static let reshape = ATenOp("aten::reshape")
    static let view = ATenOp("aten::view")
    static let flatten = ATenOp("aten::flatten", "using_ints")
    static let permute = ATenOp("aten::permute")
    static let transpose = ATenOp("aten::transpose", "int")
    static let t = ATenOp("aten::t")
    static let squeeze = ATenOp("aten::squeeze")
    static let squeezeDims = ATenOp("aten::squeeze", "dims")
    static let unsqueeze = ATenOp("aten::unsqueeze")
    static let expand = ATenOp("aten::expand")
    static let `repeat` = ATenOp("aten::repeat")
    static let contiguous = ATenOp("aten::contiguous")
    static let cat = ATenOp("aten::cat")
    static let stack = ATenOp("aten::stack")
    static let split = ATenOp("aten::split", "Tensor")
    static let splitWithSizes = ATenOp("aten::split_with_sizes")
    static let chunk = ATenOp("aten::chunk")
    static let narrow = ATenOp("aten::narrow")
    static let select = ATenOp("aten::select", "int")
    static let slice = ATenOp("aten::slice", "Tensor")
    static let flip = ATenOp("aten::flip")
}

extension Tensor {
    /// The same elements in a new shape (a view when possible); one dimension may be -1.
    public func reshape(_ shape: [Int]) -> Tensor { ShapeOps.reshape(.tensor(self), .ints(shape)) }
    /// A view with a new shape over the same storage; fails when the strides do not allow it.
    public func view(_ shape: [Int]) -> Tensor { ShapeOps.view(.tensor(self), .ints(shape)) }
    /// Merges dimensions `startDim...endDim` into one.
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        ShapeOps.flatten(.tensor(self), .int(startDim), .int(endDim))
    }
    /// Reorders the dimensions.
    public func permute(_ dims: [Int]) -> Tensor { ShapeOps.permute(.tensor(self), .ints(dims)) }
    /// Swaps two dimensions.
    public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
        ShapeOps.transpose(.tensor(self), .int(dim0), .int(dim1))
    }
    /// The transpose of a matrix (tensors of at most 2 dimensions).
    public func t() -> Tensor { ShapeOps.t(.tensor(self)) }
    /// Removes every dimension of size 1.
    public func squeeze() -> Tensor { ShapeOps.squeeze(.tensor(self)) }
    /// Removes the given dimensions where their size is 1.
    public func squeeze(dim: Int...) -> Tensor { ShapeOps.squeezeDims(.tensor(self), .ints(dim)) }
    /// Inserts a dimension of size 1 at `dim`.
    public func unsqueeze(_ dim: Int) -> Tensor { ShapeOps.unsqueeze(.tensor(self), .int(dim)) }
    /// A broadcast view to `shape` (-1 keeps a dimension).
    public func expand(_ shape: [Int]) -> Tensor { ShapeOps.expand(.tensor(self), .ints(shape), .bool(false)) }
    /// A broadcast view to `other`'s shape.
    public func expand(as other: Tensor) -> Tensor { expand(other.shape) }
    /// Tiles the tensor `repeats[i]` times along each dimension.
    public func `repeat`(_ repeats: [Int]) -> Tensor { ShapeOps.repeat(.tensor(self), .ints(repeats)) }
    /// The tensor laid out densely in row-major order (itself when it already is).
    public func contiguous() -> Tensor { ShapeOps.contiguous(.tensor(self)) }
    /// Splits into pieces of `size` along `dim` (the last may be smaller).
    public func split(_ size: Int, dim: Int = 0) -> [Tensor] {
        ShapeOps.split.list(.tensor(self), .int(size), .int(dim))
    }
    /// Splits into pieces of the given sizes along `dim`.
    public func split(sizes: [Int], dim: Int = 0) -> [Tensor] {
        ShapeOps.splitWithSizes.list(.tensor(self), .ints(sizes), .int(dim))
    }
    /// Splits into `chunks` nearly equal pieces along `dim`.
    public func chunk(_ chunks: Int, dim: Int = 0) -> [Tensor] {
        ShapeOps.chunk.list(.tensor(self), .int(chunks), .int(dim))
    }
    /// A view of `length` elements from `start` along `dim`.
    public func narrow(dim: Int, start: Int, length: Int) -> Tensor {
        ShapeOps.narrow(.tensor(self), .int(dim), .int(start), .int(length))
    }
    /// The slice at `index` along `dim`, without that dimension.
    public func select(dim: Int, index: Int) -> Tensor { ShapeOps.select(.tensor(self), .int(dim), .int(index)) }
    /// Elements `start..<end` by `step` along `dim` (a view).
    public func slice(dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) -> Tensor {
        ShapeOps.slice(.tensor(self), .int(dim), .int(start), .int(end), .int(step))
    }
    /// Reverses the order of elements along `dims`.
    public func flip(_ dims: [Int]) -> Tensor { ShapeOps.flip(.tensor(self), .ints(dims)) }

    /// Joins tensors along an existing dimension.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        ShapeOps.cat(.tensors(tensors), .int(dim))
    }
    /// Joins tensors of the same shape along a new dimension.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        ShapeOps.stack(.tensors(tensors), .int(dim))
    }
}
