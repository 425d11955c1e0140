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

/// This rank's equal part along `dim` of the sum over the ranks of `whole` (a reduce-scatter).
at::Tensor reduce_scatter_along(c10d::ProcessGroup &group, const at::Tensor &whole, int64_t dim) {
    auto front = whole.movedim(dim, 0).contiguous();
    auto sizes = front.sizes().vec();
    sizes[0] /= group.getSize();
    auto out = at::empty(sizes, front.options());
    group._reduce_scatter_base(out, front)->wait();
    return out.movedim(0, dim).contiguous();
}

/// What a region border does forward; its backward does the transpose.
enum class Border { gather, split, gather_reduced, reduce_scatter };

at::Tensor cross(c10d::ProcessGroup &group, const at::Tensor &x, int64_t dim, Border border) {
    switch (border) {
    case Border::gather:
    case Border::gather_reduced: return gather_along(group, x, dim);
    case Border::split: return split_along(group, x, dim);
    case Border::reduce_scatter: return reduce_scatter_along(group, x, dim);
    }
    return x;
}

/// Forward gather, backward own part; forward split, backward gather; forward gather, backward
/// reduce-scatter (the ranks' gradients of the whole are partial); forward reduce-scatter,
/// backward gather.
Border transpose(Border border) {
    switch (border) {
    case Border::gather: return Border::split;
    case Border::split: return Border::gather;
    case Border::gather_reduced: return Border::reduce_scatter;
    case Border::reduce_scatter: return Border::gather;
    }
    return border;
}

struct RegionBorderBackward : torch::autograd::Node {
    c10::intrusive_ptr<c10d::ProcessGroup> group;
    int64_t dim = 0;
    Border border = Border::gather;

    std::string name() const override { return "RegionBorderBackward"; }

    torch::autograd::variable_list apply(torch::autograd::variable_list &&grads) override {
        return {cross(*group, grads[0].contiguous(), dim, transpose(border))};
    }

    void release_variables() override { group.reset(); }
};

ct_tensor cross_border(ct_process_group group, ct_tensor input, int64_t dim, Border border) {
    CT_GUARD(return ctorch::failed_tensor(), {
        const auto &x = ctorch::input(input);
        const auto d = dim < 0 ? dim + x.dim() : dim;
        TORCH_CHECK(d >= 0 && d < x.dim(), "dimension ", dim, " is out of range for a tensor of ", x.dim(), " dimensions");
        auto &pg = *group->group;
        const bool splits = border == Border::split || border == Border::reduce_scatter;
        TORCH_CHECK(!splits || x.size(d) % pg.getSize() == 0, "size ", x.size(d), " of dimension ", dim,
                    " does not split over ", pg.getSize(), " ranks");
        auto y = cross(pg, x.detach(), d, border);
        if (border == Border::split) y = y.clone();
        if (at::GradMode::is_enabled() && x.requires_grad()) {
            auto node = std::shared_ptr<RegionBorderBackward>(new RegionBorderBackward(), torch::autograd::deleteNode);
            node->set_next_edges(torch::autograd::collect_next_edges(x));
            node->group = group->group;
            node->dim = d;
            node->border = border;
            torch::autograd::set_history(y, node);
        }
        return ctorch::release(y);
    })
}

}  // namespace

ct_tensor ct_gather_along_with_grad(ct_process_group group, ct_tensor input, int64_t dim) {
    return cross_border(group, input, dim, Border::gather);
}

ct_tensor ct_split_along_with_grad(ct_process_group group, ct_tensor input, int64_t dim) {
    return cross_border(group, input, dim, Border::split);
}

ct_tensor ct_gather_along_reducing_grad(ct_process_group group, ct_tensor input, int64_t dim) {
    return cross_border(group, input, dim, Border::gather_reduced);
}

ct_tensor ct_reduce_scatter_along_with_grad(ct_process_group group, ct_tensor input, int64_t dim) {
    return cross_border(group, input, dim, Border::reduce_scatter);
}
