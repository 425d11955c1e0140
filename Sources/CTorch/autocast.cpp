// Autocast through libtorch's own policy (the op lists PyTorch's torch.autocast uses).
#include "internal.h"

#include <ATen/autocast_mode.h>

int32_t ct_autocast_enter(int32_t device_type, int32_t dtype, bool *previous_enabled, int32_t *previous_dtype) {
    CT_GUARD(return -1, {
        auto device = static_cast<c10::DeviceType>(device_type);
        *previous_enabled = at::autocast::is_autocast_enabled(device);
        *previous_dtype = static_cast<int32_t>(at::autocast::get_autocast_dtype(device));
        at::autocast::set_autocast_enabled(device, true);
        at::autocast::set_autocast_dtype(device, static_cast<c10::ScalarType>(dtype));
        at::autocast::increment_nesting();
        return 0;
    })
}

int32_t ct_autocast_exit(int32_t device_type, bool previous_enabled, int32_t previous_dtype) {
    CT_GUARD(return -1, {
        auto device = static_cast<c10::DeviceType>(device_type);
        if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
        at::autocast::set_autocast_enabled(device, previous_enabled);
        at::autocast::set_autocast_dtype(device, static_cast<c10::ScalarType>(previous_dtype));
        return 0;
    })
}

bool ct_autocast_is_enabled(int32_t device_type) {
    return at::autocast::is_autocast_enabled(static_cast<c10::DeviceType>(device_type));
}
