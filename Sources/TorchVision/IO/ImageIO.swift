import CVision
import Foundation
import Torch

/// How many channels an image is read into (`torchvision.io.ImageReadMode`).
public enum ImageReadMode: Int32, Sendable {
    /// As stored in the file.
    case unchanged = 0
    case gray = 1
    case grayAlpha = 2
    case rgb = 3
    case rgbAlpha = 4
}

/// An image that cannot be read or written: which, and why.
public struct ImageError: Error, CustomStringConvertible {
    /// The file, or "<bytes>" for data in memory.
    public let source: String
    public let message: String
    public var description: String { "\(source): \(message)" }
}

/// A `uint8` tensor of shape `[channels, height, width]` from decoded rows of interleaved
/// channels: a channels-last view, as torchvision's decoders return.
private func tensor(_ image: cv_image) -> Tensor {
    defer { cv_free(image.data) }
    let shape = [Int(image.height), Int(image.width), Int(image.channels)]
    let pixels = UnsafeRawBufferPointer(start: image.data, count: shape.reduce(1, *))
    return Tensor(copying: pixels, shape: shape, dtype: .uint8).permute([2, 0, 1])
}

/// Turns `image` (CHW) upright as its EXIF orientation tag says (values 2-8).
private func oriented(_ image: Tensor, _ orientation: Int32) -> Tensor {
    switch orientation {
    case 2: return image.flip([2])
    case 3: return image.flip([1, 2])
    case 4: return image.flip([1])
    case 5: return image.transpose(1, 2)
    case 6: return image.transpose(1, 2).flip([2])
    case 7: return image.transpose(1, 2).flip([1, 2])
    case 8: return image.transpose(1, 2).flip([1])
    default: return image
    }
}

/// A decoder of CVision applied to `data`, its error thrown naming `format` and `source`.
private func decoded(_ format: String, _ source: String,
                     _ decode: @escaping (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<cv_image>, UnsafeMutablePointer<CChar>, Int) -> Int32)
    -> (Data) throws -> cv_image {
    { data in
        var image = cv_image()
        var error = [CChar](repeating: 0, count: 512)
        let status = data.withUnsafeBytes { bytes in
            error.withUnsafeMutableBufferPointer { decode(bytes.bindMemory(to: UInt8.self).baseAddress, data.count, &image, $0.baseAddress!, $0.count) }
        }
        guard status == 0 else { throw ImageError(source: source, message: "cannot decode the \(format) image: " + String(cString: error)) }
        return image
    }
}

/// Decodes JPEG bytes into a `uint8` `[C, H, W]` tensor (`torchvision.io.decode_jpeg`), turned
/// upright by its EXIF orientation when `applyExifOrientation`.
public func decodeJPEG(_ data: Data, mode: ImageReadMode = .unchanged, applyExifOrientation: Bool = false,
                       source: String = "<bytes>") throws -> Tensor {
    let image = try decoded("JPEG", source) { cv_decode_jpeg($0, $1, mode.rawValue, $2, $3, $4) }(data)
    let decoded = tensor(image)
    return applyExifOrientation ? oriented(decoded, image.orientation).contiguous() : decoded
}

/// Decodes PNG bytes into a `uint8` `[C, H, W]` tensor (`torchvision.io.decode_png`); 16-bit
/// images are read as 8-bit.
public func decodePNG(_ data: Data, mode: ImageReadMode = .unchanged, source: String = "<bytes>") throws -> Tensor {
    try tensor(decoded("PNG", source) { cv_decode_png($0, $1, mode.rawValue, $2, $3, $4) }(data))
}

/// Decodes JPEG or PNG bytes, told apart by their signature (`torchvision.io.decode_image`).
public func decodeImage(_ data: Data, mode: ImageReadMode = .unchanged, applyExifOrientation: Bool = false,
                        source: String = "<bytes>") throws -> Tensor {
    if data.starts(with: [0xFF, 0xD8, 0xFF]) {
        return try decodeJPEG(data, mode: mode, applyExifOrientation: applyExifOrientation, source: source)
    }
    if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try decodePNG(data, mode: mode, source: source) }
    throw ImageError(source: source, message: "unsupported image format (JPEG and PNG are read)")
}

