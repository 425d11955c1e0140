// Autograd: gradients on tensors, backward, torch.autograd.grad and the grad modes.
#include "internal.h"

#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/anomaly_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>

#include <vector>

using ctorch::borrow;
using ctorch::input;

namespace {
thread_local std::string grad_fn_name;

std::vector<at::Tensor> tensors(const ct_tensor *handles, int64_t n, bool allow_null) {
    std::vector<at::Tensor> out;
    out.reserve(n);
    for (int64_t i = 0; i < n; ++i) {
        if (allow_null && handles[i] == nullptr) {
            out.emplace_back();
        } else {
            out.push_back(input(handles[i]));
        }
    }
    return out;
}
}  // namespace

extern "C" {

bool ct_tensor_requires_grad(ct_tensor t) { return ct_tensor_defined(t) && borrow(t).requires_grad(); }

int32_t ct_tensor_set_requires_grad(ct_tensor t, bool value) {
    CT_GUARD(return ctorch::failed_status(), {
        input(t).set_requires_grad(value);
        return 0;
    })
}

bool ct_tensor_is_leaf(ct_tensor t) { return !ct_tensor_defined(t) || borrow(t).is_leaf(); }

int32_t ct_tensor_retain_grad(ct_tensor t) {
    CT_GUARD(return ctorch::failed_status(), {
        input(t).retain_grad();
        return 0;
    })
}

ct_tensor ct_tensor_grad(ct_tensor t) {
    if (!ct_tensor_defined(t)) return nullptr;
    const at::Tensor &g = borrow(t).grad();
    return g.defined() ? ctorch::release(g) : nullptr;
}

int32_t ct_tensor_set_grad(ct_tensor t, ct_tensor grad) {
    CT_GUARD(return ctorch::failed_status(), {
        input(t).mutable_grad() = grad == nullptr ? at::Tensor() : input(grad);
        return 0;
    })
}

const char *ct_tensor_grad_fn_name(ct_tensor t) {
    if (!ct_tensor_defined(t)) return nullptr;
    const auto &fn = borrow(t).grad_fn();
    if (!fn) return nullptr;
    grad_fn_name = fn->name();
    auto colon = grad_fn_name.rfind("::");
    if (colon != std::string::npos) grad_fn_name = grad_fn_name.substr(colon + 2);
    return grad_fn_name.c_str();
}

int32_t ct_backward(const ct_tensor *roots, const ct_tensor *grads, int64_t n, bool retain_graph,
                    bool create_graph) {
    CT_GUARD(return ctorch::failed_status(), {
        torch::autograd::backward(tensors(roots, n, false), tensors(grads, n, true),
                                  retain_graph ? std::optional<bool>(true) : std::nullopt, create_graph);
        return 0;
    })
}

int32_t ct_autograd_grad(const ct_tensor *outputs, const ct_tensor *grad_outputs, int64_t n_outputs,
                         const ct_tensor *inputs, int64_t n_inputs, bool retain_graph,
                         bool create_graph, bool allow_unused, ct_tensor *results) {
    CT_GUARD(
        {
            for (int64_t i = 0; i < n_inputs; ++i) results[i] = ctorch::failed_tensor();
            return ctorch::failed_status();
        },
        {
            auto grads = torch::autograd::grad(
                tensors(outputs, n_outputs, false), tensors(inputs, n_inputs, false),
                tensors(grad_outputs, n_outputs, true),
                retain_graph ? std::optional<bool>(true) : std::nullopt, create_graph, allow_unused);
            for (int64_t i = 0; i < n_inputs; ++i) {
                results[i] = grads[i].defined() ? ctorch::release(grads[i]) : nullptr;
            }
            return 0;
        })
}

bool ct_set_grad_enabled(bool enabled) {
    bool previous = at::GradMode::is_enabled();
    at::GradMode::set_enabled(enabled);
    return previous;
}

bool ct_is_grad_enabled(void) { return at::GradMode::is_enabled(); }

void *ct_inference_mode_enter(bool enabled) { return new c10::InferenceMode(enabled); }

void ct_inference_mode_exit(void *guard) { delete static_cast<c10::InferenceMode *>(guard); }

bool ct_is_inference_mode_enabled(void) { return c10::InferenceMode::is_enabled(); }

void ct_set_anomaly_enabled(bool enabled, bool check_nan) {
    torch::autograd::AnomalyMode::set_enabled(enabled, check_nan);
}

bool ct_is_anomaly_enabled(void) { return torch::autograd::AnomalyMode::is_enabled(); }

}
