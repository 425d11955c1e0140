// CUDA from libtorch's own CUDA library (libtorch_cuda.so beside libtorch_cpu.so), loaded when
// the process starts on a machine with an NVIDIA driver, so that one build runs with and
// without a GPU. Everything else goes through ATen's device-generic accelerator API: no CUDA
// header is needed here.
#include "internal.h"

#include <ATen/Context.h>
#include <ATen/DeviceAccelerator.h>
#include <ATen/detail/CUDAHooksInterface.h>

#include <dlfcn.h>

#include <cstdlib>
#include <string>

namespace {

std::string &cuda_status() {
    static std::string status = "not loaded";
    return status;
}

/// The folder of the libtorch this process runs on.
std::string libtorch_folder() {
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&at::globalContext), &info) == 0 || info.dli_fname == nullptr) return ".";
    std::string path = info.dli_fname;
    auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// Must run before ATen first asks for its CUDA hooks (it caches the answer), hence at load time.
__attribute__((constructor)) void load_cuda() {
    if (std::getenv("SWIFT_LIGHTNING_DISABLE_CUDA") != nullptr) {
        cuda_status() = "CUDA disabled by SWIFT_LIGHTNING_DISABLE_CUDA";
        return;
    }
    if (dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL) == nullptr) {
        cuda_status() = "no NVIDIA driver on this machine (libcuda.so.1 not found)";
        return;
    }
    auto path = libtorch_folder() + "/libtorch_cuda.so";
    if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {
        const char *error = dlerror();
        cuda_status() = "this libtorch has no CUDA library (" + path + ": " + (error ? error : "not found") + ")";
        return;
    }
    cuda_status() = "";
}

c10::DeviceIndex index(int32_t device) { return static_cast<c10::DeviceIndex>(device); }

}  // namespace

extern "C" {

const char *ct_cuda_status(void) { return cuda_status().c_str(); }

int32_t ct_cuda_set_device(int32_t device) {
    CT_GUARD(return -1, {
        at::accelerator::setDeviceIndex(index(device));
        return 0;
    })
}

int32_t ct_cuda_synchronize(int32_t device) {
    CT_GUARD(return -1, {
        at::accelerator::synchronizeDevice(index(device));
        return 0;
    })
}

int32_t ct_cuda_memory_stats(int32_t device, int64_t *out) {
    CT_GUARD(return -1, {
        auto stats = at::accelerator::getDeviceStats(index(device));
        auto all = static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE);
        out[0] = stats.allocated_bytes[all].current;
        out[1] = stats.reserved_bytes[all].current;
        out[2] = stats.allocated_bytes[all].peak;
        out[3] = stats.reserved_bytes[all].peak;
        return 0;
    })
}

int32_t ct_cuda_reset_peak_memory_stats(int32_t device) {
    CT_GUARD(return -1, {
        at::accelerator::resetPeakStats(index(device));
        return 0;
    })
}

int32_t ct_cuda_empty_cache(void) {
    CT_GUARD(return -1, {
        at::accelerator::emptyCache();
        return 0;
    })
}

void ct_set_cudnn_benchmark(bool enabled) { at::globalContext().setBenchmarkCuDNN(enabled); }

bool ct_cudnn_benchmark(void) { return at::globalContext().benchmarkCuDNN(); }

ct_tensor ct_pin_memory(ct_tensor tensor) {
    CT_GUARD(return ctorch::failed_tensor(), { return ctorch::release(ctorch::input(tensor).pin_memory()); })
}

bool ct_is_pinned(ct_tensor tensor) {
    CT_GUARD(return false, { return ctorch::input(tensor).is_pinned(); })
}

}
