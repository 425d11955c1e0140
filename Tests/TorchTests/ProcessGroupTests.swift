import Foundation
import TestSupport
import Torch
import XCTest

/// c10d through the C border in one process (world size 1); the multi-process behaviour is
/// tested with real processes in LightningTests.DistributedTests.
final class ProcessGroupTests: XCTestCase {
    func freePort() -> Int { 20_000 + Int(getpid() % 20_000) }

    func testAGlooGroupOfOneReadsBackTheOptionsWeWrote() throws {
        let store = try TCPStore(host: "127.0.0.1", port: freePort(), worldSize: 1, isServer: true, timeout: 30)
        let group = try ProcessGroup(store: store, rank: 0, size: 1, hostname: "127.0.0.1", timeout: 42.5)
        XCTAssertEqual(group.backendName, "gloo")
        XCTAssertEqual(group.timeout, 42.5)
        let t = Tensor([1.0, 2.0, 3.0] as [Float])
        try group.allReduce(t, op: .max)
        XCTAssertEqual(t.scalars(as: Float.self), [1, 2, 3])
        try group.broadcast(t, root: 0)
        try group.broadcastCoalesced([t, Tensor.ones([2])])
        let gathered = try group.allGather(t)
        XCTAssertEqual(gathered.count, 1)
        XCTAssertTrue(gathered[0].equal(t))
        try group.barrier()
        try store.set("key", Array("value".utf8))
        XCTAssertTrue(store.check("key"))
        XCTAssertEqual(String(decoding: try store.get("key", timeout: 1), as: UTF8.self), "value")
    }

    func testFailuresAreThrownWithC10dsMessage() throws {
        let store = try TCPStore(host: "127.0.0.1", port: freePort() + 1, worldSize: 1, isServer: true, timeout: 30)
        XCTAssertThrowsError(try store.get("never-set", timeout: 0.2)) { XCTAssertTrue("\($0)".contains("TCPStore.get(never-set)"), "\($0)") }
        XCTAssertThrowsError(try ProcessGroup(store: store, rank: 3, size: 1)) { XCTAssertTrue($0 is DistributedError, "\($0)") }
        XCTAssertThrowsError(try TCPStore(host: "127.0.0.1", port: 1, worldSize: 2, isServer: false, timeout: 0.5)) {
            XCTAssertTrue("\($0)".contains("TCPStore(127.0.0.1:1)"), "\($0)")
        }
    }

    func testANCCLGroupNeedsCUDAAndSaysSoWithoutIt() throws {
        let store = try TCPStore(host: "127.0.0.1", port: freePort() + 2, worldSize: 1, isServer: true, timeout: 30)
        if CUDA.isAvailable {
            let group = try ProcessGroup(backend: .nccl, store: store, rank: 0, size: 1, timeout: 60)
            XCTAssertEqual(group.backendName, "nccl")
            let t = Tensor([1.0, 2.0] as [Float]).to(device: .cuda(0))
            try group.allReduce(t)
            XCTAssertEqual(t.to(device: .cpu).scalars(as: Float.self), [1, 2])
            let cpu = Tensor([3.0] as [Float])
            try group.allReduce(cpu)
            XCTAssertEqual(cpu.scalars(as: Float.self), [3])
        } else {
            XCTAssertThrowsError(try ProcessGroup(backend: .nccl, store: store, rank: 0, size: 1)) {
                XCTAssertTrue("\($0)".contains("ProcessGroupNCCL(rank 0 of 1)"), "\($0)")
                XCTAssertTrue("\($0)".contains("the NCCL backend needs CUDA"), "\($0)")
                XCTAssertTrue("\($0)".contains(CUDA.unavailableReason ?? "?"), "\($0)")
            }
        }
    }

    /// The NCCL plugin, built and found beside the test binary, reaches libtorch's own
    /// ProcessGroupNCCL: in a copy of this test process that preloads libtorch_cuda (as a GPU
    /// machine's process loads it), the constructor runs and refuses for lack of a GPU.
    func testTheNCCLPluginReachesLibtorchsProcessGroupNCCL() throws {
        if ProcessInfo.processInfo.environment["NCCL_PLUGIN_PROBE_PORT"] != nil {
            let store = try TCPStore(host: "127.0.0.1", port: freePort() + 3, worldSize: 1, isServer: true, timeout: 30)
            XCTAssertThrowsError(try ProcessGroup(backend: .nccl, store: store, rank: 0, size: 1)) {
                XCTAssertTrue("\($0)".contains("ProcessGroupNCCL is only supported with GPUs, no GPUs found"), "\($0)")
            }
            return
        }
        if CUDA.isAvailable { throw XCTSkip("this machine has a GPU: testANCCLGroupNeedsCUDAAndSaysSoWithoutIt trains on it") }
        let name = "TorchTests.ProcessGroupTests/testTheNCCLPluginReachesLibtorchsProcessGroupNCCL"
        let result = try runProcess(CommandLine.arguments[0], [name], environment: [
            "NCCL_PLUGIN_PROBE_PORT": "1", "LD_PRELOAD": packageRoot + "/.libtorch/lib/libtorch_cuda.so",
        ])
        let output = result.stdout + result.stderr
        XCTAssertEqual(result.status, 0, output)
        XCTAssertTrue(output.contains("Executed 1 test, with 0 failures"), output)
    }
}
