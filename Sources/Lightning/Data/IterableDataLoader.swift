import Torch

/// Batches from a stream of samples (`IterableDataset` with a `DataLoader`): for data without
/// random access, such as lines read from a file or samples generated on the fly. `samples`
/// makes the stream of an epoch; a resumed epoch skips the batches already done.
public final class IterableDataLoader<Sample, Batch>: BatchLoader {
    public let batchSize: Int
    public let dropLast: Bool
    /// The number of batches per epoch, when known (Lightning needs it for fractional limits).
    public let count: Int
    let samples: (Int) -> AnySequence<Sample>
    let collate: Collate<Sample, Batch>

    public init(count: Int, batchSize: Int = 1, dropLast: Bool = false, collate: Collate<Sample, Batch>,
                samples: @escaping (_ epoch: Int) -> AnySequence<Sample>) {
        (self.count, self.batchSize, self.dropLast, self.collate, self.samples) = (count, batchSize, dropLast, collate, samples)
    }

    public var shuffles: Bool { false }

    public func stream(epoch: Int, skip: Int) -> BatchStream<Batch> {
        let iterator = samples(epoch).makeIterator()
        var skipped = 0
        let (batchSize, dropLast, collate) = (self.batchSize, self.dropLast, self.collate)
        return BatchStream(next: {
            guard batchSize > 0 else {
                throw DataLoaderError(description: "IterableDataLoader: batchSize should be a positive integer, but got \(batchSize)")
            }
            while true {
                var chunk: [Sample] = []
                while chunk.count < batchSize, let sample = iterator.next() { chunk.append(sample) }
                if chunk.isEmpty || (dropLast && chunk.count < batchSize) { return nil }
                if skipped < skip {
                    skipped += 1
                    continue
                }
                return try withTorchErrors { collate.combine(chunk) }
            }
        })
    }
}
