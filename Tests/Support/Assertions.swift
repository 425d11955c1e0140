import Torch
import XCTest

/// Asserts that two tensors have the same shape and dtype and elements within tolerance
/// (exactly equal for integer and bool tensors).
public func assertClose(_ actual: Tensor, _ expected: Tensor, rtol: Double, atol: Double, _ message: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "\(message): shape", file: file, line: line)
    XCTAssertEqual(actual.dtype, expected.dtype, "\(message): dtype", file: file, line: line)
    guard actual.shape == expected.shape, actual.dtype == expected.dtype else { return }
    if actual.dtype.isFloatingPoint {
        let ok = actual.allclose(expected, rtol: rtol, atol: atol, equalNaN: true)
        if !ok {
            let diff = (actual - expected).abs().max().item()
            XCTFail("\(message): max difference \(diff) (rtol \(rtol), atol \(atol))", file: file, line: line)
        }
    } else {
        XCTAssertTrue(actual.equal(expected), "\(message): elements differ", file: file, line: line)
    }
}

/// Tolerances for comparing results computed by the same kernels in another process.
public func tolerance(_ dtype: DType) -> (rtol: Double, atol: Double) {
    dtype == .float64 ? (1e-12, 1e-12) : (1e-5, 1e-6)
}
