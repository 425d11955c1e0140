import Foundation

/// NVIDIA's management library (`libnvidia-ml.so.1`, part of the driver), opened at run time
/// for the GPU's utilisation and temperature; nil where there is no driver.
final class NVML: @unchecked Sendable {
    private typealias Init = @convention(c) () -> Int32
    private typealias HandleByIndex = @convention(c) (UInt32, UnsafeMutablePointer<OpaquePointer?>) -> Int32
    private typealias Utilization = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt32>) -> Int32
    private typealias Temperature = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<UInt32>) -> Int32

    private let handleByIndex: HandleByIndex
    private let utilization: Utilization
    private let temperature: Temperature

    /// The library, initialised once per process.
    static let shared: NVML? = NVML()

    private init?() {
        guard let library = dlopen("libnvidia-ml.so.1", RTLD_LAZY),
              let initialize = dlsym(library, "nvmlInit_v2"), let byIndex = dlsym(library, "nvmlDeviceGetHandleByIndex_v2"),
              let rates = dlsym(library, "nvmlDeviceGetUtilizationRates"), let temp = dlsym(library, "nvmlDeviceGetTemperature"),
              unsafeBitCast(initialize, to: Init.self)() == 0
        else { return nil }
        handleByIndex = unsafeBitCast(byIndex, to: HandleByIndex.self)
        utilization = unsafeBitCast(rates, to: Utilization.self)
        temperature = unsafeBitCast(temp, to: Temperature.self)
    }

    /// GPU and memory-controller use (percent of the last sample period) and the GPU's temperature (°C).
    func reading(device: Int) -> (gpuPercent: Double, memoryPercent: Double, temperature: Double)? {
        var handle: OpaquePointer?
        guard handleByIndex(UInt32(device), &handle) == 0 else { return nil }
        var rates: [UInt32] = [0, 0]
        var celsius: UInt32 = 0
        guard utilization(handle, &rates) == 0, temperature(handle, 0, &celsius) == 0 else { return nil }
        return (Double(rates[0]), Double(rates[1]), Double(celsius))
    }
}
