import Foundation
import Torch

/// CIFAR-10 from its binary version in `root` (`data_batch_1.bin`...`data_batch_5.bin`, or
/// `test_batch.bin`): records of one label byte and 3×32×32 pixel bytes. Images are float32
/// in [0, 1], shaped (3, 32, 32); labels int64.
public struct CIFAR10: Dataset {
    public let images: Tensor
    public let labels: Tensor
    static let recordSize = 1 + 3 * 32 * 32

    public init(root: String, train: Bool = true) throws {
        let files = train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        var bytes: [UInt8] = []
        for file in files {
            let path = root + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DatasetFileError(path: path, reason: "no such file, or it cannot be read")
            }
            guard data.count % Self.recordSize == 0 else {
                throw DatasetFileError(path: path, reason: "\(data.count) bytes is not a whole number of \(Self.recordSize)-byte records")
            }
            bytes += data
        }
        let records = Tensor(bytes, shape: [bytes.count / Self.recordSize, Self.recordSize])
        labels = records[TensorIndex.all, 0].long()
        images = records[TensorIndex.all, 1...].reshape([-1, 3, 32, 32]).float() / 255.0
    }

    public var count: Int { labels.size(0) }

    public subscript(index: Int) -> (Tensor, Tensor) { (images[index], labels[index]) }
}
