// Random number generators: the default ones, new ones, seeds and full states.
#include "internal.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>

#include <mutex>

namespace {
at::Generator &gen(ct_generator g) { return *reinterpret_cast<at::Generator *>(g); }
}  // namespace

extern "C" {

ct_generator ct_generator_default(int32_t device_type, int32_t device_index) {
    CT_GUARD(return nullptr, {
        auto type = static_cast<c10::DeviceType>(device_type);
        at::Generator g = type == c10::DeviceType::CPU
                              ? at::detail::getDefaultCPUGenerator()
                              : at::globalContext().defaultGenerator(c10::Device(type, device_index));
        return reinterpret_cast<ct_generator>(new at::Generator(std::move(g)));
    })
}

ct_generator ct_generator_new(int32_t device_type, int32_t device_index, uint64_t seed) {
    CT_GUARD(return nullptr, {
        auto type = static_cast<c10::DeviceType>(device_type);
        at::Generator g;
        if (type == c10::DeviceType::CPU) {
            g = at::detail::createCPUGenerator(seed);
        } else {
            TORCH_CHECK(type == c10::DeviceType::CUDA, "generators exist for CPU and CUDA only");
            g = at::detail::getCUDAHooks().getNewGenerator(device_index);
            std::lock_guard<std::mutex> lock(g.mutex());
            g.set_current_seed(seed);
        }
        return reinterpret_cast<ct_generator>(new at::Generator(std::move(g)));
    })
}

void ct_generator_free(ct_generator g) { delete reinterpret_cast<at::Generator *>(g); }

int32_t ct_generator_manual_seed(ct_generator g, uint64_t seed) {
    CT_GUARD(return -1, {
        std::lock_guard<std::mutex> lock(gen(g).mutex());
        gen(g).set_current_seed(seed);
        return 0;
    })
}

uint64_t ct_generator_initial_seed(ct_generator g) { return gen(g).current_seed(); }

ct_tensor ct_generator_get_state(ct_generator g) {
    CT_GUARD(return ctorch::failed_tensor(), {
        std::lock_guard<std::mutex> lock(gen(g).mutex());
        return ctorch::release(gen(g).get_state());
    })
}

int32_t ct_generator_set_state(ct_generator g, ct_tensor state) {
    CT_GUARD(return ctorch::failed_status(), {
        std::lock_guard<std::mutex> lock(gen(g).mutex());
        gen(g).set_state(ctorch::input(state));
        return 0;
    })
}

}
