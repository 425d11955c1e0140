import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Batching, shuffling, workers and splits.
final class DataLoaderTests: XCTestCase {
    private let dataset = TensorDataset(Tensor.arange(0, 50, dtype: .float32).reshape([25, 2]), Tensor.arange(25))

    private func labels(_ loader: DataLoader<[Tensor], (Tensor, Tensor)>, epoch: Int) throws -> [[Int64]] {
        var out: [[Int64]] = []
        let it = loader.epoch(epoch)
        while let (_, y) = try it.next() { out.append(y.scalars(as: Int64.self)) }
        return out
    }

    func testBatchesCountsAndDropLast() throws {
        let loader = DataLoader(dataset, batchSize: 10)
        XCTAssertEqual(loader.count, 3)
        XCTAssertEqual(try labels(loader, epoch: 0).map(\.count), [10, 10, 5])
        XCTAssertEqual(try labels(loader, epoch: 0)[0], Array(0..<10))
        let dropping = DataLoader(dataset, batchSize: 10, dropLast: true)
        XCTAssertEqual(dropping.count, 2)
        XCTAssertEqual(try labels(dropping, epoch: 0).map(\.count), [10, 10])
    }

    /// Visits the even samples only.
    struct EvenSampler: Sampler {
        func indices(count: Int, epoch: Int) -> [Int] { Array(stride(from: 0, to: count, by: 2)) }
    }

    /// Batches of growing size, in reverse order: what a sampler and a batch size cannot make.
    struct GrowingBatches: BatchSampler {
        func batches(count: Int, epoch: Int) -> [[Int]] {
            var out: [[Int]] = [], start = 0, size = 1
            while start < count {
                out.append(Array(start..<min(start + size, count)).reversed())
                (start, size) = (start + size, size + 1)
            }
            return out
        }
    }

    func testCountsFollowTheSamplerAndBatchSamplersMakeTheBatches() throws {
        let even = DataLoader(dataset, batchSize: 4, sampler: EvenSampler())
        XCTAssertEqual(even.count, 4, "13 of 25 samples in batches of 4")
        XCTAssertEqual(try labels(even, epoch: 0).map(\.count), [4, 4, 4, 1])
        for workers in [0, 2] {
            let growing = DataLoader(dataset, batchSampler: GrowingBatches(), numWorkers: workers, collate: .pair)
            XCTAssertEqual(growing.count, 7)
            XCTAssertEqual(growing.batchSize, 0)
            let batches = try labels(growing, epoch: 0)
            XCTAssertEqual(batches.map(\.count), [1, 2, 3, 4, 5, 6, 4])
            XCTAssertEqual(batches[2], [5, 4, 3])
        }
        let trainer = try Trainer(maxEpochs: 1, enableCheckpointing: false, enableProgressBar: false, enableModelSummary: false, logger: [])
        let model = TinyClassifier()
        try trainer.fit(model, train: DataLoader(classificationData(count: 28), batchSampler: GrowingBatches(), collate: .pair))
        XCTAssertEqual(trainer.globalStep, 7, "one step per batch the batch sampler made")
    }

    func testShuffleDependsOnSeedAndEpochNotOnWorkers() throws {
        let serial = try labels(DataLoader(dataset, batchSize: 4, shuffle: true, seed: 3), epoch: 1)
        for workers in [1, 3, 8] {
            XCTAssertEqual(try labels(DataLoader(dataset, batchSize: 4, shuffle: true, numWorkers: workers, seed: 3), epoch: 1), serial)
        }
        XCTAssertNotEqual(try labels(DataLoader(dataset, batchSize: 4, shuffle: true, seed: 3), epoch: 2), serial)
        XCTAssertNotEqual(try labels(DataLoader(dataset, batchSize: 4, shuffle: true, seed: 4), epoch: 1), serial)
        XCTAssertEqual(serial.flatMap { $0 }.sorted(), Array(0..<25), "every sample once")
        let expected = Tensor.randperm(25, generator: Generator(seed: 4)).scalars(as: Int64.self)
        XCTAssertEqual(try labels(DataLoader(dataset, batchSize: 25, shuffle: true, seed: 3), epoch: 1)[0], expected,
                       "epoch e draws randperm from a generator seeded with seed + e")
    }

