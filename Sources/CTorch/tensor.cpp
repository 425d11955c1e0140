// Tensor lifetime, metadata and element access.
#include "internal.h"

#include <ATen/ops/empty.h>

#include <cstring>

using ctorch::borrow;
using ctorch::input;

extern "C" {

ct_tensor ct_tensor_share(ct_tensor t) { return ctorch::release(ctorch::borrow(t)); }

void ct_tensor_free(ct_tensor t) {
    if (t == nullptr) return;
    c10::intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>::reclaim(
        reinterpret_cast<c10::TensorImpl *>(t));
}

ct_tensor ct_tensor_undefined(void) { return ctorch::placeholder(); }

bool ct_tensor_defined(ct_tensor t) { return t != nullptr && borrow(t).defined(); }

ct_tensor ct_tensor_from_data(const void *data, const int64_t *shape, int64_t ndim, int32_t dtype) {
    CT_GUARD(return ctorch::failed_tensor(), {
        auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
        at::Tensor t = at::empty(c10::IntArrayRef(shape, ndim), options);
        if (t.numel() > 0) std::memcpy(t.mutable_data_ptr(), data, t.nbytes());
        return ctorch::release(std::move(t));
    })
}

int32_t ct_tensor_copy_data(ct_tensor h, void *dst, size_t nbytes) {
    CT_GUARD(return ctorch::failed_status(), {
        at::Tensor t = input(h).to(at::kCPU).contiguous();
        TORCH_CHECK(t.nbytes() == nbytes, "copy_data: the tensor holds ", t.nbytes(), " bytes, the buffer ", nbytes);
        if (nbytes > 0) std::memcpy(dst, t.const_data_ptr(), nbytes);
        return 0;
    })
}

int64_t ct_tensor_dim(ct_tensor t) { return ct_tensor_defined(t) ? borrow(t).dim() : 0; }

int32_t ct_tensor_sizes(ct_tensor t, int64_t *out) {
    if (!ct_tensor_defined(t)) return 0;
    auto s = borrow(t).sizes();
    std::memcpy(out, s.data(), s.size() * sizeof(int64_t));
    return 0;
}

int32_t ct_tensor_strides(ct_tensor t, int64_t *out) {
    if (!ct_tensor_defined(t)) return 0;
    CT_GUARD(return ctorch::failed_status(), {
        auto s = borrow(t).strides();
        std::memcpy(out, s.data(), s.size() * sizeof(int64_t));
        return 0;
    })
}

int64_t ct_tensor_numel(ct_tensor t) { return ct_tensor_defined(t) ? borrow(t).numel() : 0; }

int32_t ct_tensor_dtype(ct_tensor t) {
    return ct_tensor_defined(t) ? static_cast<int32_t>(borrow(t).scalar_type())
                                : static_cast<int32_t>(at::kFloat);
}

int32_t ct_tensor_device(ct_tensor t, int32_t *index) {
    if (!ct_tensor_defined(t)) {
        *index = -1;
        return 0;
    }
    auto d = borrow(t).device();
    *index = d.index();
    return static_cast<int32_t>(d.type());
}

bool ct_tensor_is_contiguous(ct_tensor t) { return ct_tensor_defined(t) && borrow(t).is_contiguous(); }

}

extern "C" {

int32_t ct_tensor_item_double(ct_tensor t, double *out) {
    *out = 0;
    CT_GUARD(return ctorch::failed_status(), {
        *out = input(t).item().toDouble();
        return 0;
    })
}

int32_t ct_tensor_item_int(ct_tensor t, int64_t *out) {
    *out = 0;
    CT_GUARD(return ctorch::failed_status(), {
        *out = input(t).item().toLong();
        return 0;
    })
}

}
