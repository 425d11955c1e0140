import Foundation
import TestSupport
@testable import Torch
import XCTest

/// The operators generated from native_functions.yaml (`ATen` functions and `Tensor` methods):
/// the files match what the generator writes for the pinned wheel, every operator resolves, and
/// a generic oracle checks every operator that takes one tensor against PyTorch.
final class GeneratedOperatorTests: XCTestCase {
    func testTheCommittedFilesAreWhatTheGeneratorWrites() throws {
        let result = try runProcess(packageRoot + "/.venv/bin/python", [packageRoot + "/scripts/generate-ops", "--check"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }

    func testEveryGeneratedOperatorResolvesInTheDispatcher() {
        XCTAssertGreaterThan(ATen.operators.count, 1300)
        let missing = ATen.operators.filter { !ATenOp.exists($0.name, $0.overload) }
        XCTAssertEqual(missing.map { "\($0.name).\($0.overload)" }, [])
    }

    func testOneTensorOperatorsAgreeWithPyTorch() throws {
        let dir = try temporaryDirectory()
        let names = generatedUnaryCases.map { "\($0.name) \($0.overload)" }
        try names.joined(separator: "\n").write(toFile: dir + "/names.txt", atomically: true, encoding: .utf8)
        _ = try runOracle("generated_ops.py", [dir + "/names.txt", dir + "/out.safetensors"])
        let (reference, metadata) = try Safetensors.load(dir + "/out.safetensors")
        let refused = Set((metadata["refused"] ?? "").split(separator: "\n").map(String.init))
        let input = try XCTUnwrap(reference["input"])
        var compared = 0, gradients = 0
        // Results without defined values: uninitialised memory, or packed weights holding addresses.
        let unspecified = ["empty", "fbgemm_pack"]
        for (case_, key) in zip(generatedUnaryCases, names) where !unspecified.contains(where: { key.contains($0) }) {
            guard let expected = reference[key] else {
                XCTAssertTrue(refused.contains(key), "\(key): no reference and not refused by PyTorch")
                continue
            }
            manualSeed(0)
            let source = input.clone().requiresGrad_()
            let got: Tensor
            do {
                got = try withTorchErrors { case_.call(source) }
            } catch {
                XCTFail("\(key): PyTorch computes it, Swift failed: \(error)")
                continue
            }
            if let expectedGrad = reference["grad/" + key] {
                do {
                    try withTorchErrors {
                        let weights = Tensor.linspace(-1, 1, steps: got.numel, dtype: got.dtype).reshape(got.shape)
                        (got * weights).sum().backward()
                    }
                    if let grad = source.grad {
                        assertClose(grad.to(dtype: .float64), expectedGrad.to(dtype: .float64), rtol: 1e-5, atol: 1e-6, "gradient of \(key)")
                        gradients += 1
                    } else {
                        XCTFail("\(key): no gradient in Swift")
                    }
                } catch {
                    XCTFail("\(key): PyTorch differentiates it, Swift failed: \(error)")
                }
            }
            XCTAssertEqual(got.shape, expected.shape, key)
            XCTAssertEqual(got.dtype, expected.dtype, key)
            guard got.shape == expected.shape, got.dtype == expected.dtype else { continue }
            let same = got.dtype.isFloatingPoint ? got.to(dtype: .float64).allclose(expected.to(dtype: .float64), rtol: 1e-6, atol: 1e-7, equalNaN: true)
                : got.equal(expected)
            XCTAssertTrue(same, "\(key): \(got) vs \(expected)")
            compared += 1
        }
        print("generic oracle: \(compared) of \(generatedUnaryCases.count) one-tensor operators compared with PyTorch "
              + "(\(gradients) with their gradients), \(refused.count) refused by PyTorch on a float matrix")
        XCTAssertGreaterThan(compared, 150)
        XCTAssertGreaterThan(gradients, 100)
    }

    /// Operators of several arguments: up to three float matrices and fixed values for the other
    /// required arguments (the cases the generator writes), forward and each input's gradient.
    func testSeveralArgumentOperatorsAgreeWithPyTorch() throws {
        let dir = try temporaryDirectory()
        let names = generatedSeveralArgumentCases.map { "\($0.name) \($0.overload)\t\($0.spec)" }
        try names.joined(separator: "\n").write(toFile: dir + "/names.txt", atomically: true, encoding: .utf8)
        _ = try runOracle("generated_ops.py", [dir + "/names.txt", dir + "/out.safetensors"])
        let (reference, metadata) = try Safetensors.load(dir + "/out.safetensors")
        let refused = Set((metadata["refused"] ?? "").split(separator: "\n").map(String.init))
        let inputs = try (0..<3).map { try XCTUnwrap(reference["input\($0)"]) }
        var compared = 0, gradients = 0
        let unspecified = ["empty", "fbgemm", "new_empty"]
        for (case_, key) in zip(generatedSeveralArgumentCases, names) where !unspecified.contains(where: { key.contains($0) }) {
            guard let expected = reference[key] else {
                XCTAssertTrue(refused.contains(key), "\(key): no reference and not refused by PyTorch")
                continue
            }
            manualSeed(0)
            let sources = inputs.map { $0.clone().requiresGrad_() }
            let got: Tensor
            do {
                got = try withTorchErrors { case_.call(sources) }
            } catch {
                XCTFail("\(key): PyTorch computes it, Swift failed: \(error)")
                continue
            }
            XCTAssertEqual(got.shape, expected.shape, key)
            XCTAssertEqual(got.dtype, expected.dtype, key)
            guard got.shape == expected.shape, got.dtype == expected.dtype else { continue }
            let same = got.dtype.isFloatingPoint ? got.to(dtype: .float64).allclose(expected.to(dtype: .float64), rtol: 1e-6, atol: 1e-7, equalNaN: true)
                : got.equal(expected)
            XCTAssertTrue(same, "\(key): \(got) vs \(expected)")
            compared += 1
            let expectedGrads = (0..<3).map { reference["grad\($0)/" + key] }
            guard expectedGrads.contains(where: { $0 != nil }) else { continue }
            do {
                try withTorchErrors {
                    let weights = Tensor.linspace(-1, 1, steps: got.numel, dtype: got.dtype).reshape(got.shape)
                    (got * weights).sum().backward()
                }
            } catch {
                XCTFail("\(key): PyTorch differentiates it, Swift failed: \(error)")
                continue
            }
            for (k, expectedGrad) in expectedGrads.enumerated() {
                guard let expectedGrad else { continue }
                guard let grad = sources[k].grad else {
                    XCTFail("\(key): no gradient of input \(k) in Swift")
                    continue
                }
                assertClose(grad.to(dtype: .float64), expectedGrad.to(dtype: .float64), rtol: 1e-5, atol: 1e-6, "gradient \(k) of \(key)")
            }
            gradients += 1
        }
        print("generic oracle: \(compared) of \(generatedSeveralArgumentCases.count) several-argument operators compared with PyTorch "
              + "(\(gradients) with their gradients), \(refused.count) refused by PyTorch on those inputs")
        XCTAssertGreaterThan(compared, 200)
        XCTAssertGreaterThan(gradients, 150)
    }

    /// What docs/ops.md shows: overloads by type, Python's scalar semantics, tuples, lists, in place.
    func testTheDocumentedCallsBehaveAsInPython() throws {
        let x = Tensor([3, 1, 2] as [Float])
        let ints = Tensor([1, 2, 3] as [Int64])
        XCTAssertEqual(ATen.add(ints, other: 2).dtype, .int64, "an Int Scalar keeps integers integral")
        XCTAssertEqual(ATen.add(ints, other: 0.5).dtype, .float32, "a float Scalar promotes, as in Python")
        XCTAssertEqual(ATen.add(x, x, alpha: 2).scalars(as: Float.self), [9, 3, 6])
        let (values, indices) = ATen.sort(x, dim: 0, descending: true)
        XCTAssertEqual(values.scalars(as: Float.self), [3, 2, 1])
        XCTAssertEqual(indices.scalars(as: Int64.self), [0, 2, 1])
        XCTAssertEqual(ATen.unbind(Tensor.ones([3, 2])).count, 3)
        XCTAssertEqual(ATen.indexSelect(x, dim: 0, index: Tensor([2, 0] as [Int64])).scalars(as: Float.self), [2, 3])
        let y = x.clone()
        ATen.relu_(ATen.sub_(y, Tensor(Float(2))))
        XCTAssertEqual(y.scalars(as: Float.self), [1, 0, 0])
        XCTAssertEqual(ATen.linalgMatrixNorm(Tensor.ones([2, 2]), ord: "fro").item(as: Float.self), 2)
        XCTAssertTrue(ATen.isFloatingPoint(x))
        let n = 2
        XCTAssertEqual((ints .== n).scalars(as: Bool.self), [false, true, false], "an Int variable compares, as a Python int")
        XCTAssertEqual((1 .< ints).scalars(as: Bool.self), [false, true, true], "a number on the left")
        XCTAssertEqual((0.5 .>= x).scalars(as: Bool.self), [false, false, false])
        XCTAssertEqual((2 * ints).dtype, .int64)
        let m = Tensor([1, 5, 2, 4] as [Float], shape: [2, 2])
        XCTAssertEqual(m.addcdiv(m, Tensor.full([2, 2], 2), value: 0.5).scalars(as: Float.self), [1.25, 6.25, 2.5, 5],
                       "a Tensor method where PyTorch has one")
        XCTAssertEqual(m.amax(dim: [0]).scalars(as: Float.self), [2, 5])
        let (least, most) = m.aminmax()
        XCTAssertEqual([least.item(as: Float.self), most.item(as: Float.self)], [1, 5])
        let buffer = Tensor.zeros([3])
        let written = ATen.add(x, x, out: buffer)
        XCTAssertEqual(buffer.scalars(as: Float.self), [6, 2, 4], "an out= variant writes into its buffer")
        XCTAssertEqual(written.scalars(as: Float.self), [6, 2, 4])
        let total = Tensor.zeros([1])
        ATen.sum(Tensor.ones([2, 3]), dim: [1], keepdim: false, out: total)
        XCTAssertEqual(total.shape, [2], "resized as PyTorch resizes an out= tensor")
        XCTAssertThrowsError(try withTorchErrors { _ = ATen.add(x, Tensor.ones([2])) }) {
            XCTAssertTrue("\($0)".hasPrefix("aten::add.Tensor: The size of tensor a (3) must match"), "\($0)")
        }
    }
}
