// The error border: thread-local messages and capture scopes.
#include "internal.h"

#include <c10/core/UndefinedTensorImpl.h>

#include <cstdlib>
#include <dlfcn.h>
#include <execinfo.h>

namespace {
thread_local std::string last_error;
thread_local std::string captured_error;
thread_local std::string returned_error;
thread_local int capture_depth = 0;
thread_local bool has_captured = false;
/// The call stack where the captured error happened, and the one of the error last returned.
thread_local void *captured_frames[64];
thread_local int captured_frame_count = 0;
thread_local void *returned_frames[64];
thread_local int returned_frame_count = 0;
}  // namespace

namespace ctorch {

ct_tensor placeholder() {
    return reinterpret_cast<ct_tensor>(c10::UndefinedTensorImpl::singleton());
}

const at::Tensor &input(const ct_tensor &h) {
    TORCH_CHECK(h != nullptr, "expected a tensor but got none");
    const at::Tensor &t = borrow(h);
    TORCH_CHECK(t.defined(), "this tensor is the placeholder result of an operation that failed earlier");
    return t;
}

void record_error(const char *message) {
    last_error = message;
    if (capture_depth > 0 && !has_captured) {
        captured_error = message;
        has_captured = true;
        captured_frame_count = backtrace(captured_frames, 64);
    }
}

bool capturing() { return capture_depth > 0; }

}  // namespace ctorch

extern "C" {

const char *ct_last_error(void) { return last_error.c_str(); }

void ct_capture_begin(void) { ++capture_depth; }

const char *ct_capture_end(void) {
    if (capture_depth > 0) --capture_depth;
    if (!has_captured) return nullptr;
    has_captured = false;
    returned_error = std::move(captured_error);
    captured_error.clear();
    returned_frame_count = captured_frame_count;
    for (int i = 0; i < captured_frame_count; ++i) returned_frames[i] = captured_frames[i];
    return returned_error.c_str();
}

bool ct_address_module(const void *address, const char **path, uintptr_t *base) {
    Dl_info info;
    if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return false;
    *path = info.dli_fname;
    *base = reinterpret_cast<uintptr_t>(info.dli_fbase);
    return true;
}

int32_t ct_capture_frames(void **out, int32_t capacity) {
    int32_t n = returned_frame_count < capacity ? returned_frame_count : capacity;
    for (int32_t i = 0; i < n; ++i) out[i] = returned_frames[i];
    return n;
}

bool ct_record_error(const char *message) {
    ctorch::record_error(message);
    return capture_depth > 0;
}

bool ct_is_capturing(void) { return capture_depth > 0; }

void ct_free(void *p) { std::free(p); }

}
