// Fully sharded data parallel units (ZeRO stage 3): a group of parameters flattened into one
// buffer, of which each rank keeps a 1/N shard. The full buffer is all-gathered when the
// parameters are needed and freed after; gradients are reduce-scattered to the shards.
//
// Two autograd hooks make this work without changing the model:
// - saved tensors that live in a unit's buffer are packed as (unit, view) instead of holding
//   the memory, and unpacking gathers the unit again (PyTorch's FSDP does the same with
//   saved-tensor hooks), so a unit can be freed after its forward;
// - a post hook on each parameter's gradient accumulator counts the gradients of the unit;
//   when the last one arrives they are reduce-scattered and the full buffer is freed.
#include "distributed_internal.h"

#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/csrc/autograd/saved_variable_hooks.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace {

struct Unit {
    c10::intrusive_ptr<c10d::ProcessGroup> group;
    int64_t rank = 0, world = 1;
    std::vector<at::Tensor> params;
    std::vector<std::vector<int64_t>> shapes;
    std::vector<int64_t> offsets, numels;
    int64_t padded = 0, shard_numel = 0;
    c10::Storage storage;
    at::Tensor shard;
    std::vector<std::shared_ptr<torch::autograd::Node>> accumulators;
    bool gathered = true, reduced = true, active = true;
    /// Freed, but the parameters show their full shapes (while their gradients are accumulated).
    bool shaped = false;
    int64_t pending = 0, gathers = 0;

    at::Tensor full() const {
        return at::empty({0}, shard.options().requires_grad(false)).set_(storage, 0, {padded}, {1});
    }

    void gather() {
        if (gathered) return;
        at::NoGradGuard no_grad;
        auto bytes = static_cast<size_t>(padded) * shard.element_size();
        storage.unsafeGetStorageImpl()->set_data_ptr_noswap(storage.allocator()->allocate(bytes));
        storage.unsafeGetStorageImpl()->set_nbytes(bytes);
        auto out = full();
        auto in = shard.detach();
        group->_allgather_base(out, in)->wait();
        show_shapes();
        gathered = true;
        shaped = false;
        gathers++;
    }

    void show_shapes() {
        for (size_t i = 0; i < params.size(); i++) params[i].unsafeGetTensorImpl()->set_sizes_contiguous(shapes[i]);
    }

    /// Gradient accumulation reads only a parameter's shape and strides (to lay out `.grad`
    /// like it): a freed unit shows them without gathering its values.
    void shape_for_gradients() {
        if (gathered || shaped) return;
        show_shapes();
        shaped = true;
    }

    void release() {
        if (!gathered && !shaped) return;
        for (auto &param : params) param.unsafeGetTensorImpl()->set_sizes_contiguous({0});
        if (gathered) {
            storage.unsafeGetStorageImpl()->set_data_ptr_noswap(at::DataPtr(nullptr, shard.device()));
            storage.unsafeGetStorageImpl()->set_nbytes(0);
        }
        gathered = shaped = false;
    }

    /// Sums the unit's gradients over ranks into each rank's shard (averaged), then frees them.
    void reduce_gradients() {
        if (reduced) return;
        reduced = true;
        at::NoGradGuard no_grad;
        auto flat = at::zeros({padded}, shard.options().requires_grad(false));
        for (size_t i = 0; i < params.size(); i++) {
            auto &grad = params[i].mutable_grad();
            if (grad.defined()) {
                flat.narrow(0, offsets[i], numels[i]).copy_(grad.reshape({-1}));
                grad.reset();
            }
        }
        auto out = at::empty({shard_numel}, flat.options());
        group->_reduce_scatter_base(out, flat)->wait();
        out.div_(static_cast<double>(world));
        auto &grad = shard.mutable_grad();
        if (grad.defined()) {
            grad.add_(out);
        } else {
            grad = out;
        }
        release();
    }
};

