// c10d: rendezvous (TCPStore), process groups (Gloo, and NCCL through nccl.cpp), collectives
// and DDP's gradient reducer, all built inside libtorch. Only c10d's own types are touched here; Gloo's are never
// instantiated in this file (libtorch's ProcessGroupGloo creates them), so Debian's Gloo
// headers need only declare what ProcessGroupGloo.hpp names.
#include "distributed_internal.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/comm.hpp>
#include <torch/csrc/distributed/c10d/logger.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

struct ct_store_s {
    c10::intrusive_ptr<c10d::Store> store;
};

/// When each bucket's all-reduce started and ended (steady clock, nanoseconds).
struct BucketTimeline {
    std::mutex mutex;
    std::vector<int64_t> events;  // bucket, start, end
};

struct ct_reducer_s {
    std::shared_ptr<c10d::Reducer> reducer;
    /// DDP's logger, as PyTorch's DistributedDataParallel sets one: the reducer reports to it
    /// (for example when the set of unused parameters changes) and would crash without one.
    std::shared_ptr<c10d::Logger> logger;
    std::shared_ptr<BucketTimeline> timeline;
};

namespace {

std::chrono::milliseconds millis(double seconds) {
    return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}

std::vector<at::Tensor> tensors(const ct_tensor *handles, int32_t n) {
    std::vector<at::Tensor> out;
    out.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; i++) out.push_back(ctorch::input(handles[i]));
    return out;
}

int64_t steady_now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// c10d's default all-reduce hook (average by world size), recording each bucket's
/// communication interval: the evidence that buckets are reduced while backward runs.
class TimedAllReduceHook : public c10d::CppCommHookInterface<c10::intrusive_ptr<c10d::ProcessGroup>> {
  public:
    TimedAllReduceHook(const c10::intrusive_ptr<c10d::ProcessGroup> &group, std::shared_ptr<BucketTimeline> timeline)
        : CppCommHookInterface(group), timeline_(std::move(timeline)) {}

    c10::intrusive_ptr<c10::ivalue::Future> runHook(c10d::GradBucket &bucket) override {
        int64_t start = steady_now();
        auto index = static_cast<int64_t>(bucket.getIndex());
        std::vector<at::Tensor> tensors = {bucket.getBufferRef()};
        tensors[0] /= state_->getSize();
        auto future = state_->allreduce(tensors)->getFuture();
        future->addCallback([timeline = timeline_, index, start](c10::ivalue::Future &) {
            std::lock_guard<std::mutex> lock(timeline->mutex);
            timeline->events.insert(timeline->events.end(), {index, start, steady_now()});
        });
        return future;
    }

  private:
    std::shared_ptr<BucketTimeline> timeline_;
};

c10d::ReduceOp reduce_op(int32_t op) {
    switch (op) {
        case CT_REDUCE_SUM: return c10d::ReduceOp::SUM;
        case CT_REDUCE_PRODUCT: return c10d::ReduceOp::PRODUCT;
        case CT_REDUCE_MIN: return c10d::ReduceOp::MIN;
        case CT_REDUCE_MAX: return c10d::ReduceOp::MAX;
        default: TORCH_CHECK(false, "unknown reduce operation ", op);
    }
}

/// A process group meeting at `store`: Gloo for CPU tensors and, with NCCL, NCCL for CUDA
/// tensors as the default backend (PyTorch's "cpu:gloo,cuda:nccl").
ct_process_group process_group(const c10::intrusive_ptr<c10d::Store> &store, int32_t backend, int32_t rank, int32_t size,
                               const char *hostname, double timeout_s) {
    auto options = c10d::ProcessGroupGloo::Options::create_default(millis(timeout_s));
    if (hostname != nullptr && hostname[0] != 0) {
        options->devices = {c10d::ProcessGroupGloo::createDeviceForHostname(hostname)};
    }
    auto group = c10::make_intrusive<c10d::ProcessGroup>(store, rank, size);
    if (backend == CT_BACKEND_NCCL) {
        auto nccl = ctorch::nccl_backend(store, rank, size, timeout_s);
        group->setBackend(c10::DeviceType::CUDA, c10d::ProcessGroup::BackendType::NCCL, nccl);
    }
    auto gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
    group->setBackend(c10::DeviceType::CPU, c10d::ProcessGroup::BackendType::GLOO, gloo);
    group->setDefaultBackend(backend == CT_BACKEND_NCCL ? c10d::ProcessGroup::BackendType::NCCL
                                                        : c10d::ProcessGroup::BackendType::GLOO);
    return new ct_process_group_s{group};
}

}  // namespace

