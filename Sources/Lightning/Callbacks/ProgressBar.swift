import Foundation
import Torch

/// Shows training progress (`TQDMProgressBar`): on a terminal one line redrawn in place with
/// the epoch, a bar, batches done, elapsed and remaining time, it/s and the progress-bar
/// metrics; elsewhere (a pipe, a file) one plain line per epoch, so logs stay readable.
public final class ProgressBar: Callback {
    /// Batches between redraws.
    public let refreshRate: Int
    /// Seconds between redraws at least (as tqdm's `mininterval`), so drawing never costs a step.
    public let minInterval: Double
    private var lastDraw = Date.distantPast
    let stream: FileHandle
    /// Whether the output is a terminal (redraws) or not (plain lines).
    public let isTerminal: Bool
    private var epochStart = Date()
    private var total = 0

    public init(refreshRate: Int = 1, minInterval: Double = 0.1, stream: FileHandle = .standardOutput,
                isTerminal: Bool? = nil) {
        (self.refreshRate, self.minInterval, self.stream) = (max(1, refreshRate), minInterval, stream)
        self.isTerminal = isTerminal ?? (isatty(stream.fileDescriptor) == 1)
    }

    public func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        epochStart = Date()
        total = trainer.trainBatchesPerEpoch
    }

    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        let done = batchIdx + 1
        guard isTerminal, done % refreshRate == 0 || done == total else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= minInterval || done == total else { return }
        lastDraw = now
        write("\r" + line(trainer, done: done) + "\u{1B}[K")
    }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        let text = line(trainer, done: total)
        if isTerminal {
            write("\r" + text + "\u{1B}[K\n")
        } else {
            trainer.printer(text)
        }
    }

    private func write(_ text: String) { try? stream.write(contentsOf: Data(text.utf8)) }

    /// `Epoch 3: 45%|████▌     | 9/20 [00:01<00:01, 8.52it/s, loss=0.123]`.
    func line(_ trainer: Trainer, done: Int) -> String {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 10
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: " ", count: width - filled)
        let elapsed = Date().timeIntervalSince(epochStart)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        func clock(_ s: Double) -> String { String(format: "%02d:%02d", Int(s) / 60, Int(s) % 60) }
        let metrics = trainer.progressBarMetrics.keys.sorted().map {
            String(format: "%@=%.4g", $0 as NSString, trainer.progressBarMetrics[$0]!.item())
        }
        return "Epoch \(trainer.currentEpoch): \(Int(fraction * 100))%|\(bar)| \(done)/\(total) "
            + "[\(clock(elapsed))<\(clock(remaining)), " + String(format: "%.2fit/s", rate)
            + (metrics.isEmpty ? "" : ", " + metrics.joined(separator: ", ")) + "]"
    }
}
