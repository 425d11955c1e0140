// Shared by the CTorch translation units: handle conversion and the error border.
#pragma once

#include "ctorch.h"

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <exception>
#include <string>

namespace ctorch {

static_assert(sizeof(at::Tensor) == sizeof(void *), "at::Tensor must be one pointer wide");

/// Views a handle as the at::Tensor it owns, without touching the reference count.
inline const at::Tensor &borrow(const ct_tensor &h) {
    return *reinterpret_cast<const at::Tensor *>(&h);
}

/// Hands one strong reference of `t` to the caller as a handle.
inline ct_tensor release(at::Tensor t) {
    return reinterpret_cast<ct_tensor>(t.unsafeReleaseTensorImpl());
}

/// Reads a tensor argument, refusing placeholders of failed calls with a clear message.
const at::Tensor &input(const ct_tensor &h);

/// The handle of an undefined tensor: the placeholder a failed call returns inside a capture scope.
ct_tensor placeholder();

/// Records a failure's message for ct_last_error and, inside a capture scope, as the captured error.
void record_error(const char *message);

/// Whether this thread is inside a capture scope.
bool capturing();

/// What a handle-returning call gives back after a failure.
inline ct_tensor failed_tensor() { return capturing() ? placeholder() : nullptr; }
/// What a status-returning call gives back after a failure.
inline int32_t failed_status() { return capturing() ? 0 : -1; }

}  // namespace ctorch

/// Wraps a function body so that no C++ exception crosses the border.
#define CT_GUARD(on_error, ...)                                   \
    try {                                                         \
        __VA_ARGS__                                               \
    } catch (const c10::Error &e) {                               \
        ctorch::record_error(e.what_without_backtrace());         \
        on_error;                                                 \
    } catch (const std::exception &e) {                           \
        ctorch::record_error(e.what());                           \
        on_error;                                                 \
    } catch (...) {                                               \
        ctorch::record_error("unknown C++ exception in libtorch"); \
        on_error;                                                 \
    }

/// CT_GUARD for one named operator: its messages start with the operator's name
/// (`aten::add.Tensor: ...`), as the boxed calls' do.
#define CT_GUARD_OP(name, on_error, ...)                                                       \
    try {                                                                                       \
        __VA_ARGS__                                                                             \
    } catch (const c10::Error &e) {                                                            \
        ctorch::record_error((std::string(name) + ": " + e.what_without_backtrace()).c_str()); \
        on_error;                                                                               \
    } catch (const std::exception &e) {                                                        \
        ctorch::record_error((std::string(name) + ": " + e.what()).c_str());                  \
        on_error;                                                                               \
    } catch (...) {                                                                             \
        ctorch::record_error("unknown C++ exception in libtorch");                              \
        on_error;                                                                               \
    }
