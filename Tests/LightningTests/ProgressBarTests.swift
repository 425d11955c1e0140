import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// The progress bar on a real pseudo-terminal redraws one line; on a pipe it prints plain lines.
final class ProgressBarTests: XCTestCase {
    func testRedrawsOneLineOnATerminal() throws {
        // posix_openpt by hand: open the multiplexer, unlock the pair, find its number.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(master, 0)
        var unlock: Int32 = 0, number: UInt32 = 0
        XCTAssertEqual(ioctl(master, 0x4004_5431, &unlock), 0)
        XCTAssertEqual(ioctl(master, 0x8004_5430, &number), 0)
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(slave, 0)
        final class Received: @unchecked Sendable {
            let lock = NSLock()
            var data = Data()
            var finished = false
        }
        let received = Received()
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { break }
                received.lock.lock()
                received.data.append(contentsOf: buffer[0..<n])
                received.lock.unlock()
            }
            received.lock.lock()
            received.finished = true
            received.lock.unlock()
        }
        reader.start()

        let bar = ProgressBar(minInterval: 0, stream: FileHandle(fileDescriptor: slave))
        XCTAssertTrue(bar.isTerminal, "isatty on the pty")
        let output = OutputCapture()
        let trainer = try makeTrainer(try temporaryDirectory(), output: output) {
            try Trainer(maxEpochs: 2, enableModelSummary: false, defaultRootDir: $0, callbacks: [bar])
        }
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(count: 32), batchSize: 8))
        close(slave)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            received.lock.lock()
            let finished = received.finished
            received.lock.unlock()
            if finished { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        received.lock.lock()
        let text = String(decoding: received.data, as: UTF8.self)
        received.lock.unlock()
        close(master)
        XCTAssertEqual(text.components(separatedBy: "\r\n").count - 1, 2, "one finished line per epoch: \(text.debugDescription)")
        XCTAssertEqual(text.components(separatedBy: "Epoch 0:").count - 1, 5, "four redraws and the final line of epoch 0")
        XCTAssertTrue(text.contains("Epoch 1: 100%|██████████| 4/4 ["), text.debugDescription)
        XCTAssertTrue(text.contains("\r\u{1B}[K") || text.contains("\u{1B}[K"), "clears the rest of the line")
        XCTAssertEqual(output.lines, [], "nothing goes to the plain printer on a terminal")
    }

    func testPrintsPlainLinesElsewhere() throws {
        let pipe = Pipe()
        let bar = ProgressBar(stream: pipe.fileHandleForWriting)
        XCTAssertFalse(bar.isTerminal)
        let output = OutputCapture()
        let trainer = try makeTrainer(try temporaryDirectory(), output: output) {
            try Trainer(maxEpochs: 3, enableModelSummary: false, defaultRootDir: $0, callbacks: [bar])
        }
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(count: 32), batchSize: 8))
        XCTAssertEqual(output.lines.count, 3)
        XCTAssertTrue(output.lines[2].hasPrefix("Epoch 2: 100%|██████████| 4/4 ["), output.lines[2])
    }
}
