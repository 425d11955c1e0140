import Torch

/// Data preparation and loaders in one place (`LightningDataModule`).
open class LightningDataModule<Batch> {
    public init() {}

    /// Downloads or generates data once (on one process).
    open func prepareData() {}
    /// Builds the datasets for a stage.
    open func setup(stage: Stage) {}
    open func teardown(stage: Stage) {}
    open func trainDataloader() -> (any BatchLoader<Batch>)? { nil }
    open func valDataloader() -> (any BatchLoader<Batch>)? { nil }
    open func testDataloader() -> (any BatchLoader<Batch>)? { nil }
    open func predictDataloader() -> (any BatchLoader<Batch>)? { nil }
    /// State saved in checkpoints.
    open func stateDict() -> StateValue { .dict([(StateValue, StateValue)]()) }
    /// Restores `stateDict()`.
    open func loadStateDict(_ state: StateValue) {}
}
