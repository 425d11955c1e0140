// libtorch's Kineto profiler (what torch.profiler.profile drives) and record_function ranges.
#include "internal.h"

#include <ATen/record_function.h>
#include <torch/csrc/autograd/profiler_kineto.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {
namespace prof = torch::autograd::profiler;
namespace impl = torch::profiler::impl;

struct Result {
    std::unique_ptr<prof::ProfilerResult> result;
    /// The events' names, kept alive for the pointers ct_profiler_event hands out.
    std::vector<std::string> names;
};

impl::ProfilerConfig config(bool recordShapes, bool profileMemory, bool withStack) {
    return impl::ProfilerConfig(impl::ProfilerState::KINETO, recordShapes, profileMemory, withStack);
}

/// Whether this thread's profiler was prepared and not started yet: Kineto must be prepared
/// before it starts.
thread_local bool prepared = false;

std::set<impl::ActivityType> activities(bool cuda) {
    std::set<impl::ActivityType> set{impl::ActivityType::CPU};
    if (cuda) set.insert(impl::ActivityType::CUDA);
    return set;
}
}  // namespace

extern "C" {

int32_t ct_profiler_prepare(bool cuda, bool record_shapes, bool profile_memory, bool with_stack) {
    CT_GUARD(return -1, {
        prof::prepareProfiler(config(record_shapes, profile_memory, with_stack), activities(cuda));
        prepared = true;
        return 0;
    })
}

int32_t ct_profiler_start(bool cuda, bool record_shapes, bool profile_memory, bool with_stack) {
    CT_GUARD(return -1, {
        TORCH_CHECK(!prof::isProfilerEnabledInMainThread(), "a profiler is already running in this thread");
        if (!prepared) prof::prepareProfiler(config(record_shapes, profile_memory, with_stack), activities(cuda));
        prepared = false;
        prof::enableProfiler(config(record_shapes, profile_memory, with_stack), activities(cuda));
        return 0;
    })
}

bool ct_profiler_is_running(void) {
    try {
        return prof::isProfilerEnabledInMainThread();
    } catch (...) {
        return false;
    }
}

ct_profiler_result ct_profiler_stop(void) {
    CT_GUARD(return nullptr, {
        auto r = std::make_unique<Result>();
        r->result = prof::disableProfiler();
        TORCH_CHECK(r->result != nullptr, "no profiler was running");
        for (const auto &e : r->result->events()) r->names.push_back(e.name());
        return reinterpret_cast<ct_profiler_result>(r.release());
    })
}

int64_t ct_profiler_event_count(ct_profiler_result h) {
    return static_cast<int64_t>(reinterpret_cast<Result *>(h)->result->events().size());
}

void ct_profiler_event(ct_profiler_result h, int64_t index, ct_profiler_event_info *out) {
    auto r = reinterpret_cast<Result *>(h);
    const auto &e = r->result->events()[static_cast<size_t>(index)];
    out->name = r->names[static_cast<size_t>(index)].c_str();
    out->start_ns = e.startNs();
    out->end_ns = e.endNs();
    out->thread_id = e.startThreadId();
    out->device_type = static_cast<int32_t>(e.deviceType());
    out->device_index = e.deviceIndex();
    out->is_async = e.isAsync();
    out->correlation_id = e.correlationId();
}

int32_t ct_profiler_result_save(ct_profiler_result h, const char *path) {
    CT_GUARD(return -1, {
        reinterpret_cast<Result *>(h)->result->save(path);
        return 0;
    })
}

void ct_profiler_result_free(ct_profiler_result h) { delete reinterpret_cast<Result *>(h); }

ct_record_function ct_record_function_enter(const char *name) {
    CT_GUARD(return nullptr, {
        auto guard = std::make_unique<at::RecordFunction>(at::RecordScope::USER_SCOPE);
        if (guard->isActive()) guard->before(name);
        return reinterpret_cast<ct_record_function>(guard.release());
    })
}

void ct_record_function_exit(ct_record_function h) { delete reinterpret_cast<at::RecordFunction *>(h); }

}
