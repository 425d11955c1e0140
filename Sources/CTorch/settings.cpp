// Process-wide settings: intra-op threads, CUDA availability, deterministic algorithms.
#include "internal.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>

extern "C" {

void ct_set_num_threads(int32_t n) { at::set_num_threads(n); }

int32_t ct_get_num_threads(void) { return at::get_num_threads(); }

bool ct_cuda_is_available(void) { return at::hasCUDA(); }

int32_t ct_cuda_device_count(void) { return at::hasCUDA() ? static_cast<int32_t>(at::getNumGPUs()) : 0; }

int32_t ct_get_deterministic(void) {
    auto &context = at::globalContext();
    return context.deterministicAlgorithms() ? (context.deterministicAlgorithmsWarnOnly() ? 2 : 1) : 0;
}

int32_t ct_set_deterministic(bool enabled, bool warn_only) {
    CT_GUARD(return -1, {
        at::globalContext().setDeterministicAlgorithms(enabled, warn_only);
        return 0;
    })
}

}
