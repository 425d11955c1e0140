import Foundation
import Torch

/// CIFAR-100 from its binary version in `root` (`train.bin` or `test.bin`): records of a coarse
/// label byte (20 superclasses), a fine label byte (100 classes) and 3×32×32 pixel bytes. Images
/// are float32 in [0, 1], shaped (3, 32, 32); labels int64, fine or coarse.
public struct CIFAR100: Dataset {
    /// Which label a sample carries.
    public enum LabelKind: Sendable { case fine, coarse }

    public let images: Tensor
    public let labels: Tensor
    static let recordSize = 2 + 3 * 32 * 32

    public init(root: String, train: Bool = true, labels kind: LabelKind = .fine) throws {
        let path = root + "/" + (train ? "train.bin" : "test.bin")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetFileError(path: path, reason: "no such file, or it cannot be read")
        }
        guard data.count % Self.recordSize == 0 else {
            throw DatasetFileError(path: path, reason: "\(data.count) bytes is not a whole number of \(Self.recordSize)-byte records")
        }
        let records = Tensor([UInt8](data), shape: [data.count / Self.recordSize, Self.recordSize])
        labels = records[TensorIndex.all, kind == .fine ? 1 : 0].long()
        images = records[TensorIndex.all, 2...].reshape([-1, 3, 32, 32]).float() / 255.0
    }

    public var count: Int { labels.size(0) }

    public subscript(index: Int) -> (Tensor, Tensor) { (images[index], labels[index]) }
}
