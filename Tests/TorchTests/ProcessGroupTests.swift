import Foundation
import Torch
import XCTest

/// c10d through the C border in one process (world size 1); the multi-process behaviour is
/// tested with real processes in LightningTests.DistributedTests.
final class ProcessGroupTests: XCTestCase {
    func freePort() -> Int { 20_000 + Int(getpid() % 20_000) }

    func testAGlooGroupOfOneReadsBackTheOptionsWeWrote() throws {
        let store = try TCPStore(host: "127.0.0.1", port: freePort(), worldSize: 1, isServer: true, timeout: 30)
        let group = try ProcessGroup.gloo(store: store, rank: 0, size: 1, hostname: "127.0.0.1", timeout: 42.5)
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
        XCTAssertThrowsError(try ProcessGroup.gloo(store: store, rank: 3, size: 1)) { XCTAssertTrue($0 is DistributedError, "\($0)") }
        XCTAssertThrowsError(try TCPStore(host: "127.0.0.1", port: 1, worldSize: 2, isServer: false, timeout: 0.5)) {
            XCTAssertTrue("\($0)".contains("TCPStore(127.0.0.1:1)"), "\($0)")
        }
    }
}
