import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// MNIST IDX, CIFAR-10 binary, CSV and text readers, on files written here in those formats.
final class DatasetReaderTests: XCTestCase {
    private func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    private func bigEndian(_ values: [Int]) -> [UInt8] { values.flatMap { v in (0..<4).reversed().map { UInt8((v >> (8 * $0)) & 0xFF) } } }

    func testMNIST() throws {
        let dir = try temporaryDirectory()
        let pixels = (0..<(3 * 28 * 28)).map { UInt8($0 % 256) }
        try write(bigEndian([0x0803, 3, 28, 28]) + pixels, dir + "/train-images-idx3-ubyte")
        try write(bigEndian([0x0801, 3]) + [7, 2, 1], dir + "/train-labels-idx1-ubyte")
        let mnist = try MNIST(root: dir)
        XCTAssertEqual(mnist.count, 3)
        let (image, label) = mnist[1]
        XCTAssertEqual(image.shape, [1, 28, 28])
        XCTAssertEqual(label.item(as: Int64.self), 2)
        XCTAssertEqual(image.flatten()[0].item(), Double(Float(784 % 256) / 255), accuracy: 1e-7)
        try write(bigEndian([0x0801, 3]) + [7, 2, 1], dir + "/t10k-images-idx3-ubyte")
        XCTAssertThrowsError(try MNIST(root: dir, train: false)) {
            XCTAssertTrue("\($0)".contains("not an IDX file of unsigned bytes with magic 0x00000803"), "\($0)")
        }
        try write(bigEndian([0x0803, 3, 28, 28]) + pixels.dropLast(5), dir + "/train-images-idx3-ubyte")
        XCTAssertThrowsError(try MNIST(root: dir)) { XCTAssertTrue("\($0)".contains("the header says 2352"), "\($0)") }
    }

    func testCIFAR10() throws {
        let dir = try temporaryDirectory()
        func records(_ labels: [UInt8]) -> [UInt8] { labels.flatMap { [$0] + [UInt8](repeating: $0 &* 10, count: 3072) } }
        for i in 1...5 { try write(records([UInt8(i), 9]), dir + "/data_batch_\(i).bin") }
        let cifar = try CIFAR10(root: dir)
        XCTAssertEqual(cifar.count, 10)
        XCTAssertEqual(cifar[2].0.shape, [3, 32, 32])
        XCTAssertEqual(cifar[2].1.item(as: Int64.self), 2)
        XCTAssertEqual(cifar[2].0.max().item(), 20.0 / 255, accuracy: 1e-6)
        try write(records([1]).dropLast(), dir + "/test_batch.bin")
        XCTAssertThrowsError(try CIFAR10(root: dir, train: false)) {
            XCTAssertTrue("\($0)".contains("is not a whole number of 3073-byte records"), "\($0)")
        }
    }

    func testCIFAR100() throws {
        let dir = try temporaryDirectory()
        // (coarse, fine) labels, then pixels of value 2 x fine.
        let records = [(UInt8(4), UInt8(41)), (UInt8(19), UInt8(99))].flatMap { [$0.0, $0.1] + [UInt8](repeating: $0.1 &* 2, count: 3072) }
        try write(records, dir + "/train.bin")
        let fine = try CIFAR100(root: dir)
        XCTAssertEqual(fine.count, 2)
        XCTAssertEqual(fine[1].1.item(as: Int64.self), 99)
        XCTAssertEqual(fine[0].0.max().item(), 82.0 / 255, accuracy: 1e-6)
        XCTAssertEqual(try CIFAR100(root: dir, labels: .coarse)[1].1.item(as: Int64.self), 19)
        XCTAssertThrowsError(try CIFAR100(root: dir, train: false)) { XCTAssertTrue("\($0)".contains("test.bin"), "\($0)") }
    }

    func testCSV() throws {
        let dir = try temporaryDirectory()
        try "a,b,label\n1.5,2,0\n-1,0.25,2\n".write(toFile: dir + "/d.csv", atomically: true, encoding: .utf8)
        let csv = try CSVDataset(path: dir + "/d.csv")
        XCTAssertEqual(csv.columns, ["a", "b", "label"])
        XCTAssertEqual(csv.features.scalars(as: Float.self), [1.5, 2, -1, 0.25])
        XCTAssertEqual(csv.targets.scalars(as: Int64.self), [0, 2])
        try "a,b\n1,x\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CSVDataset(path: dir + "/bad.csv")) {
            XCTAssertTrue("\($0)".hasSuffix("row 1, column 2: 'x' is not a number"), "\($0)")
        }
    }

    func testText() throws {
        let text = TextDataset(text: "hello", blockSize: 2)
        XCTAssertEqual(text.vocabulary, ["e", "h", "l", "o"])
        XCTAssertEqual(text.count, 3)
        XCTAssertEqual(text.decode(text[1].0.scalars(as: Int64.self)), "el")
        XCTAssertEqual(text.decode(text[1].1.scalars(as: Int64.self)), "ll")
        let bytes = TextDataset(text: "hé", blockSize: 1, tokens: .bytes)
        XCTAssertEqual(bytes.tokens.scalars(as: Int64.self), [104, 195, 169])
        XCTAssertEqual(bytes.vocabularySize, 256)
    }
}
