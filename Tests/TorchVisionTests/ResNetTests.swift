import Foundation
import TestSupport
import Torch
import TorchVision
import XCTest

/// torchvision's ResNets: a state dict saved by Python loads with the same keys and gives the
/// same outputs; a fresh model is initialised as torchvision's.
final class ResNetTests: XCTestCase {
    func testTorchvisionStateDictsLoadAndGiveTheSameOutputs() throws {
        let dir = try temporaryDirectory()
        _ = try runOracle("resnet.py", [dir])
        let oracle: [String: Tensor] = try Safetensors.loadFile(dir + "/resnet.safetensors")
        for (name, model) in [("resnet18", resnet18(numClasses: 10)), ("resnet50", resnet50(numClasses: 10))] {
            let state = try TorchFile.loadStateDict("\(dir)/\(name).pt")
            XCTAssertEqual(model.stateDict().keys.sorted(), state.keys.sorted(), name)
            try model.loadStateDict(state)
            model.eval()
            let output = withNoGrad { model(oracle["\(name)/input"]!) }
            assertClose(output, oracle["\(name)/output"]!, rtol: 1e-4, atol: 1e-4, name)
            let std = resnet18().getParameter("conv1.weight")!.std().item(as: Double.self)
            XCTAssertEqual(std, oracle["\(name)/conv1_std"]!.item(as: Double.self), accuracy: 0.01, "kaiming normal, fan out")
        }
        XCTAssertEqual(resnet18().parameterCount(), 11_689_512, "torchvision's count")
        XCTAssertEqual(resnet50().parameterCount(), 25_557_032, "torchvision's count")
    }
}
