import Foundation
import TestSupport
import Torch
import XCTest

/// The model of Tests/Oracle/torchfile.py.
private func model() -> Sequential {
    Sequential {
        Conv2d(1, 4, kernelSize: 3, padding: 1)
        BatchNorm2d(4)
        ReLU()
        Flatten()
        Linear(4 * 6 * 6, 3)
    }
}

/// PyTorch's file format, both ways, and bad files.
final class TorchFileTests: XCTestCase {
    func testPythonLoadsWhatSwiftSaves() throws {
        let dir = try temporaryDirectory()
        manualSeed(0)
        let m = model()
        let optimizer = SGD(m.parameters(), lr: 0.1, momentum: 0.9)
        for _ in 0..<3 {
            let x = Tensor.randn([8, 1, 6, 6]), target = Tensor.randint(0, 3, [8])
            optimizer.zeroGrad()
            F.crossEntropy(m(x), target).backward()
            optimizer.step()
        }
        m.eval()
        let x = Tensor.randn([5, 1, 6, 6])
        let y = withNoGrad { m(x) }
        try TorchFile.save(m.stateDict(), to: dir + "/model.pt")
        try Safetensors.save(["x": x, "y": y], to: dir + "/io.safetensors")
        let nested: StateValue = .dict([
            ("epoch", 7), ("lr", 0.25), ("name", "swift"), ("flags", [true, false, nil]), ("pair", .tuple([1, -2.5])),
            ("big", .int(1 << 40)), ("state", .dict([(.int(0), .dict([("step", .tensor(Tensor(Float(3))))]))])),
            ("bf16", .tensor(Tensor.arange(6, dtype: .bfloat16).reshape([2, 3]))),
            ("transposed", .tensor(Tensor.arange(0, 6, dtype: .float32).reshape([2, 3]).t())),
        ])
        try TorchFile.save(nested, to: dir + "/nested.pt")
        let out = try runOracle("torchfile.py", ["read-swift", dir + "/model.pt", dir + "/nested.pt", dir + "/io.safetensors"])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.contains(".tmp-") },
                       "no temporary file is left behind")
    }

    func testSwiftLoadsWhatPythonSaves() throws {
        let dir = try temporaryDirectory()
        _ = try runOracle("torchfile.py", ["write-python", dir])
        let m = model()
        try m.loadStateDict(TorchFile.loadStateDict(dir + "/model.pt"))
        m.eval()
        let io = try Safetensors.loadFile(dir + "/io.safetensors")
        assertClose(withNoGrad { m(io["x"]!) }, io["y"]!, rtol: 1e-6, atol: 1e-6, "outputs of Python's weights")

        let nested = try TorchFile.load(dir + "/nested.pt")
        XCTAssertEqual(nested["epoch"]?.intValue, 3)
        XCTAssertEqual(nested["lr"]?.doubleValue, 0.1)
        XCTAssertEqual(nested["name"]?.stringValue, "python")
        XCTAssertEqual(nested["neg"]?.intValue, -70000)
        XCTAssertEqual(nested["flags"]?.arrayValue?.count, 2)
        XCTAssertEqual(nested["pair"]?.arrayValue?.compactMap(\.doubleValue), [1, 2.5])
        let base = Tensor.arange(0, 12, dtype: .float32).reshape([3, 4])
        XCTAssertTrue(nested["base"]!.tensorValue!.equal(base))
        XCTAssertTrue(nested["view"]!.tensorValue!.equal(base[1..., TensorIndex.range(nil, nil, step: 2)]),
                      "a view saved with its base storage")
        XCTAssertEqual(nested["bf16"]!.tensorValue!.dtype, .bfloat16)
        XCTAssertEqual(nested["nested"]?["ints"]?.tensorValue?.scalars(as: Int32.self), [1, 2])
        XCTAssertEqual(nested["nested"]?["scalar"]?.tensorValue?.shape, [])
        let momentum = nested["optimizer"]?["state"]?[0]?["momentum_buffer"]?.tensorValue
        XCTAssertEqual(momentum?.shape, [4, 1, 3, 3])
        XCTAssertEqual(nested["optimizer"]?["param_groups"]?.arrayValue?.first?["lr"]?.doubleValue, 0.1)
    }

    func testBadFilesAreRefusedClearly() throws {
        let dir = try temporaryDirectory()
        XCTAssertThrowsError(try TorchFile.load(dir + "/missing.pt")) {
            XCTAssertEqual("\($0)", dir + "/missing.pt: no such file")
        }
        FileManager.default.createFile(atPath: dir + "/text.pt", contents: Data("not a zip".utf8))
        XCTAssertThrowsError(try TorchFile.load(dir + "/text.pt")) {
            XCTAssertTrue("\($0)".contains("not a PyTorch file (zip archive)"), "\($0)")
        }
        try TorchFile.save(Linear(64, 64).stateDict(), to: dir + "/good.pt")
        let good = try Data(contentsOf: URL(fileURLWithPath: dir + "/good.pt"))
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: dir + "/truncated.pt"))
        XCTAssertThrowsError(try TorchFile.load(dir + "/truncated.pt")) {
            XCTAssertTrue("\($0)".hasPrefix(dir + "/truncated.pt: "), "\($0)")
        }
        var corrupt = good
        let offset = corrupt.count - 200
        corrupt.replaceSubrange(offset..<(offset + 8), with: [UInt8](repeating: 0xAB, count: 8))
        try corrupt.write(to: URL(fileURLWithPath: dir + "/corrupt.pt"))
        XCTAssertThrowsError(try TorchFile.load(dir + "/corrupt.pt"))
        XCTAssertThrowsError(try TorchFile.loadStateDict(dir + "/missing.pt"))
    }

    /// Flipped bytes inside a tensor's data, in a file Swift or Python wrote, are refused on load
    /// (each record against the CRC-32 the archive holds), where PyTorch itself loads them.
    func testCorruptTensorBytesAreDetectedOnLoad() throws {
        let dir = try temporaryDirectory()
        let weights = Tensor.arange(0, 4096.0)
        try TorchFile.save(StateDict([("w", weights)]), to: dir + "/swift.pt")
        let python = try runProcess(packageRoot + "/.venv/bin/python",
                                    ["-c", "import torch, sys; torch.save({'w': torch.arange(4096.0)}, sys.argv[1])", dir + "/python.pt"])
        XCTAssertEqual(python.status, 0, python.stderr)
        for name in ["swift", "python"] {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).pt"))
            let raw = weights.rawBytes()
            let start = try XCTUnwrap(bytes.range(of: Data(raw.prefix(64)))).lowerBound
            for i in 0..<64 { bytes[start + 8000 + i] ^= 0xFF }
            try bytes.write(to: URL(fileURLWithPath: "\(dir)/\(name)-flipped.pt"))
            XCTAssertEqual(try TorchFile.loadStateDict("\(dir)/\(name).pt")["w"]?.equal(weights), true)
            XCTAssertThrowsError(try TorchFile.load("\(dir)/\(name)-flipped.pt")) {
                XCTAssertTrue("\($0)".contains("record 'data/0' cannot be read: record data/0 is corrupt: its bytes have CRC-32"), "\($0)")
            }
        }
    }

    /// A save killed mid-way leaves its temporary file; the next save into that folder removes it
    /// (files of saves still running, in live processes, stay).
    func testTemporaryFilesOfKilledSavesAreRemovedByTheNextSave() throws {
        let dir = try temporaryDirectory()
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let stale = dir + "/epoch=1.ckpt.tmp-\(dead.processIdentifier)-77"
        let running = dir + "/epoch=2.ckpt.tmp-\(getpid())-78"
        for path in [stale, running] { FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])) }
        try TorchFile.save(Linear(2, 2).stateDict(), to: dir + "/last.ckpt")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertTrue(FileManager.default.fileExists(atPath: running))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/last.ckpt"))
    }

    func testUnsafeGlobalsAreRefused() throws {
        let dir = try temporaryDirectory()
        let script = """
            import sys, torch, fractions
            torch.save({"w": torch.ones(2), "x": fractions.Fraction(1, 3)}, sys.argv[1])
            """
        let python = packageRoot + "/.venv/bin/python"
        let result = try runProcess(python, ["-c", script, dir + "/unsafe.pt"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertThrowsError(try TorchFile.load(dir + "/unsafe.pt")) {
            XCTAssertTrue("\($0)".contains("unsupported global fractions.Fraction"), "\($0)")
        }
    }
}
