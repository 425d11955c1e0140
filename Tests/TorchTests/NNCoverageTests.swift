import Foundation
import TestSupport
import Torch
import XCTest

/// Which of torch.nn's module classes have a Swift counterpart of the same name, asked of the
/// pinned PyTorch and looked up in this library's runtime metadata.
final class NNCoverageTests: XCTestCase {
    func testTorchNNModuleClassesHaveSwiftCounterpartsAndTheRestAreExplained() throws {
        let names = try runOracle("nn_classes.py", []).split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(names.count, 140, "torch.nn's module classes: \(names)")
        let missing = names.filter { name in
            guard let type = _typeByName("Torch.\(name)") else { return true }
            return !(type is Module.Type)
        }
        print("torch.nn module classes with a Swift counterpart: \(names.count - missing.count) of \(names.count); left out: \(missing.joined(separator: ", "))")
        XCTAssertGreaterThanOrEqual(names.count - missing.count, 130)
        let guide = try String(contentsOfFile: packageRoot + "/docs/nn.md", encoding: .utf8)
        for name in missing {
            XCTAssertTrue(guide.contains("`nn.\(name)`"), "docs/nn.md does not say why nn.\(name) is left out")
        }
    }
}
