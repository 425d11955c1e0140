import Foundation
import TestSupport
import Torch
import XCTest

/// A model written as a user would: properties only, no lists of parameters.
final class TinyNet: Module {
    let encoder = Sequential {
        Linear(4, 8)
        ReLU()
    }
    let heads = [Linear(8, 2), Linear(8, 3)]
    let extras: [String: Module] = ["norm": LayerNorm(8)]
    let bn = BatchNorm1d(8)
    @Parameter var scale = Tensor.ones([1])
    @Buffer(persistent: false) var cache: Tensor? = Tensor.zeros([2])
    let notAParameter = Tensor.ones([3])

    override func forward(_ x: Tensor) -> Tensor { heads[0](bn(extras["norm"]!(encoder(x)))) * scale }
}

/// The Module API: discovery, modes, freezing, moving, state dicts; init and clipping against PyTorch.
final class ModuleTests: XCTestCase {
    func testDiscoveryNamesAndCounts() {
        let net = TinyNet()
        XCTAssertEqual(net.namedParameters().map(\.0), [
            "scale", "encoder.0.weight", "encoder.0.bias", "heads.0.weight", "heads.0.bias", "heads.1.weight",
            "heads.1.bias", "extras.norm.weight", "extras.norm.bias", "bn.weight", "bn.bias",
        ])
        XCTAssertEqual(net.namedBuffers().map(\.0), ["cache", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"])
        XCTAssertFalse(net.stateDict().keys.contains("cache"), "non-persistent buffers are not saved")
        XCTAssertEqual(net.parameterCount(), 1 + 40 + 18 + 27 + 16 + 16)
        XCTAssertEqual(net.namedModules().map(\.0).filter { !$0.isEmpty }.count, 9)
        XCTAssertTrue(net.parameters().allSatisfy(\.requiresGrad))
    }

    /// Parts whose number is chosen at run time, registered by name, as PyTorch's
    /// `register_parameter`, `register_buffer` and `add_module`.
    func testParametersBuffersAndModulesRegisteredByName() throws {
        final class Stack: Module {
            @Parameter var gain = Tensor.ones([2])
            init(depth: Int) {
                super.init()
                for i in 0..<depth { registerModule("block\(i)", Linear(2, 2)) }
                registerParameter("scale", Tensor.full([2], 3.0))
                registerBuffer("step", Tensor(Int64(0)), persistent: false)
                registerBuffer("total", Tensor.zeros([2]))
            }
        }
        let stack = Stack(depth: 3)
        XCTAssertEqual(stack.stateDict().keys, ["gain", "scale", "total", "block0.weight", "block0.bias", "block1.weight",
                                                "block1.bias", "block2.weight", "block2.bias"])
        XCTAssertEqual(stack.namedBuffers().map(\.0), ["step", "total"])
        XCTAssertTrue(stack.getParameter("scale")!.requiresGrad)
        XCTAssertTrue(stack.getParameter("block1.weight")! === (stack.getSubmodule("block1") as! Linear).weight)
        XCTAssertNil(stack.getParameter("step"), "a buffer is not a parameter")
        XCTAssertEqual(stack.getBuffer("step")?.item(as: Int64.self), 0)
        XCTAssertNil(stack.getSubmodule("block3"))
        stack.registerParameter("scale", nil)
        XCTAssertFalse(stack.stateDict().keys.contains("scale"), "a nil parameter keeps the name without a tensor")
        try stack.loadStateDict(Stack(depth: 3).stateDict(), strict: false)
    }

    /// A parametrized weight trains through its originals and keeps its value when the
    /// parametrization is removed.
    func testParametrizationsTrainAndCanBeRemoved() throws {
        let linear = weightNorm(Linear(4, 3))
        XCTAssertTrue(Parametrize.isParametrized(linear, "weight"))
        XCTAssertEqual(linear.namedParameters().map(\.0), ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"])
        let before = linear.weight.detach().clone()
        let optimizer = SGD(linear.parameters(), lr: 0.1)
        linear(Tensor.randn([5, 4])).square().sum().backward()
        optimizer.step()
        XCTAssertFalse(linear.weight.equal(before), "the weight moved with g and v")
        let value = linear.weight.detach().clone()
        Parametrize.removeParametrizations(linear, "weight")
        XCTAssertFalse(Parametrize.isParametrized(linear))
        XCTAssertEqual(linear.stateDict().keys, ["weight", "bias"])
        XCTAssertTrue(linear.weight.equal(value))
        XCTAssertTrue(linear.weight.requiresGrad)
    }

    func testTrainEvalFreezeAndZeroGrad() {
        let net = TinyNet()
        net.eval()
        XCTAssertTrue(net.modules().allSatisfy { !$0.isTraining })
        net.train()
        XCTAssertTrue(net.bn.isTraining)
        net.encoder.requiresGrad(false)
        XCTAssertEqual(net.parameterCount(trainableOnly: true), net.parameterCount() - 40)
        let loss = net(Tensor.randn([5, 4])).sum()
        loss.backward()
        XCTAssertNil(net.encoder[0].parameters()[0].grad, "frozen parameters get no gradient")
        XCTAssertNotNil(net.heads[0].parameters()[0].grad)
        net.zeroGrad()
        XCTAssertTrue(net.parameters().allSatisfy { $0.grad == nil })
    }

    func testToKeepsTensorIdentity() {
        let net = TinyNet()
        let before = net.parameters()
        net.to(dtype: .float64)
        XCTAssertTrue(zip(before, net.parameters()).allSatisfy { $0 === $1 })
        XCTAssertTrue(net.parameters().allSatisfy { $0.dtype == .float64 })
        XCTAssertEqual(net.bn.numBatchesTracked!.dtype, .int64, "integer buffers keep their dtype")
        XCTAssertEqual(net(Tensor.randn([3, 4], dtype: .float64)).dtype, .float64)
    }

    func testLoadStateDictReportsEveryMismatchByName() throws {
        let net = TinyNet()
        var state = TinyNet().stateDict()
        try net.loadStateDict(state)
        XCTAssertTrue(net.stateDict()["heads.1.weight"]!.equal(state["heads.1.weight"]!))

        state["heads.0.weight"] = Tensor.zeros([3, 8])
        state["extra.weight"] = Tensor.zeros([1])
        state["bn.bias"] = nil
        XCTAssertThrowsError(try net.loadStateDict(state)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("Missing key(s) in state_dict: \"bn.bias\""), text)
            XCTAssertTrue(text.contains("Unexpected key(s) in state_dict: \"extra.weight\""), text)
            XCTAssertTrue(text.contains("size mismatch for heads.0.weight: copying a param with shape [3, 8] from checkpoint, the shape in current model is [2, 8]."), text)
        }
        state["heads.0.weight"] = Tensor.zeros([2, 8])
        let keys = try net.loadStateDict(state, strict: false)
        XCTAssertEqual(keys, IncompatibleKeys(missingKeys: ["bn.bias"], unexpectedKeys: ["extra.weight"]))
        XCTAssertEqual(net.heads[0].parameters()[0].abs().sum().item(), 0)
    }

    func testInitFunctionsAndClippingMatchPyTorch() throws {
        let path = try temporaryDirectory() + "/init.safetensors"
        _ = try runOracle("init_clip.py", [path])
        let ref = try Safetensors.loadFile(path)
        let inits: [String: (Tensor) -> Tensor] = [
            "uniform": { Init.uniform_($0, a: -0.3, b: 0.7) },
            "normal": { Init.normal_($0, mean: 0.5, std: 2) },
            "xavier_uniform": { Init.xavierUniform_($0, gain: 1.5) },
            "xavier_normal": { Init.xavierNormal_($0) },
            "kaiming_uniform": { Init.kaimingUniform_($0, nonlinearity: "relu") },
            "kaiming_normal_fan_out": { Init.kaimingNormal_($0, mode: .fanOut) },
            "trunc_normal": { Init.truncNormal_($0, mean: 0.1, std: 0.5, a: -0.4, b: 0.6) },
            "orthogonal": { Init.orthogonal_($0, gain: 2) },
            "orthogonal_wide": { Init.orthogonal_($0) },
        ]
        for (name, fn) in inits {
            manualSeed(42)
            let t = fn(Tensor.empty(name == "orthogonal_wide" ? [3, 7] : [6, 4, 3]))
            assertClose(t, ref["init/" + name]!, rtol: 1e-6, atol: 1e-6, name)
        }
        for (tag, (maxNorm, normType)) in ["l2": (1.0, 2.0), "l1": (2.0, 1.0), "inf": (0.5, Double.infinity), "loose": (100.0, 2.0)] {
            let params = (0..<3).map { k -> Tensor in
                let p = Tensor.zeros(like: ref["clip/grad\(k)"]!).requiresGrad_()
                p.grad = ref["clip/grad\(k)"]!.clone()
                return p
            }
            let total = clipGradNorm_(params, maxNorm: maxNorm, normType: normType)
            assertClose(total, ref["clip/\(tag)/total"]!, rtol: 1e-6, atol: 1e-7, "\(tag) total norm")
            for k in 0..<3 { assertClose(params[k].grad!, ref["clip/\(tag)/grad\(k)"]!, rtol: 1e-6, atol: 1e-7, "\(tag) grad \(k)") }
        }
        let params = (0..<3).map { k -> Tensor in
            let p = Tensor.zeros(like: ref["clip/grad\(k)"]!).requiresGrad_()
            p.grad = ref["clip/grad\(k)"]!.clone()
            return p
        }
        clipGradValue_(params, clipValue: 0.4)
        for k in 0..<3 { XCTAssertTrue(params[k].grad!.equal(ref["clip/value/grad\(k)"]!)) }
    }

    func testNonFiniteGradientNorms() {
        let p = Tensor.zeros([2]).requiresGrad_()
        p.grad = Tensor([Float.nan, 1])
        XCTAssertTrue(clipGradNorm_([p], maxNorm: 1).isnan().item(as: Bool.self))
        XCTAssertTrue(p.grad!.isnan().all().item(as: Bool.self), "NaN norms poison the gradients, as in PyTorch")
        p.grad = Tensor([Float.infinity, 1])
        XCTAssertThrowsError(try withTorchErrors { clipGradNorm_([p], maxNorm: 1, errorIfNonfinite: true) }) {
            XCTAssertTrue("\($0)".contains("is non-finite, so it cannot be clipped"))
        }
    }
}
