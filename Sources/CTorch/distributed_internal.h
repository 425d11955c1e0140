// The process-group handle, shared by the c10d translation units.
#pragma once

#include "internal.h"

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>

struct ct_process_group_s {
    c10::intrusive_ptr<c10d::ProcessGroup> group;
};

namespace ctorch {

/// libtorch's NCCL backend, from the NCCL plugin (libCTorchNCCL.so); throws when the process
/// has no CUDA library or the plugin is missing.
c10::intrusive_ptr<c10d::Backend> nccl_backend(const c10::intrusive_ptr<c10d::Store> &store, int32_t rank, int32_t size,
                                               double timeout_s);

}  // namespace ctorch