    func testResumeSkipsBatchesAndIterationReshuffles() throws {
        let loader = DataLoader(dataset, batchSize: 4, shuffle: true, numWorkers: 2, seed: 9)
        let all = try labels(loader, epoch: 0)
        var rest: [[Int64]] = []
        let it = loader.epoch(0, skip: 2)
        while let (_, y) = try it.next() { rest.append(y.scalars(as: Int64.self)) }
        XCTAssertEqual(rest, Array(all.dropFirst(2)))
        let first = loader.map { $0.1[0].item(as: Int64.self) }
        let second = loader.map { $0.1[0].item(as: Int64.self) }
        XCTAssertNotEqual(first, second, "each `for` over the loader is a new epoch")
    }

    func testWorkersPrefetchBoundedAndStopEarly() throws {
        final class Counting: Dataset, @unchecked Sendable {
            let lock = NSLock()
            var reads = 0
            var count: Int { 1000 }
            subscript(index: Int) -> Tensor {
                lock.lock()
                reads += 1
                lock.unlock()
                return Tensor(Float(index))
            }
        }
        let data = Counting()
        let loader = DataLoader(data, batchSize: 10, numWorkers: 2, prefetchFactor: 2, collate: .stack)
        do {
            let it = loader.epoch(0)
            _ = try it.next()
            Thread.sleep(forTimeInterval: 0.3)
            data.lock.lock()
            let reads = data.reads
            data.lock.unlock()
            XCTAssertLessThanOrEqual(reads, (1 + 2 * 2 + 2) * 10, "at most numWorkers * prefetchFactor batches ahead")
        }
        XCTAssertEqual(try loader.epoch(0, skip: 99).next()?.scalars(as: Float.self), (990..<1000).map(Float.init))
    }

    func testAFailingSampleIsAnErrorNamingTheBatch() throws {
        let bad = ArrayDataset([Tensor.ones([2]), Tensor.ones([3])])
        for workers in [0, 2] {
            let loader = DataLoader(bad, batchSize: 2, numWorkers: workers, collate: .stack)
            XCTAssertThrowsError(try loader.epoch(0).next()) { error in
                XCTAssertTrue("\(error)".contains("batch 0") && "\(error)".contains("stack expects each tensor to be equal size"), "\(error)")
            }
        }
    }

    func testTensorDatasetBatchesAreMadeWholeAndEqualRowByRowCollation() throws {
        let data = TensorDataset(Tensor.randn([50, 3]), Tensor.randint(0, 5, [50]))
        let whole = DataLoader(data, batchSize: 8, shuffle: true, seed: 3)
        let rows = DataLoader<[Tensor], (Tensor, Tensor)>(data, batchSize: 8, shuffle: true, seed: 3, collate: .pair)
        XCTAssertTrue(whole.makesWholeBatches)
        XCTAssertFalse(rows.makesWholeBatches)
        for epoch in 0..<2 {
            let (a, b) = (whole.epoch(epoch), rows.epoch(epoch))
            while let x = try a.next() {
                let y = try b.next()!
                XCTAssertTrue(x.0.equal(y.0) && x.1.equal(y.1))
            }
            XCTAssertNil(try b.next())
        }
    }

    func testCollationOfTuplesArraysDictionariesAndNumbers() throws {
        let pairs = ArrayDataset((0..<4).map { (Tensor([Float($0)]), Tensor(Int64($0))) })
        let (x, y) = try DataLoader(pairs, batchSize: 4, collate: .pair).epoch(0).next()!
        XCTAssertEqual(x.shape, [4, 1])
        XCTAssertEqual(y.scalars(as: Int64.self), [0, 1, 2, 3])
        let dicts = ArrayDataset((0..<3).map { ["a": Tensor(Float($0)), "b": Tensor.ones([2])] })
        let batch = try DataLoader(dicts, batchSize: 3, collate: .dictionary).epoch(0).next()!
        XCTAssertEqual(batch["b"]!.shape, [3, 2])
        let numbers = try DataLoader(ArrayDataset([1, 2, 3]), batchSize: 3, collate: .integers).epoch(0).next()!
        XCTAssertEqual(numbers.scalars(as: Int64.self), [1, 2, 3])
        let rows = try DataLoader(dataset, batchSize: 5, collate: Collate<[Tensor], [Tensor]>.stack).epoch(0).next()!
        XCTAssertEqual(rows.map(\.shape), [[5, 2], [5]])
    }

