import Foundation
import TestSupport
import Torch
import XCTest

/// safetensors: round trips, interchange with the reference Python package, bad files.
final class SafetensorsTests: XCTestCase {
    private func sample() -> [String: Tensor] {
        let base = Tensor.arange(0, 12, dtype: .float32).reshape([3, 4]) / 3.0
        return [
            "bool": base .> 1.5, "u8": base.to(dtype: .uint8), "i8": (base - 2.0).to(dtype: .int8),
            "i16": base.to(dtype: .int16), "i32": base.to(dtype: .int32), "i64": base.to(dtype: .int64),
            "f16": base.half(), "bf16": base.bfloat16(), "f32": base, "f64": base.double(),
            "scalar": Tensor(Float(2.5)), "empty": Tensor.zeros([0, 3]),
        ]
    }

    func testRoundTripKeepsEveryDtypeShapeAndValue() throws {
        let path = try temporaryDirectory() + "/t.safetensors"
        let tensors = sample()
        try Safetensors.save(tensors, to: path, metadata: ["k": "v"])
        let (loaded, metadata) = try Safetensors.load(path)
        XCTAssertEqual(metadata, ["k": "v"])
        XCTAssertEqual(Set(loaded.keys), Set(tensors.keys))
        for (name, t) in tensors {
            XCTAssertEqual(loaded[name]!.dtype, t.dtype, name)
            XCTAssertTrue(loaded[name]!.equal(t), name)
        }
    }

    func testInterchangeWithThePythonPackage() throws {
        let dir = try temporaryDirectory()
        let tensors = sample()
        try Safetensors.save(tensors, to: dir + "/swift.safetensors", metadata: ["format": "pt", "origin": "swift"])
        let out = try runOracle("safetensors_roundtrip.py", [dir + "/swift.safetensors", dir + "/python.safetensors"])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
        let (back, metadata) = try Safetensors.load(dir + "/python.safetensors")
        XCTAssertEqual(metadata["origin"], "python")
        for (name, t) in tensors { XCTAssertTrue(back[name]!.equal(t), name) }
        XCTAssertTrue(back["from_python"]!.equal(Tensor.linspace(0, 1, steps: 7, dtype: .float64)))
    }

    private func assertRejected(_ bytes: Data, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Safetensors.decode(bytes, path: "bad.safetensors"), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("bad.safetensors: not a valid safetensors file"), text, file: file, line: line)
            XCTAssertTrue(text.contains(fragment), text, file: file, line: line)
        }
    }

    private func file(header: String, data: [UInt8]) -> Data {
        var out = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    func testCorruptAndTruncatedFilesAreRefused() throws {
        let good = try Safetensors.encode(["w": Tensor.ones([4])])
        assertRejected(good.prefix(5), "shorter than the 8-byte header length")
        assertRejected(good.prefix(20), "runs past the end of the file")
        assertRejected(good.dropLast(3), "outside the 13-byte data")
        var huge = good
        huge.replaceSubrange(0..<8, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
        assertRejected(huge, "is too large")
        assertRejected(file(header: "[1, 2]", data: []), "the header is not a JSON object")
        assertRejected(file(header: "{not json", data: []), "the header is not a JSON object")
        assertRejected(file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                       "has shape [2] of torch.float32 but 4 bytes")
        assertRejected(file(header: #"{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)),
                       "unsupported dtype C64")
        assertRejected(file(header: #"{"w":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0]),
                       "lacks a dtype, shape or data_offsets")
        assertRejected(file(header: #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}"#,
                            data: [1, 2, 3]), "overlapping or unused bytes")
        assertRejected(file(header: #"{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, data: [1, 2]),
                       "the data holds 2 bytes but the entries cover 1")
        assertRejected(file(header: #"{"w":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#, data: [1]),
                       "negative dimension")
    }

    func testMissingFile() {
        XCTAssertThrowsError(try Safetensors.load("/nonexistent/model.safetensors")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/model.safetensors: no such file, or it cannot be read")
        }
    }
}