/// Runs before a parameter's gradient accumulator.
struct ShapeBeforeAccumulation : torch::autograd::FunctionPreHook {
    std::weak_ptr<Unit> unit;
    explicit ShapeBeforeAccumulation(std::weak_ptr<Unit> unit) : unit(std::move(unit)) {}
    torch::autograd::variable_list operator()(const torch::autograd::variable_list &grads) override {
        if (auto u = unit.lock(); u && u->active) u->shape_for_gradients();
        return grads;
    }
};

/// Units by the storage of their full buffer, for the saved-tensor hooks.
struct Registry {
    std::mutex mutex;
    std::unordered_map<const c10::StorageImpl *, std::weak_ptr<Unit>> units;
    std::atomic<int64_t> live{0};

    std::shared_ptr<Unit> find(const at::Tensor &t) {
        if (!t.defined() || !t.has_storage()) return nullptr;
        std::lock_guard<std::mutex> lock(mutex);
        auto it = units.find(t.storage().unsafeGetStorageImpl());
        return it == units.end() ? nullptr : it->second.lock();
    }
};

Registry &registry() {
    static auto *r = new Registry();
    return *r;
}

/// Packs a tensor saved for backward: a view of a unit's buffer by position only (the
/// buffer may be freed meanwhile), anything else as is.
struct ShardAwareHooks : torch::autograd::SavedVariableHooks {
    at::Tensor kept;
    std::shared_ptr<Unit> unit;
    std::vector<int64_t> sizes, strides;
    int64_t offset = 0;

    void call_pack_hook(const at::Tensor &tensor) override {
        unit = registry().find(tensor);
        if (unit) {
            sizes = tensor.sizes().vec();
            strides = tensor.strides().vec();
            offset = tensor.storage_offset();
        } else {
            kept = tensor.detach();
        }
    }

    at::Tensor call_unpack_hook() override {
        if (!unit) return kept;
        unit->gather();
        return at::empty({0}, unit->shard.options().requires_grad(false)).set_(unit->storage, offset, sizes, strides);
    }
};

/// The autograd engine, plus the hooks above while any unit exists.
struct ShardedEngine : torch::autograd::Engine {
    std::unique_ptr<torch::autograd::SavedVariableHooks> get_default_saved_variable_hooks() override {
        if (registry().live.load() == 0) return nullptr;
        return std::make_unique<ShardAwareHooks>();
    }
};

torch::autograd::Engine &sharded_engine() {
    static auto *engine = new ShardedEngine();
    return *engine;
}

}  // namespace

struct ct_sharded_unit_s {
    std::shared_ptr<Unit> unit;
};

