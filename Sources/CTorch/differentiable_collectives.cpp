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

namespace {

/// The whole of a tensor split equally along `dim` over the ranks, from this rank's part.
at::Tensor gather_along(c10d::ProcessGroup &group, const at::Tensor &part, int64_t dim) {
    std::vector<std::vector<at::Tensor>> out(1);
    for (int r = 0; r < group.getSize(); ++r) out[0].push_back(at::empty_like(part));
    std::vector<at::Tensor> in{part.contiguous()};
    group.allgather(out, in)->wait();
    return at::cat(out[0], dim);
}

/// This rank's equal part of `whole` along `dim`.
at::Tensor split_along(c10d::ProcessGroup &group, const at::Tensor &whole, int64_t dim) {
    const auto share = whole.size(dim) / group.getSize();
    return whole.narrow(dim, group.getRank() * share, share).contiguous();
}

/// The backward of a gather (own part of the gradient) or of a split (the gathered gradient).
struct GatherSplitBackward : torch::autograd::Node {
    c10::intrusive_ptr<c10d::ProcessGroup> group;
    int64_t dim = 0;
    /// Whether the forward gathered (so the backward splits).
    bool gathered = true;

    std::string name() const override { return gathered ? "GatherAlongBackward" : "SplitAlongBackward"; }

    torch::autograd::variable_list apply(torch::autograd::variable_list &&grads) override {
        return {gathered ? split_along(*group, grads[0], dim) : gather_along(*group, grads[0].contiguous(), dim)};
    }

    void release_variables() override { group.reset(); }
};

ct_tensor gather_or_split(ct_process_group group, ct_tensor input, int64_t dim, bool gather) {
    CT_GUARD(return ctorch::failed_tensor(), {
        const auto &x = ctorch::input(input);
        const auto d = dim < 0 ? dim + x.dim() : dim;
        TORCH_CHECK(d >= 0 && d < x.dim(), "dimension ", dim, " is out of range for a tensor of ", x.dim(), " dimensions");
        auto &pg = *group->group;
        TORCH_CHECK(gather || x.size(d) % pg.getSize() == 0, "size ", x.size(d), " of dimension ", dim,
                    " does not split over ", pg.getSize(), " ranks");
        auto y = gather ? gather_along(pg, x.detach(), d) : split_along(pg, x.detach(), d).clone();
        if (at::GradMode::is_enabled() && x.requires_grad()) {
            auto node = std::shared_ptr<GatherSplitBackward>(new GatherSplitBackward(), torch::autograd::deleteNode);
            node->set_next_edges(torch::autograd::collect_next_edges(x));
            node->group = group->group;
            node->dim = d;
            node->gathered = gather;
            torch::autograd::set_history(y, node);
        }
        return ctorch::release(y);
    })
}

}  // namespace

ct_tensor ct_gather_along_with_grad(ct_process_group group, ct_tensor input, int64_t dim) {
    return gather_or_split(group, input, dim, true);
}

ct_tensor ct_split_along_with_grad(ct_process_group group, ct_tensor input, int64_t dim) {
    return gather_or_split(group, input, dim, false);
}