    func testRandomSplit() throws {
        let parts = try randomSplit(dataset, lengths: [0.8, 0.2], generator: Generator(seed: 1))
        XCTAssertEqual(parts.map(\.count), [20, 5])
        XCTAssertEqual(Set(parts.flatMap(\.indices)), Set(0..<25))
        let again = try randomSplit(dataset, lengths: [20, 5], generator: Generator(seed: 1))
        XCTAssertEqual(again[1].indices, parts[1].indices)
    }

    /// As PyTorch raises them, bad arguments are errors (at the first batch), never a crash.
    func testBadArgumentsAreThrownAtTheFirstBatchInsteadOfStoppingTheProcess() throws {
        func firstBatchError<B>(_ loader: DataLoader<[Tensor], B>) -> String {
            if case .failure(let error) = Result(catching: { try loader.epoch(0).next() }) { return "\(error)" }
            return "no error"
        }
        let x = Tensor.randn([8, 2]), y = Tensor.zeros([8], dtype: .int64)
        let three = DataLoader(TensorDataset(x, y, Tensor.arange(8)), batchSize: 4)
        XCTAssertTrue(firstBatchError(three).contains("a TensorDataset of 3 tensors cannot give (input, target) batches"), firstBatchError(three))
        XCTAssertTrue(firstBatchError(DataLoader(TensorDataset(x, y), batchSize: 0)).contains("batchSize should be a positive integer, but got 0"))
        XCTAssertTrue(firstBatchError(DataLoader(TensorDataset(x, y), batchSize: 2, shuffle: true, sampler: SequentialSampler()))
            .contains("sampler option is mutually exclusive with shuffle"))
        XCTAssertTrue(firstBatchError(DataLoader(TensorDataset(x, y), batchSize: 2, numWorkers: -1)).contains("numWorkers option should be non-negative"))
        XCTAssertTrue(firstBatchError(DataLoader(TensorDataset(x, Tensor.zeros([5])), batchSize: 2)).contains("Size mismatch between tensors"))
        XCTAssertTrue(firstBatchError(DataLoader(TensorDataset(), batchSize: 2)).contains("TensorDataset needs at least one tensor"))
        let text = DataLoader(TextDataset(text: "hello", blockSize: 0), batchSize: 2, collate: .pair)
        XCTAssertThrowsError(try text.epoch(0).next()) { XCTAssertTrue("\($0)".contains("TextDataset: blockSize must be positive, got 0"), "\($0)") }
        XCTAssertThrowsError(try DistributedSampler(numReplicas: 2, rank: 2)) {
            XCTAssertTrue("\($0)".contains("invalid rank 2, rank should be in the interval [0, 1]"), "\($0)")
        }
        XCTAssertThrowsError(try randomSplit(TensorDataset(x, y), lengths: [3, 3])) {
            XCTAssertTrue("\($0)".contains("sum of input lengths (6) does not equal the length of the input dataset (8)"), "\($0)")
        }
        XCTAssertThrowsError(try MixedPrecision(dtype: .float32)) { XCTAssertTrue("\($0)".contains("must be .float16 or .bfloat16"), "\($0)") }
        let stream = IterableDataLoader(count: 1, batchSize: 0, collate: Collate<Int, Int> { $0.reduce(0, +) }) { _ in AnySequence([1, 2]) }
            .stream(epoch: 0, skip: 0)
        XCTAssertThrowsError(try stream.next()) { XCTAssertTrue("\($0)".contains("batchSize should be a positive integer"), "\($0)") }
        final class NoStep: LightningModule<(Tensor, Tensor)> {
            let net = Linear(2, 2)
            override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
        }
        let trainer = try Trainer(maxEpochs: 1, enableCheckpointing: false, enableProgressBar: false, enableModelSummary: false, logger: [])
        XCTAssertThrowsError(try trainer.fit(NoStep(), train: DataLoader(TensorDataset(x, y), batchSize: 4))) {
            XCTAssertTrue("\($0)".contains("NoStep must override trainingStep(_:batchIdx:) to be trained"), "\($0)")
        }
        XCTAssertThrowsError(try trainer.fit(TinyClassifier(), train: DataLoader(TensorDataset(x, y), batchSize: 0))) {
            XCTAssertTrue("\($0)".contains("DataLoader: batchSize should be a positive integer, but got 0"), "\($0)")
        }
    }
}
