import Foundation
import Lightning
import TestSupport
import Torch
import TorchVision
import XCTest

/// `ImageFolder` finds what torchvision's finds, and worker threads decode and transform its images.
final class DatasetTests: XCTestCase {
    func makeFolder() throws -> String {
        let root = try temporaryDirectory()
        let g = Generator(seed: 4)
        for (label, name) in ["dog", "cat", "bird"].enumerated() {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)/sub", withIntermediateDirectories: true)
            for i in 0..<(3 + label) {
                let image = Tensor.randint(0, 256, [3, 20 + i, 30], generator: g).to(dtype: .uint8)
                if i == 1 {
                    try encodeJPEG(image).write(to: URL(fileURLWithPath: "\(root)/\(name)/sub/img\(i).JPG"))
                } else {
                    try writePNG(image, to: "\(root)/\(name)/img\(i).png")
                }
            }
            try Data("not an image".utf8).write(to: URL(fileURLWithPath: "\(root)/\(name)/notes.txt"))
        }
        return root
    }

    func testImageFolderFindsWhatTorchvisionFinds() throws {
        let root = try makeFolder()
        let folder = try ImageFolder(root: root)
        let python = try JSONSerialization.jsonObject(with: Data(try runOracle("image_folder.py", [root]).utf8)) as! [String: Any]
        XCTAssertEqual(folder.classes, python["classes"] as? [String])
        XCTAssertEqual(folder.classToIndex, python["class_to_idx"] as? [String: Int])
        let samples = (python["samples"] as! [[Any]]).map { "\($0[0]) \($0[1])" }
        XCTAssertEqual(folder.samples.map { "\($0.path) \($0.label)" }, samples)
        XCTAssertEqual(folder.count, 12)
    }

    func testWorkerThreadsDecodeAndTransformIntoBatches() throws {
        let root = try makeFolder()
        let transform = Compose([Resize([16]), CenterCrop([16]), ToDtype(.float32, scale: true)])
        let folder = try ImageFolder(root: root, transform: transform)
        let loader = DataLoader(folder, batchSize: 4, shuffle: true, numWorkers: 2, seed: 1, collate: .pair)
        var labels: [Int] = []
        for (images, targets) in loader {
            XCTAssertEqual(Array(images.shape.dropFirst()), [3, 16, 16])
            XCTAssertEqual(images.dtype, .float32)
            labels += targets.scalars(as: Int64.self).map(Int.init)
        }
        XCTAssertEqual(labels.sorted(), [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2], "bird 5, cat 4, dog 3")
    }

    func testAnUndecodableFileFailsItsBatchWithThePath() throws {
        let root = try makeFolder()
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: "\(root)/cat/broken.png"))
        let folder = try ImageFolder(root: root)
        let loader = DataLoader(folder, batchSize: 16, collate: .pair)
        XCTAssertThrowsError(try loader.stream(epoch: 0, skip: 0).next()) {
            XCTAssertTrue("\($0)".contains("\(root)/cat/broken.png: unsupported image format"), "\($0)")
        }
        XCTAssertThrowsError(try ImageFolder(root: root + "/missing")) { XCTAssertEqual("\($0)", "\(root)/missing: no such folder") }
    }

    func testFakeDataIsTheSameForTheSameSeed() {
        let a = FakeData(size: 4, imageSize: [3, 8, 8], seed: 3), b = FakeData(size: 4, imageSize: [3, 8, 8], seed: 3)
        XCTAssertTrue(a[2].0.equal(b[2].0) && a[2].1.equal(b[2].1))
        XCTAssertFalse(a[1].0.equal(a[2].0))
        XCTAssertEqual(a[0].0.dtype, .uint8)
    }
}

/// Random augmentation through a seeded DataLoader: the same batches whatever the number of
/// worker threads, different ones each epoch.
final class AugmentationDeterminismTests: XCTestCase {
    func testAugmentedBatchesDoNotDependOnTheWorkerCount() throws {
        let data = FakeData(size: 24, imageSize: [3, 12, 12], seed: 5,
                            transform: Compose([RandomCrop([10], padding: [2]), RandomHorizontalFlip(), ColorJitter(brightness: 0.5)]))
        func epoch(_ workers: Int, _ epoch: Int) throws -> [Tensor] {
            let loader = DataLoader(data, batchSize: 5, shuffle: true, numWorkers: workers, seed: 3, collate: .pair)
            let stream = loader.epoch(epoch)
            var images: [Tensor] = []
            while let (x, _) = try stream.next() { images.append(x) }
            return images
        }
        let serial = try epoch(0, 0)
        for workers in [1, 3] {
            let threaded = try epoch(workers, 0)
            XCTAssertEqual(threaded.count, serial.count)
            for (a, b) in zip(threaded, serial) { XCTAssertTrue(a.equal(b), "\(workers) workers") }
        }
        XCTAssertFalse(zip(try epoch(0, 1), serial).allSatisfy { $0.equal($1) }, "another epoch, other augmentations")
    }
}
