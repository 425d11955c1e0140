import Foundation
import TestSupport
import Torch
import XCTest

/// The Swift side of each case in Tests/Oracle/ops.py, by the same name.
let parityCases: [String: @Sendable ([Tensor]) -> [Tensor]] = [
    "add": { [$0[0] + $0[1]] },
    "sub": { [$0[0] - $0[1]] },
    "mul": { [$0[0] * $0[1]] },
    "div": { [$0[0] / $0[1]] },
    "add_scalar": { [$0[0] + 2.5] },
    "rsub_scalar": { [2.5 - $0[0]] },
    "mul_scalar": { [$0[0] * 3.0] },
    "div_scalar": { [$0[0] / 4.0] },
    "rdiv_scalar": { [2.0 / $0[0]] },
    "neg": { [-$0[0]] },
    "pow_scalar": { [$0[0].pow(2.5)] },
    "pow_tensor": { [pow($0[0], $0[1])] },
    "add_noncontiguous": { [$0[0].t() + $0[1]] },
    "mul_expanded": { [$0[0].expand([3, 4]) * $0[1]] },
    "maximum": { [$0[0].maximum($0[1])] },
    "abs": { [$0[0].abs()] },
    "exp": { [$0[0].exp()] },
    "log": { [$0[0].log()] },
    "log1p": { [$0[0].log1p()] },
    "sqrt": { [$0[0].sqrt()] },
    "rsqrt": { [$0[0].rsqrt()] },
    "sin": { [$0[0].sin()] },
    "cos": { [$0[0].cos()] },
    "tanh": { [$0[0].tanh()] },
    "sigmoid": { [$0[0].sigmoid()] },
    "relu": { [$0[0].relu()] },
    "relu_noncontiguous": { [$0[0].t().relu()] },
    "gelu": { [F.gelu($0[0])] },
    "gelu_tanh": { [F.gelu($0[0], approximate: "tanh")] },
    "silu": { [F.silu($0[0])] },
    "softplus": { [F.softplus($0[0], beta: 2, threshold: 10)] },
    "leaky_relu": { [F.leakyRelu($0[0], negativeSlope: 0.1)] },
    "clamp": { [$0[0].clamp(min: -0.5, max: 0.5)] },
    "clamp_min": { [$0[0].clamp(min: 0.1)] },
    "softmax": { [$0[0].softmax(dim: 1)] },
    "log_softmax": { [$0[0].logSoftmax(dim: -1)] },
    "comparisons": { x in
        let (a, b) = (x[0], x[1])
        return [a .== b, a .!= b, a .< b, a .<= b, a .> b, a .>= b, a .> 0.1]
    },
    "logical": { x in [x[0] .& x[1], x[0] .| x[1], x[0] .^ x[1], .!x[0]] },
    "where": { [Tensor.where($0[0], $0[1], $0[2])] },
    "where_scalar": { [Tensor.where($0[0], $0[1], 0.5)] },
    "matmul": { [$0[0].matmul($0[1])] },
    "matmul_batched": { [$0[0].matmul($0[1])] },
    "matmul_vector": { [$0[0].matmul($0[1])] },
    "matmul_noncontiguous": { [$0[0].t().matmul($0[1])] },
    "mm": { [$0[0].mm($0[1])] },
    "bmm": { [$0[0].bmm($0[1])] },
    "einsum": { [Tensor.einsum("bij,bjk->bik", $0[0], $0[1])] },
    "dot": { [$0[0].dot($0[1])] },
    "linear": { [F.linear($0[0], weight: $0[1], bias: $0[2])] },
    "linear_nobias": { [F.linear($0[0], weight: $0[1])] },
    "conv1d": { [F.conv1d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)] },
    "conv2d": { [F.conv2d($0[0], weight: $0[1], bias: $0[2], padding: [1, 1])] },
    "conv2d_groups": { [F.conv2d($0[0], weight: $0[1], stride: [2, 2], dilation: [2, 2], groups: 2)] },
    "conv_transpose2d": {
        [F.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 2], padding: [1, 1], outputPadding: [1, 1])]
    },
    "max_pool2d": { [F.maxPool2d($0[0], kernelSize: [2, 2])] },
    "avg_pool2d": { [F.avgPool2d($0[0], kernelSize: [3, 3], stride: [2, 2], padding: [1, 1])] },
    "adaptive_avg_pool2d": { [F.adaptiveAvgPool2d($0[0], outputSize: [3, 3])] },
    "dropout": { x in
        manualSeed(7)
        return [F.dropout(x[0], p: 0.3, training: true)]
    },
    "embedding": { [F.embedding($0[0], weight: $0[1])] },
    "embedding_padding": { [F.embedding($0[0], weight: $0[1], paddingIdx: 0)] },
    "layer_norm": { [F.layerNorm($0[0], normalizedShape: [4], weight: $0[1], bias: $0[2])] },
    "batch_norm_train": { x in
        let mean = Tensor.zeros([3], dtype: x[0].dtype), variance = Tensor.ones([3], dtype: x[0].dtype)
        let y = F.batchNorm(x[0], runningMean: mean, runningVar: variance, weight: x[1], bias: x[2], training: true)
        return [y, mean, variance]
    },
    "batch_norm_eval": { x in
        [F.batchNorm(x[0], runningMean: x[1], runningVar: x[2], weight: x[3], bias: x[4], training: false)]
    },
    "group_norm": { [F.groupNorm($0[0], numGroups: 3, weight: $0[1], bias: $0[2])] },
    "sdpa": { [F.scaledDotProductAttention($0[0], $0[1], $0[2])] },
    "sdpa_causal": { [F.scaledDotProductAttention($0[0], $0[1], $0[2], isCausal: true)] },
    "sdpa_mask": { [F.scaledDotProductAttention($0[0], $0[1], $0[2], attnMask: $0[3], scale: 0.3)] },
    "one_hot": { [F.oneHot($0[0], numClasses: 5)] },
    "cross_entropy": { [F.crossEntropy($0[0], $0[1], labelSmoothing: 0.1)] },
    "mse_loss": { [F.mseLoss($0[0], $0[1])] },
    "cumsum": { [$0[0].cumsum(dim: 1)] },
    "topk": { x in
        let r = x[0].topk(2, dim: 1)
        return [r.values, r.indices]
    },
    "sort": { x in
        let r = x[0].sort(dim: 1, descending: true)
        return [r.values, r.indices]
    },
    "argsort": { [$0[0].argsort(dim: 0)] },
    "sum": { [$0[0].sum()] },
    "sum_dim": { [$0[0].sum(dim: [1], keepDim: true)] },
    "sum_dims": { [$0[0].sum(dim: [0, 2])] },
    "mean": { [$0[0].mean()] },
    "mean_dim": { [$0[0].mean(dim: 0)] },
    "max": { [$0[0].max()] },
    "max_dim": { x in
        let r = x[0].max(dim: 1)
        return [r.values, r.indices]
    },
    "min_dim": { x in
        let r = x[0].min(dim: 0, keepDim: true)
        return [r.values, r.indices]
    },
    "argmax": { [$0[0].argmax(dim: 1)] },
    "argmin": { [$0[0].argmin()] },
    "var": { [$0[0].var(dim: [1])] },
    "std": { [$0[0].std()] },
    "norm": { [$0[0].norm()] },
    "norm_l1_dim": { [$0[0].norm(1, dim: [1])] },
    "prod": { [$0[0].prod(dim: 1)] },
    "all_any": { x in [x[0].all(), x[0].any(), x[0].all(dim: 1), x[0].any(dim: 0)] },
    "reshape": { [$0[0].reshape([4, -1])] },
    "view": { [$0[0].view([6, 4])] },
    "flatten": { [$0[0].flatten(startDim: 1)] },
    "permute": { [$0[0].permute([2, 0, 1])] },
    "transpose": { [$0[0].transpose(0, 2)] },
    "squeeze": { [$0[0].squeeze(), $0[0].squeeze(dim: 1)] },
    "unsqueeze": { [$0[0].unsqueeze(1)] },
    "expand": { [$0[0].expand([2, 3, 4])] },
    "repeat": { [$0[0].repeat([2, 1, 3])] },
    "contiguous": { [$0[0].t().contiguous()] },
    "cat": { [Tensor.cat([$0[0], $0[1]], dim: 1)] },
    "stack": { [Tensor.stack([$0[0], $0[1]], dim: 1)] },
    "split": { $0[0].split(2, dim: 1) },
    "split_sizes": { $0[0].split(sizes: [1, 4], dim: 1) },
    "chunk": { $0[0].chunk(2, dim: 0) },
    "narrow": { [$0[0].narrow(dim: 1, start: 1, length: 2)] },
    "flip": { [$0[0].flip([0, 1])] },
    "index_select": { [$0[0].indexSelect(dim: 1, index: $0[1])] },
    "gather": { [$0[0].gather(dim: 1, index: $0[1])] },
    "scatter": { [$0[0].scatter(dim: 1, index: $0[1], src: $0[2])] },
    "scatter_add": { [$0[0].scatterAdd(dim: 0, index: $0[1], src: $0[2])] },
    "masked_fill": { [$0[0].maskedFill($0[1], -1.5)] },
    "masked_select": { [$0[0].maskedSelect($0[1])] },
    "index_int": { [$0[0][1]] },
    "index_negative": { [$0[0][-1, -2]] },
    "index_range": { [$0[0][1..<3]] },
    "index_ranges": { [$0[0][TensorIndex.all, 1..<4]] },
    "index_ellipsis": { [$0[0][TensorIndex.ellipsis, 0]] },
    "index_newaxis": { [$0[0][TensorIndex.all, TensorIndex.newAxis]] },
    "index_step": { [$0[0][TensorIndex.range(nil, nil, step: 2), TensorIndex.range(1, nil, step: 2)]] },
    "index_mask": { [$0[0][$0[1]]] },
    "index_tensor": { [$0[0][$0[1]]] },
    "index_tensor_dim1": { [$0[0][1..., $0[1]]] },
    "index_two_tensors": { [$0[0][$0[1], $0[2]]] },
    "setitem_basic": { x in
        let y = x[0].clone()
        y[1, 1..<3] = x[1]
        return [y]
    },
    "setitem_mask": { x in
        let y = x[0].clone()
        y[x[1]] = Tensor(0.5).to(dtype: y.dtype)
        return [y]
    },
    "setitem_index": { x in
        let y = x[0].clone()
        y[x[1]] = x[2]
        return [y]
    },
    "to_float32": { [$0[0].to(dtype: .float32)] },
    "to_int": { [($0[0] * 10).to(dtype: .int64)] },
    "clone": { [$0[0].clone()] },
    "detach": { [$0[0].detach() * 2] },
    "random": { x in
        let g = Generator(seed: 123)
        let d = x[0].dtype
        return [Tensor.rand([3, 4], dtype: d, generator: g), Tensor.randn([5], dtype: d, generator: g),
                Tensor.randint(0, 10, [6], generator: g), Tensor.randperm(7, generator: g),
                Tensor.full([4], 0.5, dtype: d).bernoulli(generator: g),
                Tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]] as [[Double]]).to(dtype: d).multinomial(2, generator: g)]
    },
    "creation": { x in
        let d = x[0].dtype
        return [Tensor.zeros([2, 3], dtype: d), Tensor.ones([3], dtype: d), Tensor.full([2, 2], 1.5, dtype: d),
                Tensor.eye(3, 4, dtype: d), Tensor.arange(5), Tensor.arange(1, 2, step: 0.25, dtype: d),
                Tensor.linspace(-1, 1, steps: 5, dtype: d)]
    },
]

