import Foundation
import TestSupport
import Torch
import TorchVision
import XCTest

/// torchvision's Vision Transformer: a state dict saved by Python loads and gives the same
/// outputs; ViT-B/16 has torchvision's keys and parameter count.
final class VisionTransformerTests: XCTestCase {
    func testTorchvisionStateDictsLoadAndGiveTheSameOutputs() throws {
        let dir = try temporaryDirectory()
        let printed = try runOracle("vit.py", [dir])
        let oracle: [String: Tensor] = try Safetensors.loadFile(dir + "/vit.safetensors")
        let model = VisionTransformer(imageSize: 32, patchSize: 8, numLayers: 2, numHeads: 4, hiddenDim: 64, mlpDim: 128, numClasses: 10)
        let state = try TorchFile.loadStateDict(dir + "/vit_small.pt")
        XCTAssertEqual(model.stateDict().keys.sorted(), state.keys.sorted())
        try model.loadStateDict(state)
        model.eval()
        let output = withNoGrad { model(oracle["input"]!) }
        assertClose(output, oracle["output"]!, rtol: 1e-4, atol: 1e-5, "ViT output")

        let big = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any])
        let vit = vitB16()
        XCTAssertEqual(vit.stateDict().keys.sorted(), big["keys"] as? [String])
        XCTAssertEqual(vit.parameterCount(), big["parameters"] as? Int)
    }
}
