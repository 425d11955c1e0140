import Lightning
import TestSupport
import Torch
import XCTest

/// The GPU accelerator as a machine without a GPU sees it, and (on a machine with one) real
/// epochs on it. One build serves both: libtorch's CUDA library is loaded only where the
/// NVIDIA driver is; the tests of the other kind of machine are skipped, saying why.
final class CUDAAcceleratorTests: XCTestCase {
    func requireGPU() throws {
        guard CUDA.isAvailable else { throw XCTSkip("needs a CUDA GPU: \(CUDA.unavailableReason ?? "none found")") }
    }

    func testGPURequestsWithoutAGPUAreRefusedSayingWhy() throws {
        if CUDA.isAvailable { throw XCTSkip("this machine has a GPU: testAnEpochOnTheGPU trains on it") }
        let reason = try XCTUnwrap(CUDA.unavailableReason)
        XCTAssertTrue(reason.contains("NVIDIA driver") || reason.contains("CUDA"), reason)
        XCTAssertThrowsError(try Trainer(accelerator: .gpu, enableCheckpointing: false)) {
            XCTAssertTrue("\($0)".contains(".gpu needs a CUDA device: \(reason)"), "\($0)")
        }
        XCTAssertEqual(try Trainer(accelerator: .auto, enableCheckpointing: false).acceleratorPlugin.device, .cpu)
        XCTAssertEqual(CUDA.deviceCount, 0)
        XCTAssertThrowsError(try CUDA.memoryStats(0)) { XCTAssertTrue("\($0)".contains("torch.cuda.memory_stats(0)"), "\($0)") }
        XCTAssertFalse(Tensor.ones([2]).isPinned)
    }

    func testAnEpochOnTheGPU() throws {
        try requireGPU()
        let trainer = try Trainer(accelerator: .gpu, devices: 1, maxEpochs: 1, enableCheckpointing: false,
                                  enableProgressBar: false, logger: [])
        XCTAssertEqual(trainer.acceleratorPlugin.device, .cuda(0))
        let model = TinyClassifier()
        let data = TensorDataset(Tensor.randn([64, 4]), Tensor.randint(0, 3, [64]))
        try trainer.fit(model, train: DataLoader(data, batchSize: 16, pinMemory: true))
        XCTAssertEqual(model.parameters()[0].device, .cuda(0))
        XCTAssertGreaterThan(try CUDA.memoryStats(0).peakAllocated, 0)
        XCTAssertTrue(trainer.acceleratorPlugin.deviceStats().contains { $0.0 == "allocated_bytes.all.peak_mb" })
    }

    func testACPURunLeavesBatchesWhereTheyAre() {
        let model = TinyClassifier()
        let batch = (Tensor.ones([2, 4]), Tensor.zeros([2], dtype: .int64))
        let same = model.transferBatchToDevice(batch, device: .cpu)
        XCTAssertTrue(same.0 === batch.0 && same.1 === batch.1)
    }

    func testBatchesMoveToTheGPU() throws {
        try requireGPU()
        let model = TinyClassifier()
        let moved = model.transferBatchToDevice((Tensor.ones([2, 4]), Tensor.zeros([2], dtype: .int64)), device: .cuda(0))
        XCTAssertEqual(moved.0.device, .cuda(0))
        XCTAssertEqual(moved.1.device, .cuda(0))
    }

    func testNCCLIsRefusedOnCPUs() throws {
        XCTAssertThrowsError(try Trainer(accelerator: .cpu, strategy: .ddp(processGroupBackend: .nccl), enableCheckpointing: false)) {
            XCTAssertTrue("\($0)".contains("processGroupBackend: .nccl reduces CUDA tensors and needs accelerator: .gpu"), "\($0)")
        }
        XCTAssertNoThrow(try Trainer(accelerator: .cpu, strategy: .ddp(processGroupBackend: .gloo), enableCheckpointing: false))
    }

    func testNCCLIsChosenOnGPUs() throws {
        try requireGPU()
        let trainer = try Trainer(accelerator: .gpu, devices: 1, strategy: .ddp, maxEpochs: 1, enableCheckpointing: false,
                                  enableProgressBar: false, logger: [])
        let model = TinyClassifier()
        try trainer.fit(model, train: DataLoader(TensorDataset(Tensor.randn([32, 4]), Tensor.randint(0, 3, [32])), batchSize: 8))
        XCTAssertEqual((trainer.strategyPlugin as? any ParallelStrategy)?.context.group?.backendName, "nccl")
    }
}