/// Reads a JPEG or PNG file into a `uint8` `[C, H, W]` tensor (`torchvision.io.read_image`).
public func readImage(_ path: String, mode: ImageReadMode = .unchanged, applyExifOrientation: Bool = false) throws -> Tensor {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ImageError(source: path, message: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
    }
    return try decodeImage(data, mode: mode, applyExifOrientation: applyExifOrientation, source: path)
}

/// The rows of interleaved channels of a `uint8` `[C, H, W]` image, refusing anything else.
private func interleaved(_ image: Tensor, _ what: String, channels: ClosedRange<Int>) throws -> (pixels: [UInt8], height: Int, width: Int, channels: Int) {
    guard image.dtype == .uint8, image.dim == 3, channels.contains(image.size(0)) else {
        throw ImageError(source: what, message: "expected a uint8 tensor of shape [C, H, W] with C in \(channels), got \(image.dtype) \(image.shape)")
    }
    let hwc = image.to(device: .cpu).permute([1, 2, 0]).contiguous()
    return (hwc.scalars(as: UInt8.self), image.size(1), image.size(2), image.size(0))
}

/// JPEG bytes of a `uint8` `[1 or 3, H, W]` image (`torchvision.io.encode_jpeg`), `quality` 1-100.
public func encodeJPEG(_ image: Tensor, quality: Int = 75) throws -> Data {
    guard (1...100).contains(quality) else { throw ImageError(source: "encodeJPEG", message: "quality must be in 1...100, got \(quality)") }
    let (pixels, height, width, channels) = try interleaved(image, "encodeJPEG", channels: 1...3)
    guard channels != 2 else { throw ImageError(source: "encodeJPEG", message: "JPEG images have 1 or 3 channels, got 2") }
    return try encoded("encodeJPEG") { out, size, error, capacity in
        cv_encode_jpeg(pixels, Int32(height), Int32(width), Int32(channels), Int32(quality), out, size, error, capacity)
    }
}

/// PNG bytes of a `uint8` `[1 to 4, H, W]` image (`torchvision.io.encode_png`), `compressionLevel` 0-9.
public func encodePNG(_ image: Tensor, compressionLevel: Int = 6) throws -> Data {
    guard (0...9).contains(compressionLevel) else {
        throw ImageError(source: "encodePNG", message: "compressionLevel must be in 0...9, got \(compressionLevel)")
    }
    let (pixels, height, width, channels) = try interleaved(image, "encodePNG", channels: 1...4)
    return try encoded("encodePNG") { out, size, error, capacity in
        cv_encode_png(pixels, Int32(height), Int32(width), Int32(channels), Int32(compressionLevel), out, size, error, capacity)
    }
}

/// The bytes an encoder of CVision writes, or its error thrown under `name`.
private func encoded(_ name: String, _ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
                                               UnsafeMutablePointer<CChar>, Int) -> Int32) throws -> Data {
    var out: UnsafeMutablePointer<UInt8>?
    var size = 0
    var error = [CChar](repeating: 0, count: 512)
    let status = error.withUnsafeMutableBufferPointer { encode(&out, &size, $0.baseAddress!, $0.count) }
    guard status == 0, let out else { throw ImageError(source: name, message: String(cString: error)) }
    defer { cv_free(out) }
    return Data(bytes: out, count: size)
}

/// Writes `image` as a JPEG file (`torchvision.io.write_jpeg`), atomically.
public func writeJPEG(_ image: Tensor, to path: String, quality: Int = 75) throws {
    try encodeJPEG(image, quality: quality).write(to: URL(fileURLWithPath: path), options: .atomic)
}

/// Writes `image` as a PNG file (`torchvision.io.write_png`), atomically.
public func writePNG(_ image: Tensor, to path: String, compressionLevel: Int = 6) throws {
    try encodePNG(image, compressionLevel: compressionLevel).write(to: URL(fileURLWithPath: path), options: .atomic)
}
