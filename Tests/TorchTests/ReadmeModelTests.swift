import Foundation
import TestSupport
import Torch
import XCTest

/// The README's model example compiles and round-trips through PyTorch's file format.
final class ReadmeModelTests: XCTestCase {
    final class Classifier: Module {
        let features = Sequential {
            Conv2d(1, 8, kernelSize: 3, padding: 1); ReLU(); MaxPool2d(kernelSize: 2)
            Flatten(); Linear(8 * 14 * 14, 10)
        }
        override func forward(_ x: Tensor) -> Tensor { features(x) }
    }

    func testReadmeModelExample() throws {
        let path = try temporaryDirectory() + "/model.pt"
        let model = Classifier()
        let optimizer = AdamW(model.parameters(), lr: 1e-3)
        let scheduler = CosineAnnealingLR(optimizer, tMax: 10)
        F.crossEntropy(model(Tensor.randn([4, 1, 28, 28])), Tensor.randint(0, 10, [4])).backward()
        optimizer.step()
        scheduler.step()
        try TorchFile.save(model.stateDict(), to: path)
        let copy = Classifier()
        try copy.loadStateDict(TorchFile.loadStateDict(path))
        let x = Tensor.randn([2, 1, 28, 28])
        XCTAssertTrue(copy(x).equal(model(x)))
        XCTAssertEqual(model.namedParameters().map(\.0), ["features.0.weight", "features.0.bias", "features.4.weight", "features.4.bias"])
    }
}
