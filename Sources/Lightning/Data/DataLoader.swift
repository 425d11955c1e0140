import Foundation
import Torch

/// A sample or collation that failed inside the data loader.
public struct DataLoaderError: Error, CustomStringConvertible {
    public let description: String
}

/// Batches of a dataset (`torch.utils.data.DataLoader`): shuffled per epoch by a seeded
/// sampler, collated, and with `numWorkers > 0` made by that many threads ahead of use (at
/// most `prefetchFactor` batches each), always delivered in order. The batches of an epoch
/// depend only on the seed and the epoch, never on the number of workers: with a `seed`, each
/// sample is read with a generator of its own (`Generator.sample`) for random transforms.
public final class DataLoader<Sample, Batch>: Sequence, @unchecked Sendable {
    public let batchSize: Int
    public let dropLast: Bool
    public let numWorkers: Int
    public let prefetchFactor: Int
    /// Whether batches are made in page-locked memory, for asynchronous copies to a GPU
    /// (`pin_memory`; ignored where CUDA is not available).
    public let pinMemory: Bool
    /// The visiting order.
    public internal(set) var sampler: Sampler
    /// What groups indices into batches instead of `sampler` and `batchSize`, when given.
    public let batchSampler: BatchSampler?
    /// The number of samples.
    public let datasetCount: Int
    let fetch: @Sendable (Int) -> Sample
    /// The seed per-sample generators come from (`Generator.sample`); nil: none are made.
    public let seed: UInt64?
    let collate: Collate<Sample, Batch>
    /// Makes a whole batch at once (`__getitems__`): for tensor datasets, one `index_select`
    /// per tensor instead of a row fetch per sample and a stack. Same batches, fewer ops.
    var fetchBatch: (@Sendable ([Int]) -> Batch)?

    /// What is wrong with the loader's arguments, if anything: the first batch asked for throws
    /// it (as `torch.utils.data.DataLoader` raises), instead of stopping the process here.
    public private(set) var misconfiguration: String?

    /// Whether batches are made whole (one indexing op per tensor) rather than row by row.
    public var makesWholeBatches: Bool { fetchBatch != nil }
    private var iterations = 0

    public convenience init<D: Dataset>(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: Sampler? = nil,
                                        numWorkers: Int = 0, prefetchFactor: Int = 2, dropLast: Bool = false, seed: UInt64? = nil,
                                        pinMemory: Bool = false, collate: Collate<Sample, Batch>) where D.Sample == Sample {
        let order = sampler ?? (shuffle ? RandomSampler(seed: seed ?? UInt64(Tensor.randint(0, Int(Int32.max), [1]).item(as: Int.self)))
                                        : SequentialSampler())
        self.init(dataset, batchSize: batchSize, dropLast: dropLast, sampler: order, batchSampler: nil, numWorkers: numWorkers,
                  prefetchFactor: prefetchFactor, pinMemory: pinMemory, seed: seed, collate: collate)
        if batchSize <= 0 {
            misconfiguration = misconfiguration ?? "batchSize should be a positive integer, but got \(batchSize)"
        } else if sampler != nil && shuffle {
            misconfiguration = misconfiguration ?? "sampler option is mutually exclusive with shuffle"
        }
    }

    /// Batches as `batchSampler` makes them (`DataLoader(dataset, batch_sampler=...)`): it chooses
    /// every batch's indices and their order; `batchSize` reads 0.
    public convenience init<D: Dataset>(_ dataset: D, batchSampler: BatchSampler, numWorkers: Int = 0, prefetchFactor: Int = 2,
                                        pinMemory: Bool = false, collate: Collate<Sample, Batch>) where D.Sample == Sample {
        self.init(dataset, batchSize: 0, dropLast: false, sampler: SequentialSampler(), batchSampler: batchSampler,
                  numWorkers: numWorkers, prefetchFactor: prefetchFactor, pinMemory: pinMemory, seed: nil, collate: collate)
    }

