/// The parameters flattened into one vector, in order (`nn.utils.parameters_to_vector`), for
/// methods that treat the model as a point in parameter space.
public func parametersToVector(_ parameters: [Tensor]) -> Tensor {
    Tensor.cat(parameters.map { $0.reshape([-1]) })
}

/// Copies consecutive slices of `vector` into `parameters`, in order
/// (`nn.utils.vector_to_parameters`); the vector must hold exactly their elements.
public func vectorToParameters(_ vector: Tensor, _ parameters: [Tensor]) {
    let total = parameters.reduce(0) { $0 + $1.numel }
    guard vector.dim == 1, vector.numel == total else {
        argumentError("vectorToParameters", "expected a 1-D vector of \(total) elements, got shape \(vector.shape)")
        return
    }
    withNoGrad {
        var offset = 0
        for p in parameters {
            p.copy_(vector[offset..<(offset + p.numel)].reshape(p.shape))
            offset += p.numel
        }
    }
}