/// The tensors named prefix0, prefix1... up to the first missing one.
private func numbered(_ tensors: [String: Tensor], _ prefix: String) -> [Tensor] {
    var out: [Tensor] = []
    while let t = tensors["\(prefix)\(out.count)"] { out.append(t) }
    return out
}

/// Every tensor op against PyTorch: same inputs, same outputs, same gradients.
final class OpParityTests: XCTestCase {
    static let reference = oracleReference("ops.py")

    func testEveryOracleCaseHasASwiftCase() {
        let names = Set(Self.reference.metadata["cases"]!.split(separator: ",").map(String.init))
        XCTAssertEqual(names, Set(parityCases.keys))
        XCTAssertGreaterThan(names.count, 120)
    }

    func testForwardAndBackwardMatchPyTorch() {
        let tensors = Self.reference.tensors
        var checkedGradients = 0
        for (name, run) in parityCases.sorted(by: { $0.key < $1.key }) {
            for dtype in ["float32", "float64"] {
                let key = "\(name)/\(dtype)"
                let inputs = numbered(tensors, "\(key)/in").map { $0.clone() }
                XCTAssertFalse(inputs.isEmpty, "\(key): no inputs in the reference")
                let hasGrad = inputs.indices.map { tensors["\(key)/grad\($0)"] != nil }
                for (i, x) in inputs.enumerated() where hasGrad[i] { x.requiresGrad = true }

                let outputs = run(Array(inputs))
                let expected = numbered(tensors, "\(key)/out")
                XCTAssertEqual(outputs.count, expected.count, "\(key): number of outputs")
                for (j, (actual, reference)) in zip(outputs, expected).enumerated() {
                    let tol = tolerance(reference.dtype)
                    assertClose(actual.detach(), reference, rtol: tol.rtol, atol: tol.atol, "\(key) output \(j)")
                }

                let weighted = outputs.enumerated().compactMap { j, out -> Tensor? in
                    guard out.requiresGrad, let w = tensors["\(key)/w\(j)"] else { return nil }
                    return (out * w).sum()
                }
                guard !weighted.isEmpty, hasGrad.contains(true) else { continue }
                let loss = weighted.dropFirst().reduce(weighted[0], +)
                let leaves = inputs.enumerated().filter { hasGrad[$0.offset] }.map(\.element)
                let grads = Autograd.grad(outputs: [loss], inputs: leaves, allowUnused: true)
                var leaf = 0
                for i in inputs.indices where hasGrad[i] {
                    let reference = tensors["\(key)/grad\(i)"]!
                    guard let grad = grads[leaf] else {
                        XCTFail("\(key): no gradient for input \(i)")
                        continue
                    }
                    let tol = tolerance(reference.dtype)
                    assertClose(grad, reference, rtol: tol.rtol, atol: tol.atol, "\(key) gradient of input \(i)")
                    checkedGradients += 1
                    leaf += 1
                }
            }
        }
        XCTAssertGreaterThan(checkedGradients, 150)
    }
}
