import Torch

/// An image tensor as PNG bytes, for TensorBoard's image summaries: 8-bit grayscale, RGB or
/// RGBA, its pixel rows in zlib's stored (uncompressed) blocks, which every PNG reader accepts.
/// A float image is taken in [0, 1] and scaled to 0...255 as TensorBoard's writer does.
enum PNGWriter {
    /// PNG of a `(C, H, W)` image with C of 1, 3 or 4.
    static func encode(_ image: Tensor) throws -> (bytes: [UInt8], width: Int, height: Int, channels: Int) {
        guard image.dim == 3, [1, 3, 4].contains(image.size(0)) else {
            throw TrainerError.misconfiguration("an image must be shaped (C, H, W) with 1, 3 or 4 channels, got \(image.shape)")
        }
        let (channels, height, width) = (image.size(0), image.size(1), image.size(2))
        let scaled = image.dtype == .uint8 ? image : (image.to(dtype: .float32) * 255).clamp(min: 0, max: 255).to(dtype: .uint8)
        let pixels = scaled.permute([1, 2, 0]).contiguous().to(device: .cpu).scalars(as: UInt8.self)
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (width * channels + 1))
        for row in 0..<height {
            raw.append(0)
            raw += pixels[(row * width * channels)..<((row + 1) * width * channels)]
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = Swift.min(65535, raw.count - offset)
            let last = offset + length == raw.count
            zlib.append(last ? 1 : 0)
            zlib += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + length)]
            offset += length
        } while offset < raw.count
        zlib += bigEndian(adler32(raw))
        let colorType: UInt8 = channels == 1 ? 0 : channels == 3 ? 2 : 6
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colorType, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return (png, width, height, channels)
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        return c
    }

    /// CRC-32 (ISO-HDLC), as PNG chunks carry it.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        ~data.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }

    private static func adler32(_ data: [UInt8]) -> UInt32 {
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }
}
