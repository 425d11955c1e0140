// Collectives that autograd differentiates (`torch.distributed.nn.functional`): the sum over
// ranks whose backward is the sum over ranks of the gradients, as the model's loss is the sum of
// every rank's (SyncBatchNorm's statistics go through it); and tensor parallelism's pair (Megatron's
// f and g): identity forward with summed gradients, and summed forward with gradients passed on.
#include "distributed_internal.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>

#include <memory>
#include <string>

namespace {

struct AllReduceSumBackward : torch::autograd::Node {
    c10::intrusive_ptr<c10d::ProcessGroup> group;
    /// Whether the gradient is summed over the ranks (else passed on as it is).
    bool reduce = true;

    std::string name() const override { return "AllReduceSumBackward"; }

    torch::autograd::variable_list apply(torch::autograd::variable_list &&grads) override {
        if (!reduce) return {grads[0]};
        std::vector<at::Tensor> list{grads[0].contiguous().clone()};
        group->allreduce(list)->wait();
        return {list[0]};
    }

    void release_variables() override { group.reset(); }
};

}  // namespace

ct_tensor ct_all_reduce_sum_with_grad_modes(ct_process_group group, ct_tensor input, bool forward, bool backward) {
    CT_GUARD(return ctorch::failed_tensor(), {
        const auto &x = ctorch::input(input);
        std::vector<at::Tensor> list{x.detach().contiguous().clone()};
        if (forward) group->group->allreduce(list)->wait();
        auto y = list[0];
        if (at::GradMode::is_enabled() && x.requires_grad()) {
            auto node = std::shared_ptr<AllReduceSumBackward>(new AllReduceSumBackward(), torch::autograd::deleteNode);
            node->set_next_edges(torch::autograd::collect_next_edges(x));
            node->group = group->group;
            node->reduce = backward;
            torch::autograd::set_history(y, node);
        }
        return ctorch::release(y);
    })
}

ct_tensor ct_all_reduce_sum_with_grad(ct_process_group group, ct_tensor input) {
    return ct_all_reduce_sum_with_grad_modes(group, input, true, true);
}
