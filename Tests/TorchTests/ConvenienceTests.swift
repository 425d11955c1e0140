import Torch
import XCTest

/// What PyTorch users type without thinking compiles and means what it does in PyTorch.
final class ConvenienceTests: XCTestCase {
    func testArangeOfIntsAndOfFloats() {
        let n = 4
        let ints = Tensor.arange(0, n)
        XCTAssertEqual(ints.dtype, .int64)
        XCTAssertEqual(ints.scalars(as: Int64.self), [0, 1, 2, 3])
        XCTAssertEqual(Tensor.arange(1, 8, step: 3).scalars(as: Int64.self), [1, 4, 7])
        let floats = Tensor.arange(0, 2.5, step: 0.5)
        XCTAssertEqual(floats.dtype, .float32, "a float argument gives the default float type, as torch.arange(0, 2.5, 0.5)")
        XCTAssertEqual(floats.scalars(as: Float.self), [0, 0.5, 1, 1.5, 2])
    }

    func testTriangles() {
        let x = Tensor.ones([3, 3])
        XCTAssertEqual(x.tril().scalars(as: Float.self), [1, 0, 0, 1, 1, 0, 1, 1, 1])
        XCTAssertEqual(x.tril(diagonal: -1).scalars(as: Float.self), [0, 0, 0, 1, 0, 0, 1, 1, 0])
        XCTAssertEqual(x.triu(diagonal: 1).scalars(as: Float.self), [0, 1, 1, 0, 0, 1, 0, 0, 0])
    }

    func testModuleOptionsChangeAfterConstruction() {
        let norm = BatchNorm1d(3)
        norm.momentum = 0.5
        _ = norm(Tensor.ones([4, 3]) * 2)
        XCTAssertEqual(norm.runningMean!.scalars(as: Float.self), [1, 1, 1], "half way from 0 to the batch mean 2")
        let dropout = Dropout(0.5)
        dropout.p = 0
        XCTAssertTrue(dropout(Tensor.ones([8])).equal(Tensor.ones([8])))
    }

    func testOneCycleFromEpochsAndStepsPerEpoch() {
        let optimizer = SGD([Tensor.zeros([1]).requiresGrad_()], lr: 0.1, momentum: 0.9)
        XCTAssertEqual(OneCycleLR(optimizer, maxLr: 1, epochs: 3, stepsPerEpoch: 7).totalSteps, 21)
    }

    func testPoolingWithASquareWindowGivenAsOneNumber() {
        let x = Tensor.arange(0, 16, dtype: .float32).reshape([1, 1, 4, 4])
        XCTAssertTrue(F.maxPool2d(x, 2).equal(F.maxPool2d(x, kernelSize: [2, 2])))
        XCTAssertEqual(F.maxPool2d(x, 2).scalars(as: Float.self), [5, 7, 13, 15])
        XCTAssertEqual(F.avgPool2d(x, 2, stride: 2).scalars(as: Float.self), [2.5, 4.5, 10.5, 12.5])
    }
}