ct_store ct_store_tcp(const char *host, int32_t port, int32_t world_size, bool is_server, double timeout_s) {
    CT_GUARD(return nullptr, {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(port);
        options.isServer = is_server;
        options.numWorkers = static_cast<size_t>(world_size);
        options.waitWorkers = true;
        options.timeout = millis(timeout_s);
        auto store = c10::make_intrusive<c10d::TCPStore>(std::string(host), options);
        return new ct_store_s{store};
    })
}

void ct_store_free(ct_store store) { delete store; }

int32_t ct_store_set(ct_store store, const char *key, const uint8_t *data, size_t n) {
    CT_GUARD(return -1, {
        store->store->set(key, std::vector<uint8_t>(data, data + n));
        return 0;
    })
}

int64_t ct_store_get(ct_store store, const char *key, uint8_t *out, size_t capacity, double timeout_s) {
    CT_GUARD(return -1, {
        store->store->wait({key}, millis(timeout_s));
        auto value = store->store->get(key);
        std::copy_n(value.begin(), std::min(capacity, value.size()), out);
        return static_cast<int64_t>(value.size());
    })
}

bool ct_store_check(ct_store store, const char *key) {
    CT_GUARD(return false, { return store->store->check({key}); })
}

ct_process_group ct_process_group_new(ct_store store, const char *prefix, int32_t backend, int32_t rank, int32_t size,
                                      const char *hostname, double timeout_s) {
    CT_GUARD(return nullptr, {
        TORCH_CHECK(backend == CT_BACKEND_GLOO || backend == CT_BACKEND_NCCL, "unknown process group backend ", backend);
        c10::intrusive_ptr<c10d::Store> meeting = store->store;
        if (prefix != nullptr && prefix[0] != 0) meeting = c10::make_intrusive<c10d::PrefixStore>(prefix, store->store);
        return process_group(meeting, backend, rank, size, hostname, timeout_s);
    })
}

void ct_process_group_free(ct_process_group group) { delete group; }

int32_t ct_process_group_backend_name(ct_process_group group, char *out, size_t capacity) {
    CT_GUARD(return -1, {
        auto name = group->group->getDefaultBackend()->getBackendName();
        std::snprintf(out, capacity, "%s", name.c_str());
        return 0;
    })
}

double ct_process_group_timeout(ct_process_group group) {
    CT_GUARD(return -1, {
        auto backend = group->group->getBackend(c10::DeviceType::CPU);
        return static_cast<double>(backend->getBackendOptions()->timeout.count()) / 1000.0;
    })
}

int32_t ct_all_reduce(ct_process_group group, const ct_tensor *handles, int32_t n, int32_t op) {
    CT_GUARD(return -1, {
        auto list = tensors(handles, n);
        c10d::AllreduceOptions options;
        options.reduceOp = reduce_op(op);
        group->group->allreduce(list, options)->wait();
        return 0;
    })
}

int32_t ct_broadcast(ct_process_group group, const ct_tensor *handles, int32_t n, int32_t root) {
    CT_GUARD(return -1, {
        auto list = tensors(handles, n);
        c10d::BroadcastOptions options;
        options.rootRank = root;
        group->group->broadcast(list, options)->wait();
        return 0;
    })
}

int32_t ct_broadcast_coalesced(ct_process_group group, const ct_tensor *handles, int32_t n, size_t buffer_bytes, int32_t root) {
    CT_GUARD(return -1, {
        auto list = tensors(handles, n);
        c10d::broadcast_coalesced(group->group, list, buffer_bytes, root);
        return 0;
    })
}

int32_t ct_all_gather(ct_process_group group, ct_tensor input, ct_tensor *outputs, int32_t world_size) {
    CT_GUARD(return -1, {
        std::vector<at::Tensor> in{ctorch::input(input)};
        std::vector<std::vector<at::Tensor>> out(1);
        for (int32_t i = 0; i < world_size; i++) out[0].push_back(at::empty_like(in[0]));
        group->group->allgather(out, in)->wait();
        for (int32_t i = 0; i < world_size; i++) outputs[i] = ctorch::release(out[0][static_cast<size_t>(i)]);
        return 0;
    })
}

int32_t ct_reduce(ct_process_group group, ct_tensor tensor, int32_t root, int32_t op) {
    CT_GUARD(return -1, {
        std::vector<at::Tensor> list{ctorch::input(tensor)};
        c10d::ReduceOptions options;
        options.rootRank = root;
        options.reduceOp = reduce_op(op);
        group->group->reduce(list, options)->wait();
        return 0;
    })
}

