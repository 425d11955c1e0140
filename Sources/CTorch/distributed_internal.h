// The process-group handle, shared by the c10d translation units.
#pragma once

#include "internal.h"

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>

struct ct_process_group_s {
    c10::intrusive_ptr<c10d::ProcessGroup> group;
};
