// Activation checkpointing (`torch.utils.checkpoint`, the reentrant form): a function's forward
// runs without recording a graph, and its backward runs the function again with gradients on
// and back-propagates through that second forward. Only the input is kept between the two.
#include "internal.h"

#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>

#include <memory>
#include <string>

namespace {

/// The caller's function and the context it needs; the context is released once, with the last owner.
struct Body {
    ct_checkpoint_fn call;
    ct_checkpoint_release release;
    void *context;
    ~Body() { release(context); }

    at::Tensor run(const at::Tensor &input) const {
        ct_tensor out = call(context, ctorch::release(input));
        TORCH_CHECK(out != nullptr, "the checkpointed function returned no tensor");
        return at::Tensor(c10::intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>::reclaim(
            reinterpret_cast<c10::TensorImpl *>(out)));
    }
};

struct CheckpointBackward : torch::autograd::Node {
    std::shared_ptr<Body> body;
    at::Tensor input;
    bool input_requires_grad = false;

    std::string name() const override { return "CheckpointBackward"; }

    torch::autograd::variable_list apply(torch::autograd::variable_list &&grads) override {
        TORCH_CHECK(body, "a checkpointed function's backward ran twice; its recomputation is freed after the first");
        at::AutoGradMode enable(true);
        auto x = input.detach().requires_grad_(input_requires_grad);
        auto y = body->run(x);
        TORCH_CHECK(y.requires_grad(), "the checkpointed function's output does not depend on anything that requires a gradient");
        torch::autograd::backward({y}, {grads[0]});
        return {input_requires_grad ? x.grad() : at::Tensor()};
    }

    void release_variables() override {
        input.reset();
        body.reset();
    }
};

}  // namespace

ct_tensor ct_checkpoint(ct_tensor input, ct_checkpoint_fn call, ct_checkpoint_release release, void *context) {
    std::shared_ptr<Body> body(new Body{call, release, context});
    CT_GUARD(return ctorch::failed_tensor(), {
        const auto &x = ctorch::input(input);
        bool recording = at::GradMode::is_enabled();
        at::Tensor y;
        {
            at::NoGradGuard no_grad;
            y = body->run(x);
        }
        if (!recording) return ctorch::release(y);
        auto node = std::shared_ptr<CheckpointBackward>(new CheckpointBackward(), torch::autograd::deleteNode);
        node->set_next_edges(torch::autograd::collect_next_edges(x));
        node->body = body;
        node->input = x.detach();
        node->input_requires_grad = x.requires_grad();
        torch::autograd::set_history(y, node);
        return ctorch::release(y);
    })
}