ct_sharded_unit ct_sharded_unit_new(ct_process_group group, const ct_tensor *params, int32_t n) {
    CT_GUARD(return nullptr, {
        TORCH_CHECK(n > 0, "a sharded unit needs at least one parameter");
        static std::once_flag engine_installed;
        std::call_once(engine_installed, [] { torch::autograd::set_default_engine_stub(&sharded_engine); });
        at::NoGradGuard no_grad;
        auto unit = std::make_shared<Unit>();
        unit->group = group->group;
        unit->rank = group->group->getRank();
        unit->world = group->group->getSize();
        int64_t total = 0;
        auto options = ctorch::input(params[0]).options();
        for (int32_t i = 0; i < n; i++) {
            const auto &p = ctorch::input(params[i]);
            TORCH_CHECK(p.dtype() == options.dtype() && p.device() == options.device(),
                        "the parameters of a sharded unit must share one dtype and device; parameter ", i, " is ",
                        p.toString(), " on ", p.device(), ", the first is ", options.dtype(), " on ", options.device());
            unit->params.push_back(p);
            unit->shapes.push_back(p.sizes().vec());
            unit->offsets.push_back(total);
            unit->numels.push_back(p.numel());
            total += p.numel();
        }
        unit->shard_numel = (total + unit->world - 1) / unit->world;
        unit->padded = unit->shard_numel * unit->world;
        auto flat = at::zeros({unit->padded}, options.requires_grad(false));
        for (size_t i = 0; i < unit->params.size(); i++) {
            flat.narrow(0, unit->offsets[i], unit->numels[i]).copy_(unit->params[i].reshape({-1}));
        }
        unit->shard = flat.narrow(0, unit->rank * unit->shard_numel, unit->shard_numel).clone().set_requires_grad(true);
        unit->storage = flat.storage();
        std::weak_ptr<Unit> weak = unit;
        for (size_t i = 0; i < unit->params.size(); i++) {
            auto &p = unit->params[i];
            std::vector<int64_t> strides(p.dim(), 1);
            for (int64_t d = p.dim() - 2; d >= 0; d--) strides[d] = strides[d + 1] * p.size(d + 1);
            p.set_(unit->storage, unit->offsets[i], unit->shapes[i], strides);
            if (!p.requires_grad()) continue;
            auto accumulator = torch::autograd::impl::grad_accumulator(p);
            accumulator->add_pre_hook(std::make_unique<ShapeBeforeAccumulation>(weak));
            accumulator->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
                [weak](const torch::autograd::variable_list &outputs, const torch::autograd::variable_list &) {
                    auto unit = weak.lock();
                    if (unit && unit->active && !unit->reduced && --unit->pending == 0) unit->reduce_gradients();
                    return outputs;
                }));
            unit->accumulators.push_back(std::move(accumulator));
        }
        {
            auto &r = registry();
            std::lock_guard<std::mutex> lock(r.mutex);
            r.units[unit->storage.unsafeGetStorageImpl()] = unit;
            r.live++;
        }
        unit->release();
        return new ct_sharded_unit_s{unit};
    })
}

void ct_sharded_unit_free(ct_sharded_unit handle) {
    try {
        auto &r = registry();
        {
            std::lock_guard<std::mutex> lock(r.mutex);
            r.units.erase(handle->unit->storage.unsafeGetStorageImpl());
        }
        r.live--;
        handle->unit->active = false;
        if (handle->unit->shaped) handle->unit->release();
        delete handle;
    } catch (...) {
    }
}

ct_tensor ct_sharded_unit_shard(ct_sharded_unit handle) { return ctorch::release(handle->unit->shard); }

int32_t ct_sharded_unit_gather(ct_sharded_unit handle) {
    CT_GUARD(return -1, {
        handle->unit->gather();
        return 0;
    })
}

int32_t ct_sharded_unit_release(ct_sharded_unit handle) {
    CT_GUARD(return -1, {
        handle->unit->release();
        return 0;
    })
}

bool ct_sharded_unit_is_gathered(ct_sharded_unit handle) { return handle->unit->gathered; }

void ct_sharded_unit_begin_backward(ct_sharded_unit handle) {
    auto &unit = *handle->unit;
    unit.pending = static_cast<int64_t>(unit.accumulators.size());
    unit.reduced = unit.accumulators.empty();
}

int32_t ct_sharded_unit_finish_backward(ct_sharded_unit handle) {
    CT_GUARD(return -1, {
        handle->unit->reduce_gradients();
        return 0;
    })
}

int32_t ct_sharded_unit_write_back(ct_sharded_unit handle) {
    CT_GUARD(return -1, {
        auto &unit = *handle->unit;
        TORCH_CHECK(unit.gathered, "the unit must be gathered to write its parameters back to the shard");
        at::NoGradGuard no_grad;
        unit.shard.copy_(unit.full().narrow(0, unit.rank * unit.shard_numel, unit.shard_numel));
        return 0;
    })
}

int64_t ct_sharded_unit_gathers(ct_sharded_unit handle) { return handle->unit->gathers; }

int64_t ct_sharded_unit_numel(ct_sharded_unit handle) {
    return handle->unit->numels.empty() ? 0 : handle->unit->offsets.back() + handle->unit->numels.back();
}
