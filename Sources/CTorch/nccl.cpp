// The NCCL backend comes from a plugin (Sources/CTorchNCCL, built as libCTorchNCCL.so): it is
// compiled against CUDA headers and resolves libtorch_cuda's symbols, so it is opened only when
// a job asks for NCCL, in a process that loaded libtorch's CUDA library (see cuda.cpp).
#include "distributed_internal.h"

#include "../CTorchNCCL/include/CTorchNCCL.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>

namespace {

/// The plugin's path: $SWIFT_LIGHTNING_NCCL_PLUGIN, else libCTorchNCCL.so beside the executable.
std::string plugin_path() {
    if (const char *path = std::getenv("SWIFT_LIGHTNING_NCCL_PLUGIN")) return path;
    char buffer[PATH_MAX];
    auto n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
    std::string exe = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
    auto slash = exe.rfind('/');
    return (slash == std::string::npos ? std::string(".") : exe.substr(0, slash)) + "/libCTorchNCCL.so";
}

ct_nccl_backend_create_fn load_plugin() {
    if (dlopen("libtorch_cuda.so", RTLD_NOW | RTLD_NOLOAD) == nullptr) {
        TORCH_CHECK(false, "the NCCL backend needs CUDA, and this process has none: ", ct_cuda_status());
    }
    auto path = plugin_path();
    void *library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char *error = dlerror();
        TORCH_CHECK(false, "could not load the NCCL plugin ", path, " (", error ? error : "unknown error",
                    "); build it with `swift build --product CTorchNCCL` or set SWIFT_LIGHTNING_NCCL_PLUGIN");
    }
    auto entry = reinterpret_cast<ct_nccl_backend_create_fn>(dlsym(library, "ct_nccl_backend_create"));
    TORCH_CHECK(entry != nullptr, "the NCCL plugin ", path, " has no ct_nccl_backend_create");
    return entry;
}

}  // namespace

namespace ctorch {

c10::intrusive_ptr<c10d::Backend> nccl_backend(const c10::intrusive_ptr<c10d::Store> &store, int32_t rank, int32_t size,
                                               double timeout_s) {
    static const auto create = load_plugin();
    char error[1024] = {0};
    auto shared = store;
    auto *backend = static_cast<c10::intrusive_ptr<c10d::Backend> *>(create(&shared, rank, size, timeout_s, error, sizeof(error)));
    TORCH_CHECK(backend != nullptr, error);
    auto result = std::move(*backend);
    delete backend;
    return result;
}

}  // namespace ctorch
