// libtorch's NCCL process group (c10d::ProcessGroupNCCL), built against the CUDA and NCCL headers
// of the torch wheel's nvidia packages (scripts/setup.sh adds the two header-only ones the wheel
// lacks). Its libtorch symbols stay unresolved until CTorch opens this library in a process
// that has loaded libtorch_cuda.
#include "CTorchNCCL.h"

#include <cstring>

#if __has_include(<nccl.h>) && __has_include(<crt/host_config.h>) && __has_include(<nv/target>)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include <chrono>
#include <exception>

extern "C" void *ct_nccl_backend_create(void *store, int32_t rank, int32_t size, double timeout_s, char *error,
                                        size_t capacity) {
    try {
        auto options = c10d::ProcessGroupNCCL::Options::create();
        options->timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000.0));
        auto &shared = *static_cast<c10::intrusive_ptr<c10d::Store> *>(store);
        c10::intrusive_ptr<c10d::Backend> backend = c10::make_intrusive<c10d::ProcessGroupNCCL>(shared, rank, size, options);
        return new c10::intrusive_ptr<c10d::Backend>(std::move(backend));
    } catch (const c10::Error &e) {
        std::strncpy(error, e.what_without_backtrace(), capacity - 1);
    } catch (const std::exception &e) {
        std::strncpy(error, e.what(), capacity - 1);
    }
    error[capacity - 1] = 0;
    return nullptr;
}
#else
extern "C" void *ct_nccl_backend_create(void *, int32_t, int32_t, double, char *error, size_t capacity) {
    std::strncpy(error, "swift-lightning was built without the CUDA and NCCL headers (the torch wheel's nvidia packages)",
                 capacity - 1);
    error[capacity - 1] = 0;
    return nullptr;
}
#endif
