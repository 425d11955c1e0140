// The NCCL plugin's entry point. libtorch's NCCL process group lives in libtorch_cuda, which is
// only loaded on machines with a GPU, so it is built into its own shared library that CTorch
// opens when a job asks for the NCCL backend.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Creates a c10d NCCL backend meeting at `store` (a `c10::intrusive_ptr<c10d::Store> *`).
/// Returns a new `c10::intrusive_ptr<c10d::Backend> *`, or NULL with the reason in `error`.
void *ct_nccl_backend_create(void *store, int32_t rank, int32_t size, double timeout_s, char *error, size_t capacity);

/// The type of `ct_nccl_backend_create`, as CTorch looks it up.
typedef void *(*ct_nccl_backend_create_fn)(void *, int32_t, int32_t, double, char *, size_t);

#ifdef __cplusplus
}
#endif