    private init<D: Dataset>(_ dataset: D, batchSize: Int, dropLast: Bool, sampler: Sampler, batchSampler: BatchSampler?,
                             numWorkers: Int, prefetchFactor: Int, pinMemory: Bool, seed: UInt64?, collate: Collate<Sample, Batch>) where D.Sample == Sample {
        (self.batchSize, self.dropLast, self.numWorkers, self.prefetchFactor) = (batchSize, dropLast, numWorkers, Swift.max(1, prefetchFactor))
        self.seed = seed
        (self.pinMemory, self.sampler, self.batchSampler) = (pinMemory, sampler, batchSampler)
        datasetCount = dataset.count
        fetch = { dataset[$0] }
        self.collate = collate
        if let problem = dataset.misconfiguration {
            misconfiguration = problem
        } else if numWorkers < 0 {
            misconfiguration = "numWorkers option should be non-negative, but got \(numWorkers)"
        }
    }

    /// A loader of the same dataset that visits it in `sampler`'s order (how the Trainer
    /// gives each rank its `DistributedSampler` share).
    public func replacingSampler(_ sampler: Sampler) -> DataLoader {
        DataLoader(copying: self, sampler: sampler)
    }

    private init(copying other: DataLoader, sampler: Sampler) {
        (batchSize, dropLast, numWorkers, prefetchFactor) = (other.batchSize, other.dropLast, other.numWorkers, other.prefetchFactor)
        (pinMemory, seed) = (other.pinMemory, other.seed)
        (datasetCount, fetch, collate, self.sampler) = (other.datasetCount, other.fetch, other.collate, sampler)
        (fetchBatch, batchSampler, misconfiguration) = (other.fetchBatch, other.batchSampler, other.misconfiguration)
    }

    /// The number of samples an epoch visits (the sampler's length).
    public var samplesPerEpoch: Int {
        batchSampler?.batches(count: datasetCount, epoch: 0).reduce(0) { $0 + $1.count } ?? sampler.length(count: datasetCount)
    }

    /// The number of batches in an epoch.
    public var count: Int {
        // A misconfigured loader has a first batch to ask for, which throws what is wrong.
        if misconfiguration != nil { return 1 }
        if let batchSampler { return batchSampler.length(count: datasetCount) }
        return dropLast ? samplesPerEpoch / batchSize : (samplesPerEpoch + batchSize - 1) / batchSize
    }

    /// Whether batches come in a different order each epoch.
    public var shuffles: Bool { sampler is RandomSampler || (sampler as? DistributedSampler)?.shuffle == true }

    /// The batches of `epoch`, starting after the first `skip` of them (to resume mid-epoch).
    public func epoch(_ epoch: Int, skip: Int = 0) -> EpochIterator {
        if let batchSampler {
            return EpochIterator(loader: self, epoch: epoch, batches: Array(batchSampler.batches(count: datasetCount, epoch: epoch).dropFirst(skip)))
        }
        let order = sampler.indices(count: datasetCount, epoch: epoch)
        let batches = stride(from: 0, to: order.count, by: Swift.max(batchSize, 1)).compactMap { start -> [Int]? in
            let end = Swift.min(start + batchSize, order.count)
            return dropLast && end - start < batchSize ? nil : Array(order[start..<end])
        }
        return EpochIterator(loader: self, epoch: epoch, batches: Array(batches.dropFirst(skip)))
    }

    /// Iterates one epoch; each new iteration is the next epoch (a new shuffle). Stops the
    /// process if a worker fails: call `epoch(_:)` and `next()` to handle errors.
    public func makeIterator() -> AnyIterator<Batch> {
        let iterator = epoch(iterations)
        iterations += 1
        return AnyIterator {
            do {
                return try iterator.next()
            } catch {
                fatalError("\(error)")
            }
        }
    }

    func make(_ indices: [Int], epoch: Int) throws -> Batch {
        try withTorchErrors {
            let batch = fetchBatch?(indices) ?? collate.combine(indices.map { index in
                guard let seed else { return fetch(index) }
                return Torch.Generator.withSample(seed: Torch.Generator.sampleSeed(seed, epoch: epoch, index: index)) { fetch(index) }
            })
            return pinMemory ? BatchTransfer.pin(batch) : batch
        }
    }

