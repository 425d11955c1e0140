import TestSupport
import Torch
import XCTest

/// Seeds, generators and RNG state (what exact resume needs).
final class GeneratorTests: XCTestCase {
    func testManualSeedReproducesTheDefaultStream() {
        manualSeed(11)
        let a = Tensor.randn([5])
        manualSeed(11)
        let b = Tensor.randn([5])
        XCTAssertTrue(a.equal(b))
        XCTAssertEqual(Generator.default().initialSeed, 11)
    }

    func testStateSaveAndRestore() {
        let g = Generator(seed: 3)
        _ = Tensor.rand([10], generator: g)
        let state = g.state
        XCTAssertEqual(state.dtype, .uint8)
        let a = Tensor.randn([4, 4], generator: g)
        let b = Tensor.randperm(9, generator: g)
        g.state = state
        XCTAssertTrue(Tensor.randn([4, 4], generator: g).equal(a))
        XCTAssertTrue(Tensor.randperm(9, generator: g).equal(b))
    }

    func testGeneratorsAreIndependentOfTheDefaultOne() {
        manualSeed(5)
        let expected = Tensor.rand([3])
        manualSeed(5)
        _ = Tensor.rand([100], generator: Generator(seed: 99))
        XCTAssertTrue(Tensor.rand([3]).equal(expected))
    }

    func testStateMatchesPythonsGenerator() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/state.safetensors"
        try Safetensors.save(["state": Generator(seed: 1234).state], to: path)
        let out = try runOracle("generator_state.py", [path, "1234"])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "same state; next randn equal")
    }
}
