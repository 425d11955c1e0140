import TestSupport
import Torch
import XCTest

/// `description` prints exactly what Python's `repr` prints for the same tensor.
final class DescriptionTests: XCTestCase {
    func testDescriptionMatchesPythonRepr() throws {
        let x = Tensor.ones([2]).requiresGrad_()
        let cases: [Tensor] = [
            Tensor([1.0, 2.5, -3.25] as [Float]),
            Tensor.arange(12).reshape([3, 4]),
            Tensor([[1e-5, 1.0], [100.0, 1e3]] as [[Float]]),
            Tensor([1, 2, 3] as [Float]),
            Tensor([true, false]),
            Tensor.arange(0, 2000, dtype: .float32) / 7.0,
            Tensor.arange(0, 24, dtype: .float32).reshape([2, 3, 4]),
            Tensor(Float(3.5)),
            Tensor([1, 2] as [Double]),
            x,
            x * x,
            Tensor.zeros([0, 3]),
            Tensor([.nan, 1.5, .infinity] as [Float]),
            Tensor.arange(5, dtype: .int32),
            Tensor.arange(0, 40, dtype: .float32).reshape([2, 20]) / 3.0,
            Tensor.arange(0, 10000, dtype: .float32).reshape([100, 100]),
            Tensor([] as [Float]),
            Tensor([123456789.0, 1.0] as [Float]),
            Tensor.arange(0, 4, dtype: .float32).to(dtype: .bfloat16),
        ]
        let expected = try runOracle("repr.py", []).components(separatedBy: "\n====\n")
        XCTAssertEqual(expected.count, cases.count)
        for (i, (tensor, python)) in zip(cases, expected).enumerated() {
            XCTAssertEqual(tensor.description, python.trimmingCharacters(in: .newlines), "case \(i)")
        }
    }
}