    /// The batches of one epoch, made on this thread or by worker threads.
    public final class EpochIterator: @unchecked Sendable {
        let loader: DataLoader
        let epoch: Int
        let batches: [[Int]]
        private var position = 0
        private let condition = NSCondition()
        private var ready: [Int: Result<Batch, Error>] = [:]
        private var cancelled = false
        private var started = false
        /// Worker threads that have not returned yet.
        private var running = 0

        init(loader: DataLoader, epoch: Int, batches: [[Int]]) {
            (self.loader, self.epoch, self.batches) = (loader, epoch, batches)
        }

        deinit { finish() }

        /// Stops the workers and waits until each has returned (a batch in progress is finished
        /// first); the epoch ends there.
        public func finish() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            while running > 0 { condition.wait() }
            condition.unlock()
        }

        /// The number of batches left.
        public var remaining: Int { batches.count - position }

        /// The next batch, or nil at the end of the epoch.
        public func next() throws -> Batch? {
            if let problem = loader.misconfiguration { throw DataLoaderError(description: "DataLoader: \(problem)") }
            guard position < batches.count else { return nil }
            defer { position += 1 }
            guard loader.numWorkers > 0 else {
                do {
                    return try loader.make(batches[position], epoch: epoch)
                } catch {
                    throw DataLoaderError(description: "DataLoader batch \(position): \(error)")
                }
            }
            if !started { startWorkers() }
            condition.lock()
            defer { condition.unlock() }
            while ready[position] == nil { condition.wait() }
            let result = ready.removeValue(forKey: position)!
            condition.broadcast()
            return try result.get()
        }

        private func startWorkers() {
            started = true
            let workers = loader.numWorkers, window = loader.numWorkers * loader.prefetchFactor
            condition.lock()
            running = workers
            condition.unlock()
            for worker in 0..<workers {
                let thread = Thread { [self] in
                    defer {
                        condition.lock()
                        running -= 1
                        condition.broadcast()
                        condition.unlock()
                    }
                    // The name debuggers and /proc show (Foundation keeps `Thread.name` to itself).
                    try? "DataLoader \(worker)".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
                    var b = worker
                    while b < batches.count {
                        condition.lock()
                        while !cancelled && b >= position + window { condition.wait() }
                        let stop = cancelled
                        condition.unlock()
                        if stop { return }
                        let result: Result<Batch, Error>
                        do {
                            result = .success(try withNoGrad { try loader.make(batches[b], epoch: epoch) })
                        } catch {
                            result = .failure(DataLoaderError(description: "DataLoader worker \(worker), batch \(b): \(error)"))
                        }
                        condition.lock()
                        ready[b] = result
                        condition.broadcast()
                        condition.unlock()
                        b += workers
                    }
                }
                thread.name = "DataLoader worker \(worker)"
                thread.start()
            }
        }
    }
}

extension DataLoader where Sample == [Tensor], Batch == (Tensor, Tensor) {
    /// Batches of (input, target) from a `TensorDataset` of two tensors.
    public convenience init(_ dataset: TensorDataset, batchSize: Int = 1, shuffle: Bool = false, sampler: Sampler? = nil,
                            numWorkers: Int = 0, prefetchFactor: Int = 2, dropLast: Bool = false, seed: UInt64? = nil,
                            pinMemory: Bool = false) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, numWorkers: numWorkers,
                  prefetchFactor: prefetchFactor, dropLast: dropLast, seed: seed, pinMemory: pinMemory, collate: .pair)
        guard dataset.tensors.count == 2 else {
            misconfiguration = misconfiguration ?? "a TensorDataset of \(dataset.tensors.count) tensors cannot give (input, target) batches; "
                + "give two tensors, or pass collate: to batch \(dataset.tensors.count) tensors"
            return
        }
        let (inputs, targets) = (dataset.tensors[0], dataset.tensors[1])
        fetchBatch = { indices in
            let index = Tensor(indices.map(Int64.init))
            return (inputs.indexSelect(dim: 0, index: index), targets.indexSelect(dim: 0, index: index))
        }
    }
}
