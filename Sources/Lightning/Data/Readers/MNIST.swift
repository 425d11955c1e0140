import Foundation
import Torch

/// MNIST (or Fashion-MNIST) from its IDX files in `root`: `train-images-idx3-ubyte` and
/// `train-labels-idx1-ubyte` (or the `t10k-` test pair), uncompressed. Images are float32 in
/// [0, 1], shaped (1, 28, 28); labels int64.
public struct MNIST: Dataset {
    public let images: Tensor
    public let labels: Tensor

    public init(root: String, train: Bool = true) throws {
        let prefix = train ? "train" : "t10k"
        images = try Self.readIDX(root + "/\(prefix)-images-idx3-ubyte", magic: 0x0803).float() / 255.0
        labels = try Self.readIDX(root + "/\(prefix)-labels-idx1-ubyte", magic: 0x0801).long()
        guard images.size(0) == labels.size(0) else {
            throw DatasetFileError(path: root, reason: "\(images.size(0)) images but \(labels.size(0)) labels")
        }
    }

    public var count: Int { labels.size(0) }

    public subscript(index: Int) -> (Tensor, Tensor) { (images[index].unsqueeze(0), labels[index]) }

    /// An IDX file of unsigned bytes: a big-endian magic, one big-endian size per dimension, the data.
    static func readIDX(_ path: String, magic: UInt32) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetFileError(path: path, reason: "no such file, or it cannot be read")
        }
        let bytes = [UInt8](data)
        func word(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        guard bytes.count >= 8, UInt32(word(0)) == magic else {
            throw DatasetFileError(path: path, reason: String(format: "not an IDX file of unsigned bytes with magic 0x%08x", magic))
        }
        let dims = Int(magic & 0xFF)
        guard bytes.count >= 4 + 4 * dims else { throw DatasetFileError(path: path, reason: "truncated header") }
        let shape = (0..<dims).map { word(4 + 4 * $0) }
        let start = 4 + 4 * dims
        let count = shape.reduce(1, *)
        guard bytes.count - start == count else {
            throw DatasetFileError(path: path, reason: "holds \(bytes.count - start) data bytes, the header says \(count)")
        }
        return Tensor(Array(bytes[start...]), shape: shape)
    }
}
