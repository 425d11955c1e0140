import Foundation
import TestSupport
import Torch
import TorchVision
import XCTest

/// Images and transforms against torchvision 0.26 on the same files and pixels: the oracle
/// script writes the images, decodes them and transforms one; the Swift side does the same.
final class ImageIOTests: XCTestCase {
    nonisolated(unsafe) static var oracle: (dir: String, results: [String: Tensor])?

    static func shared() throws -> (dir: String, results: [String: Tensor]) {
        if let oracle { return oracle }
        let dir = try temporaryDirectory()
        _ = try runOracle("vision.py", [dir])
        let loaded = (dir, try Safetensors.loadFile(dir + "/oracle.safetensors") as [String: Tensor])
        oracle = loaded
        return loaded
    }

    func testDecodingEqualsTorchvisionInEveryMode() throws {
        let (dir, expected) = try Self.shared()
        let modes: [(String, ImageReadMode)] = [("unchanged", .unchanged), ("gray", .gray), ("rgb", .rgb), ("rgba", .rgbAlpha)]
        var compared = 0
        for file in ["rgb.png", "rgba.png", "gray.png", "palette.png", "rgb.jpg", "gray.jpg", "exif6.jpg"] {
            for (name, mode) in modes {
                // torchvision reads a palette image without transparency as RGBA into a misaligned
                // buffer (it assumes an alpha channel); here it gets an opaque one.
                guard let want = expected["\(file)/\(name)"], !(file == "palette.png" && name == "rgba") else { continue }
                let got = try readImage("\(dir)/\(file)", mode: mode)
                XCTAssertEqual(got.shape, want.shape, "\(file) \(name)")
                XCTAssertEqual(got.dtype, .uint8)
                let difference = (got.to(dtype: .int32) - want.to(dtype: .int32)).abs().max().item(as: Int.self)
                // libjpeg-turbo 2.1 (Debian) and torchvision's bundled one round gray conversions alike but not
                // always identically; PNG is exact.
                XCTAssertLessThanOrEqual(difference, file.hasSuffix(".png") ? 0 : 1, "\(file) \(name)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 24)
        let opaque = try readImage(dir + "/palette.png", mode: .rgbAlpha)
        XCTAssertTrue(opaque[0..<3].equal(expected["palette.png/rgb"]!) && (opaque[3] .== 255).all().item(as: Bool.self))
        let upright = try readImage(dir + "/exif6.jpg", applyExifOrientation: true)
        XCTAssertEqual(upright.shape, [3, 53, 37], "orientation 6 turns the image")
        XCTAssertLessThanOrEqual((upright.to(dtype: .int32) - expected["exif6.jpg/upright"]!.to(dtype: .int32)).abs().max().item(as: Int.self), 1)
    }

    func testEncodedImagesDecodeBack() throws {
        let (_, expected) = try Self.shared()
        let image = expected["rgba.png/unchanged"]!
        for channels in 1...4 {
            let part = image[0..<channels].contiguous()
            XCTAssertTrue(try decodePNG(encodePNG(part)).equal(part), "\(channels) channels")
        }
        let rgb = expected["rgb.png/unchanged"]!
        let smooth = (Tensor.linspace(0, 200, steps: 48).reshape([1, 1, 48]) + Tensor.linspace(0, 50, steps: 32).reshape([1, 32, 1])
            + Tensor([0, 10, 20] as [Float]).reshape([3, 1, 1])).to(dtype: DType.uint8)
        let jpeg = try decodeJPEG(encodeJPEG(smooth, quality: 95))
        let error = (jpeg.to(dtype: DType.float32) - smooth.to(dtype: DType.float32)).abs().mean().item(as: Double.self)
        XCTAssertLessThan(error, 1.5, "quality 95 keeps a smooth image")
        let path = try temporaryDirectory() + "/written.png"
        try writePNG(rgb, to: path)
        XCTAssertTrue(try readImage(path).equal(rgb))
    }

    func testBadImagesAreRefusedWithTheReason() throws {
        let dir = try temporaryDirectory()
        XCTAssertThrowsError(try readImage(dir + "/missing.png")) { XCTAssertEqual("\($0)", "\(dir)/missing.png: no such file") }
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]).write(to: URL(fileURLWithPath: dir + "/cut.png"))
        XCTAssertThrowsError(try readImage(dir + "/cut.png")) { XCTAssertTrue("\($0)".hasPrefix("\(dir)/cut.png: cannot decode the PNG image:"), "\($0)") }
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2]).write(to: URL(fileURLWithPath: dir + "/cut.jpg"))
        XCTAssertThrowsError(try readImage(dir + "/cut.jpg")) { XCTAssertTrue("\($0)".contains("cannot decode the JPEG image"), "\($0)") }
        try Data("GIF89a".utf8).write(to: URL(fileURLWithPath: dir + "/a.gif"))
        XCTAssertThrowsError(try readImage(dir + "/a.gif")) { XCTAssertTrue("\($0)".contains("unsupported image format"), "\($0)") }
        XCTAssertThrowsError(try encodePNG(Tensor.zeros([3, 4, 4]))) { XCTAssertTrue("\($0)".contains("expected a uint8 tensor"), "\($0)") }
    }

    func testTransformsEqualTorchvisions() throws {
        let (_, expected) = try Self.shared()
        let image = expected["rgb.png/unchanged"]!
        let floating = image.to(dtype: .float32) / 255
        func check(_ name: String, _ got: Tensor, tolerance: Double = 0, file: StaticString = #filePath, line: UInt = #line) {
            let want = expected[name]!
            XCTAssertEqual(got.shape, want.shape, name, file: file, line: line)
            XCTAssertEqual(got.dtype, want.dtype, name, file: file, line: line)
            guard got.shape == want.shape else { return }
            let difference = (got.to(dtype: .float64) - want.to(dtype: .float64)).abs().max().item(as: Double.self)
            XCTAssertLessThanOrEqual(difference, tolerance, name, file: file, line: line)
        }
        check("resize_short_float", Resize([24])(floating), tolerance: 1e-6)
        check("resize_pair_uint8", Resize([20, 30])(image))
        check("resize_up_float", Resize([60, 80])(floating), tolerance: 1e-6)
        check("resize_nearest_uint8", Resize([19, 23], interpolation: .nearest)(image))
        check("resize_bicubic_uint8", Resize([20, 30], interpolation: .bicubic)(image))
        check("center_crop", CenterCrop([20])(image))
        check("center_crop_padded", CenterCrop([50, 60])(image))
        for seed in 0..<4 {
            check("random_crop_\(seed)", RandomCrop([24], padding: [4])(image, generator: Generator(seed: UInt64(seed))))
            check("random_crop_edge_\(seed)", RandomCrop([40, 60], padIfNeeded: true, paddingMode: "edge")(image, generator: Generator(seed: UInt64(seed))))
            check("hflip_\(seed)", RandomHorizontalFlip()(image, generator: Generator(seed: UInt64(seed))))
        }
        for seed in 0..<4 {
            let g = { Generator(seed: UInt64(seed)) }
            check("random_resized_crop_\(seed)", RandomResizedCrop([24])(image, generator: g()))
            check("color_jitter_\(seed)", ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1)(image, generator: g()))
            check("color_jitter_float_\(seed)", ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4)(floating, generator: g()),
                  tolerance: 1e-6)
            check("random_erasing_\(seed)", RandomErasing(p: 0.9)(image, generator: g()))
            check("random_erasing_noise_\(seed)", RandomErasing(p: 0.9, value: nil)(floating, generator: g()), tolerance: 1e-6)
        }
        let batch = Tensor.stack([floating, floating.flip([-1]), floating.flip([-2]), 1 - floating])
        let labels = Tensor([0, 3, 1, 2] as [Int64])
        for seed in 0..<3 {
            let (mixed, mixedLabels) = MixUp(numClasses: 5)(batch, labels, generator: Generator(seed: UInt64(seed)))
            check("mixup_\(seed)/images", mixed, tolerance: 1e-6)
            check("mixup_\(seed)/labels", mixedLabels, tolerance: 1e-6)
            let (cut, cutLabels) = CutMix(alpha: 0.7, numClasses: 5)(batch, labels, generator: Generator(seed: UInt64(seed)))
            check("cutmix_\(seed)/images", cut)
            check("cutmix_\(seed)/labels", cutLabels, tolerance: 1e-6)
        }
        for seed in 0..<3 {
            let g = { Generator(seed: UInt64(seed)) }
            check("rotation_\(seed)", RandomRotation(40)(image, generator: g()))
            check("rotation_bilinear_\(seed)", RandomRotation(40, interpolation: .bilinear, fill: [10, 20, 30])(floating, generator: g()),
                  tolerance: 1e-5)
            check("rotation_expand_\(seed)", RandomRotation(70, expand: true)(image, generator: g()))
        }
        // 40 and 20 draws cover every operation of the policies' spaces.
        for seed in 0..<40 {
            check("trivial_\(seed)", TrivialAugmentWide()(image, generator: Generator(seed: UInt64(seed))))
            check("trivial_float_\(seed)", TrivialAugmentWide()(floating, generator: Generator(seed: UInt64(seed))), tolerance: 1e-5)
        }
        for seed in 0..<20 {
            check("randaugment_\(seed)", RandAugment()(image, generator: Generator(seed: UInt64(seed))))
        }
        check("grayscale", Grayscale()(image))
        check("grayscale3", Grayscale(numOutputChannels: 3)(image))
        check("to_uint8", ToDtype(.uint8, scale: true)(floating))
        check("normalize", Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])(floating), tolerance: 1e-6)
        check("to_float", ToDtype(.float32, scale: true)(image), tolerance: 1e-7)
    }
}