int32_t ct_batch_p2p(ct_process_group group, const ct_tensor *sends, const int32_t *send_peers, int32_t n_send,
                     const ct_tensor *recvs, const int32_t *recv_peers, int32_t n_recv, const int32_t *tags) {
    CT_GUARD(return -1, {
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        std::vector<std::vector<at::Tensor>> buffers;
        buffers.reserve(static_cast<size_t>(n_send + n_recv));
        for (int32_t i = 0; i < n_send; i++) {
            buffers.push_back({ctorch::input(sends[i])});
            works.push_back(group->group->send(buffers.back(), send_peers[i], tags[i]));
        }
        for (int32_t i = 0; i < n_recv; i++) {
            buffers.push_back({ctorch::input(recvs[i])});
            works.push_back(group->group->recv(buffers.back(), recv_peers[i], tags[n_send + i]));
        }
        for (auto &work : works) work->wait();
        return 0;
    })
}

int32_t ct_barrier(ct_process_group group) {
    CT_GUARD(return -1, {
        group->group->barrier()->wait();
        return 0;
    })
}

ct_reducer ct_reducer_new(ct_process_group group, const ct_tensor *params, int32_t n, int64_t bucket_bytes,
                          int64_t first_bucket_bytes, bool find_unused_parameters, bool gradient_as_bucket_view) {
    CT_GUARD(return nullptr, {
        auto list = tensors(params, n);
        std::vector<bool> sparse(list.size(), false);
        c10d::verify_params_across_processes(group->group, list, std::nullopt);
        std::vector<size_t> limits{static_cast<size_t>(first_bucket_bytes), static_cast<size_t>(bucket_bytes)};
        auto [buckets, bucket_limits] = c10d::compute_bucket_assignment_by_size(list, limits, sparse);
        // Gradients arrive roughly in reverse registration order: the last bucket is reduced first.
        std::reverse(buckets.begin(), buckets.end());
        std::vector<int64_t> caps(bucket_limits.rbegin(), bucket_limits.rend());
        auto reducer = std::make_shared<c10d::Reducer>(
            list, std::move(buckets), group->group, sparse, bucket_bytes, find_unused_parameters,
            gradient_as_bucket_view, std::unordered_map<size_t, std::string>{}, first_bucket_bytes,
            /*skip_all_reduce_unused_params=*/false, /*use_python_reducer=*/false, std::move(caps));
        auto logger = std::make_shared<c10d::Logger>(reducer);
        reducer->set_logger(logger);
        return new ct_reducer_s{std::move(reducer), std::move(logger), nullptr};
    })
}

int32_t ct_reducer_record_timeline(ct_reducer reducer, ct_process_group group) {
    CT_GUARD(return -1, {
        reducer->timeline = std::make_shared<BucketTimeline>();
        reducer->reducer->register_comm_hook(std::make_unique<TimedAllReduceHook>(group->group, reducer->timeline));
        return 0;
    })
}

int64_t ct_reducer_timeline(ct_reducer reducer, int64_t *out, int64_t capacity) {
    if (!reducer->timeline) return 0;
    std::lock_guard<std::mutex> lock(reducer->timeline->mutex);
    auto &events = reducer->timeline->events;
    std::copy_n(events.begin(), std::min<int64_t>(capacity, static_cast<int64_t>(events.size())), out);
    int64_t count = static_cast<int64_t>(events.size());
    events.clear();
    return count;
}

int64_t ct_steady_clock_ns(void) { return steady_now(); }

void ct_reducer_free(ct_reducer reducer) {
    try {
        delete reducer;
    } catch (...) {
    }
}

int32_t ct_reducer_prepare_for_forward(ct_reducer reducer) {
    CT_GUARD(return -1, {
        reducer->reducer->rebuild_buckets();
        reducer->reducer->prepare_for_forward();
        return 0;
    })
}

int32_t ct_reducer_prepare_for_backward(ct_reducer reducer, const ct_tensor *outputs, int32_t n) {
    CT_GUARD(return -1, {
        // As Lightning before each manual backward: buckets recorded in the iteration's first
        // backward are rebuilt before a second one (a no-op once rebuilt).
        reducer->reducer->rebuild_buckets();
        reducer->reducer->prepare_for_backward(tensors(outputs, n));
        return 0;
    })
}
