import Foundation
import TestSupport
import Torch
import XCTest

/// User mistakes in tensor operations reach the user as libtorch's message, never a crash.
final class ErrorTests: XCTestCase {
    /// Asserts that `body` throws a TorchError whose message contains `fragment`.
    private func assertTorchError(_ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                                  _ body: () -> Void) {
        do {
            try withTorchErrors(body)
            XCTFail("expected an error containing '\(fragment)'", file: file, line: line)
        } catch let error as TorchError {
            XCTAssertTrue(error.message.contains(fragment), "message was: \(error.message)", file: file, line: line)
            XCTAssertFalse(error.message.contains("Exception raised from"), "C++ backtrace leaked", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testShapeMismatch() {
        assertTorchError("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0") {
            _ = Tensor.ones([3]) + Tensor.ones([4])
        }
        assertTorchError("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)") {
            _ = F.linear(Tensor.ones([2, 3]), weight: Tensor.ones([5, 4]))
        }
    }

    func testDtypeMismatch() {
        assertTorchError("expected m1 and m2 to have the same dtype") {
            _ = Tensor.ones([2, 2]).mm(Tensor.ones([2, 2], dtype: .float64))
        }
        assertTorchError("Only Tensors of floating point and complex dtype can require gradients") {
            Tensor.ones([2], dtype: .int64).requiresGrad = true
        }
    }

    /// A device that does not exist: no CUDA on this machine, or no 100th GPU on one with CUDA.
    func testDeviceErrors() throws {
        assertTorchError("CUDA") {
            _ = Tensor.zeros([2], device: .cuda(99))
        }
    }

    func testIndexOutOfRange() {
        assertTorchError("index 5 out of range for tensor of size [3, 2] at dimension 0") {
            _ = Tensor.ones([3, 2])[5]
        }
        assertTorchError("too many indices for a tensor of dimension 1") {
            _ = Tensor.ones([3])[0, 1]
        }
        assertTorchError("index out of range in self") {
            _ = F.embedding(Tensor([7] as [Int64]), weight: Tensor.ones([4, 2]))
        }
    }

    func testBadArgumentsFoundInSwift() {
        assertTorchError("shape [2, 2] holds 4 elements but 3 values were given") {
            _ = Tensor([1, 2, 3] as [Float], shape: [2, 2])
        }
        assertTorchError("probability has to be between 0 and 1, but got 1.5") {
            _ = F.dropout(Tensor.ones([3]), p: 1.5)
        }
    }

    /// An argument of the wrong type is named with what the operator takes (never one of
    /// libtorch's internal asserts); Python's coercions (an int for a float) still work.
    func testArgumentsOfTheWrongTypeAreNamed() throws {
        let x = Tensor.ones([3])
        assertTorchError("aten::leaky_relu: argument 'negative_slope' takes Scalar, got Tensor") {
            _ = ATenOp("aten::leaky_relu")(.tensor(x), .tensor(x))
        }
        assertTorchError("aten::sum.dim_IntList: argument 'dim' takes int[]?, got float[]") {
            _ = ATenOp("aten::sum", "dim_IntList")(.tensor(x), .doubles([0]))
        }
        assertTorchError("aten::pow.Tensor_Scalar: argument 'self' takes Tensor, got None") {
            _ = ATenOp("aten::pow", "Tensor_Scalar")(.none, .double(2))
        }
        let unknown = ATenOp("aten::no_such_op")
        assertTorchError("aten::no_such_op: no such ATen operator: Could not find schema for aten::no_such_op") { _ = unknown(.tensor(x)) }
        let coerced = try withTorchErrors { ATenOp("aten::elu")(.tensor(x), .int(2)) }
        XCTAssertEqual(coerced.scalars(as: Float.self), [1, 1, 1], "an int where a Scalar is taken")
        let shifted = try withTorchErrors { ATenOp("aten::native_dropout")(.tensor(x), .int(0), .bool(true)) }
        XCTAssertEqual(shifted.scalars(as: Float.self), [1, 1, 1], "an int where a float is taken")
    }

    /// Mistakes in defining modules and options are errors (thrown inside a scope), not crashes.
    func testModuleAndOptionMistakesAreErrors() {
        final class TwoInput: Module {
            let a = Linear(2, 2)
            func forward(_ x: Tensor, _ y: Tensor) -> Tensor { a(x) + y }
        }
        assertTorchError("TwoInput does not define forward(_:) for a single tensor; override it, or call the module's own forward method") {
            _ = TwoInput()(Tensor.ones([1, 2]))
        }
        assertTorchError("MultiheadAttention: embedDim (10) must be divisible by numHeads (3)") {
            _ = MultiheadAttention(embedDim: 10, numHeads: 3)
        }
        assertTorchError("GradScaler: growthFactor should be > 1, got 0.5") { _ = GradScaler(growthFactor: 0.5) }
        assertTorchError("Linear.registerModule: a registered name can't be empty or contain \".\", got \"a.b\"") {
            Linear(1, 1).registerModule("a.b", Linear(1, 1))
        }
        assertTorchError("LSTM: input.size(-1) must be equal to inputSize. Expected 4, got 3") {
            _ = LSTM(4, 5)(Tensor.ones([2, 3, 3]))
        }
        assertTorchError("GRU: for batched 3-D input, the initial states should be 3-D, got 2-D") {
            _ = GRU(4, 5)(Tensor.ones([2, 3, 4]), Tensor.zeros([3, 5]))
        }
        assertTorchError("LSTM: projSize has to be non-negative and smaller than hiddenSize, got 5") {
            _ = LSTM(4, 5, projSize: 5)
        }
        assertTorchError("padPackedSequence: expected totalLength to be at least the length of the longest sequence (3), got 2") {
            _ = padPackedSequence(packSequence([Tensor.ones([3, 2]), Tensor.ones([1, 2])]), totalLength: 2)
        }
        assertTorchError("Transformer does not define forward(_:) for a single tensor") {
            _ = Sequential { Transformer(dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1) }(Tensor.ones([2, 1, 4]))
        }
    }

    /// A misspelt optimizer option or a state from another optimizer is an error naming it, not a
    /// silent 0 or a crash.
    func testOptimizerOptionAndStateMistakesAreNamed() throws {
        let w = Tensor.ones([2]).requiresGrad_()
        let sgd = SGD([w], lr: 0.1, momentum: 0.9)
        assertTorchError("ParamGroup: no option 'momentm'; the group has lr, momentum, dampening") {
            _ = sgd.paramGroups[0].double("momentm")
        }
        (w * 2).sum().backward()
        sgd.step()
        let adam = Adam([w], lr: 0.1)
        try adam.loadStateDict(sgd.stateDict())
        assertTorchError("a parameter's state has no tensor 'step' (it has [\"momentum_buffer\"]): was it loaded from another optimizer?") {
            adam.step()
        }
    }

    func testAutogradMistakes() {
        assertTorchError("grad can be implicitly created only for scalar outputs") {
            let x = Tensor.ones([3]).requiresGrad_()
            (x * 2).backward()
        }
        assertTorchError("view size is not compatible with input tensor's size and stride") {
            _ = Tensor.ones([3, 4]).t().view([12])
        }
    }

    func testFirstErrorWinsAndLaterOpsOnPlaceholdersDoNotCrash() {
        do {
            try withTorchErrors {
                let bad = Tensor.ones([3]) + Tensor.ones([4])
                XCTAssertFalse(bad.isDefined)
                let worse = (bad * 2).relu().sum()
                XCTAssertEqual(worse.shape, [])
                XCTAssertEqual(worse.scalars(as: Float.self), [])
                _ = bad.description
                worse.backward()
            }
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue("\(error)".contains("must match the size of tensor b (4)"), "\(error)")
        }
        // The scope left nothing behind: the next one succeeds.
        XCTAssertNoThrow(try withTorchErrors { _ = Tensor.ones([3]) + Tensor.ones([3]) })
    }

    func testSwiftErrorsPassThroughAndScopesNest() {
        struct Stop: Error {}
        XCTAssertThrowsError(try withTorchErrors { throw Stop() }) { XCTAssertTrue($0 is Stop) }
        do {
            try withTorchErrors {
                XCTAssertThrowsError(try withTorchErrors { _ = Tensor.ones([2]).mm(Tensor.ones([2])) })
                _ = Tensor.ones([2]) + 1.0
            }
        } catch {
            XCTFail("the inner error was already thrown by the inner scope: \(error)")
        }
    }

    /// Outside any scope, a failing op stops the process with libtorch's message (run in a
    /// child process, since it ends the process).
    func testUncaughtErrorStopsWithAClearMessage() throws {
        let result = try runProcess(CommandLine.arguments[0], ["TorchTests.ErrorTests/testFailingOpOutsideAScope"],
                                    environment: ["TORCH_TEST_CHILD": "1", "SWIFT_BACKTRACE": "enable=no"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("Torch error in aten::add.Tensor: The size of tensor a (2) must match the size of tensor b (5)"),
                      result.stderr)
    }

    /// The child side of `testUncaughtErrorStopsWithAClearMessage`; does nothing in a normal run.
    func testFailingOpOutsideAScope() {
        guard ProcessInfo.processInfo.environment["TORCH_TEST_CHILD"] == "1" else { return }
        _ = Tensor.ones([2]) + Tensor.ones([5])
    }
}
