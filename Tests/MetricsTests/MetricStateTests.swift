import Metrics
import TestSupport
import Torch
import XCTest

/// The Metric base: forward, reset, persistent states, and mistakes reported clearly.
final class MetricStateTests: XCTestCase {
    final class Holder: Module {
        let accuracy = Accuracy(task: .multiclass, numClasses: 3, average: .macro)
        let linear = Linear(2, 2)
    }

    func testForwardGivesTheBatchValueAndAccumulatesAndResetStartsAgain() {
        let metric = MeanMetric()
        XCTAssertEqual(metric(Tensor([1, 2, 3] as [Float])).item(), 2)
        XCTAssertEqual(metric(Tensor([10] as [Float])).item(), 10)
        XCTAssertEqual(metric.batchValue?.item(), 10)
        XCTAssertEqual(metric.compute().item(), 4, "the mean of all four values, not of the two batch means")
        XCTAssertEqual(metric.updates, 2)
        metric.reset()
        XCTAssertEqual(metric.updates, 0)
        metric.update(Tensor([5] as [Float]))
        XCTAssertEqual(metric.compute().item(), 5)
    }

    func testMetricsAreOutOfTheStateDictUnlessPersistentAndThenRoundTrip() throws {
        let scores = Tensor([[3, 0, 0], [0, 3, 0], [0, 3, 0], [0, 0, 3]] as [[Float]])
        let labels = Tensor([0, 1, 2, 2] as [Int64])
        let holder = Holder()
        holder.accuracy.update(scores, labels)
        XCTAssertEqual(holder.stateDict().keys, ["linear.weight", "linear.bias"])
        XCTAssertTrue(holder.buffers().isEmpty, "metric states are not buffers, so DDP does not broadcast them")
        holder.accuracy.persistent()
        XCTAssertEqual(holder.stateDict().keys, ["accuracy.tp", "accuracy.fp", "accuracy.tn", "accuracy.fn", "linear.weight", "linear.bias"])
        let restored = Holder()
        restored.accuracy.persistent()
        try restored.loadStateDict(holder.stateDict())
        XCTAssertEqual(restored.accuracy.compute().item(), holder.accuracy.compute().item())
        XCTAssertEqual(restored.accuracy.compute().item(), (1 + 1 + 0.5) / 3, accuracy: 1e-6)
    }

    func testMistakesAreErrorsThatSayWhatIsWrong() {
        XCTAssertThrowsError(try withTorchErrors { _ = Accuracy(task: .multiclass) }) { error in
            XCTAssertTrue("\(error)".contains("task .multiclass needs numClasses of at least 2, got nil"), "\(error)")
        }
        XCTAssertThrowsError(try withTorchErrors { MeanSquaredError().update(Tensor.ones([3]), Tensor.ones([4])) }) { error in
            XCTAssertTrue("\(error)".contains("predictions and targets must have the same shape, got [3] and [4]"), "\(error)")
        }
        XCTAssertThrowsError(try withTorchErrors { _ = Accuracy(task: .binary, topK: 2) }) { error in
            XCTAssertTrue("\(error)".contains("topK must be between 1 and numClasses"), "\(error)")
        }
    }
}
