// CTorch: the C border over libtorch. Opaque handles only; no C++ type crosses it.
//
// Error convention: a call that fails returns NULL (handles) or -1 (counts and statuses)
// and leaves libtorch's message in ct_last_error(). Inside a capture scope
// (ct_capture_begin/ct_capture_end) a failed call instead records its message (the first
// one wins) and returns a placeholder (an undefined tensor, zeros), so that Swift code can
// run on to the end of the scope and throw there.
#ifndef CTORCH_H
#define CTORCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One strong reference to a libtorch tensor.
typedef struct ct_tensor_s *ct_tensor;
/// A random number generator (CPU or CUDA).
typedef struct ct_generator_s *ct_generator;
/// A resolved ATen operator (name and overload), valid for the life of the process.
typedef struct ct_op_s *ct_op;

// MARK: errors

/// The message of the last failed call on this thread.
const char *ct_last_error(void);
/// Starts a capture scope on this thread (scopes nest).
void ct_capture_begin(void);
/// Ends a capture scope; returns the first captured message (and clears it), or NULL.
/// The returned string stays valid until the next CTorch call on this thread.
const char *ct_capture_end(void);
/// The return addresses of the call stack where the error ct_capture_end last returned
/// happened, innermost first (up to `capacity`); the count.
int32_t ct_capture_frames(void **out, int32_t capacity);
/// The file of the loaded module (executable or shared library) holding `address`, and where it
/// is loaded; false when none does.
bool ct_address_module(const void *address, const char **path, uintptr_t *base);
/// Reports an error found on the Swift side (a bad argument) through the same border:
/// returns true when it was captured, false when the caller must stop.
bool ct_record_error(const char *message);
/// Whether this thread is inside a capture scope.
bool ct_is_capturing(void);

// MARK: tensor lifetime and metadata

void ct_tensor_free(ct_tensor t);
/// A second owning handle to the same tensor (one more strong reference).
ct_tensor ct_tensor_share(ct_tensor t);
/// A handle to an undefined tensor (what an optional tensor result holds when absent).
ct_tensor ct_tensor_undefined(void);
/// Whether the handle holds a tensor (false for the placeholders of failed calls).
bool ct_tensor_defined(ct_tensor t);
/// A new tensor of `dtype` and `shape`, copied from `data` (dtype codes are c10::ScalarType's).
ct_tensor ct_tensor_from_data(const void *data, const int64_t *shape, int64_t ndim, int32_t dtype);
/// Copies the elements (row-major, in the tensor's dtype) to `dst`, which holds `nbytes`.
int32_t ct_tensor_copy_data(ct_tensor t, void *dst, size_t nbytes);
int64_t ct_tensor_dim(ct_tensor t);
int32_t ct_tensor_sizes(ct_tensor t, int64_t *out);
int32_t ct_tensor_strides(ct_tensor t, int64_t *out);
int64_t ct_tensor_numel(ct_tensor t);
int32_t ct_tensor_dtype(ct_tensor t);
/// Device type (c10::DeviceType: 0 CPU, 1 CUDA) and index (-1 for none).
int32_t ct_tensor_device(ct_tensor t, int32_t *index);
bool ct_tensor_is_contiguous(ct_tensor t);
/// The value of a one-element tensor, as a double or as an integer.
int32_t ct_tensor_item_double(ct_tensor t, double *out);
int32_t ct_tensor_item_int(ct_tensor t, int64_t *out);

// MARK: autograd on tensors

bool ct_tensor_requires_grad(ct_tensor t);
int32_t ct_tensor_set_requires_grad(ct_tensor t, bool value);
bool ct_tensor_is_leaf(ct_tensor t);
int32_t ct_tensor_retain_grad(ct_tensor t);
/// The accumulated gradient, or NULL when there is none.
ct_tensor ct_tensor_grad(ct_tensor t);
/// Replaces the gradient; NULL clears it.
int32_t ct_tensor_set_grad(ct_tensor t, ct_tensor grad);
/// The name of the node that made the tensor ("AddBackward0"), or NULL for a leaf.
/// Valid until the next CTorch call on this thread.
const char *ct_tensor_grad_fn_name(ct_tensor t);
/// Runs backward from `n` roots; `grads` entries may be NULL (implicit ones).
int32_t ct_backward(const ct_tensor *roots, const ct_tensor *grads, int64_t n, bool retain_graph,
                    bool create_graph);
/// torch.autograd.grad: writes one handle per input to `results` (NULL where unused).
int32_t ct_autograd_grad(const ct_tensor *outputs, const ct_tensor *grad_outputs, int64_t n_outputs,
                         const ct_tensor *inputs, int64_t n_inputs, bool retain_graph,
                         bool create_graph, bool allow_unused, ct_tensor *results);
/// Sets whether autograd records operations on this thread; returns the previous value.
bool ct_set_grad_enabled(bool enabled);
bool ct_is_grad_enabled(void);
/// Enters inference mode on this thread; pass the result to ct_inference_mode_exit.
void *ct_inference_mode_enter(bool enabled);
void ct_inference_mode_exit(void *guard);
bool ct_is_inference_mode_enabled(void);
void ct_set_anomaly_enabled(bool enabled, bool check_nan);
bool ct_is_anomaly_enabled(void);

// MARK: hot operations (typed, no boxing)

ct_tensor ct_add(ct_tensor a, ct_tensor b, double alpha);
ct_tensor ct_sub(ct_tensor a, ct_tensor b, double alpha);
ct_tensor ct_mul(ct_tensor a, ct_tensor b);
ct_tensor ct_div(ct_tensor a, ct_tensor b);
ct_tensor ct_add_scalar(ct_tensor a, double b);
ct_tensor ct_mul_scalar(ct_tensor a, double b);
ct_tensor ct_matmul(ct_tensor a, ct_tensor b);
/// In place: a += alpha * b.
int32_t ct_add_(ct_tensor a, ct_tensor b, double alpha);

// MARK: any ATen operator, through the dispatcher

/// How a ct_value is to be read.
typedef enum {
    CT_DEFAULT = 0,    ///< argument: use the schema's default
    CT_NONE,           ///< None
    CT_TENSOR,         ///< p: ct_tensor
    CT_INT,            ///< i
    CT_DOUBLE,         ///< d
    CT_BOOL,           ///< i (0 or 1)
    CT_INT_LIST,       ///< p: const int64_t *, n
    CT_DOUBLE_LIST,    ///< p: const double *, n
    CT_BOOL_LIST,      ///< p: const bool *, n
    CT_TENSOR_LIST,    ///< p: const ct_tensor *, n (results: owned array, free with ct_free)
    CT_OPT_TENSOR_LIST,///< p: const ct_tensor *, n; NULL entries are None
    CT_STRING,         ///< p: const char *
    CT_DEVICE,         ///< i: device type, n: index
    CT_GENERATOR,      ///< p: ct_generator
} ct_kind;

/// An argument or result of ct_op_call.
typedef struct {
    int32_t kind;
    int64_t i;
    double d;
    const void *p;
    int64_t n;
} ct_value;

/// Resolves "aten::name" with an overload ("" for the default one).
ct_op ct_op_find(const char *name, const char *overload);
/// Releases an operator handle from ct_op_find.
void ct_op_free(ct_op op);
/// The number of results the operator returns.
int32_t ct_op_num_returns(ct_op op);
/// Calls the operator with positional arguments (missing trailing ones take their defaults)
/// and writes its results to `results` (at most `capacity`); returns their count.
int32_t ct_op_call(ct_op op, const ct_value *args, int32_t nargs, ct_value *results, int32_t capacity);
void ct_free(void *p);

// MARK: random numbers

/// The default generator of a device (shared, not owned: still free the handle).
ct_generator ct_generator_default(int32_t device_type, int32_t device_index);
ct_generator ct_generator_new(int32_t device_type, int32_t device_index, uint64_t seed);
void ct_generator_free(ct_generator g);
int32_t ct_generator_manual_seed(ct_generator g, uint64_t seed);
uint64_t ct_generator_initial_seed(ct_generator g);
/// The generator's full state as a uint8 tensor (what torch.Generator.get_state returns).
ct_tensor ct_generator_get_state(ct_generator g);
int32_t ct_generator_set_state(ct_generator g, ct_tensor state);

// MARK: PyTorch's zip archive (what torch.save writes and torch.load reads)

/// A writer of a torch.save archive.
typedef struct ct_archive_writer_s *ct_archive_writer;
/// A reader of a torch.save archive.
typedef struct ct_archive_reader_s *ct_archive_reader;

/// Creates `path` (truncating it) as an archive whose records sit under `archive/`.
ct_archive_writer ct_archive_writer_open(const char *path);
int32_t ct_archive_writer_write(ct_archive_writer w, const char *name, const void *data, size_t size);
/// Writes the central directory, flushes and fsyncs the file, and closes it.
int32_t ct_archive_writer_finish(ct_archive_writer w);
void ct_archive_writer_free(ct_archive_writer w);
/// Opens an archive for reading (any archive folder name).
ct_archive_reader ct_archive_reader_open(const char *path);
/// The size of a record (name relative to the archive folder), or -1 if there is none.
int64_t ct_archive_reader_size(ct_archive_reader r, const char *name);
int32_t ct_archive_reader_read(ct_archive_reader r, const char *name, void *dst, size_t size);
void ct_archive_reader_free(ct_archive_reader r);

// MARK: the Kineto profiler (torch.profiler) and record_function ranges

/// What a profiling run recorded.
typedef struct ct_profiler_result_s *ct_profiler_result;
/// An open record_function range.
typedef struct ct_record_function_s *ct_record_function;

/// One recorded event; `name` lives as long as its result.
typedef struct {
    const char *name;
    uint64_t start_ns;
    uint64_t end_ns;
    uint64_t thread_id;
    /// c10::DeviceType: 0 CPU, 1 CUDA.
    int32_t device_type;
    int32_t device_index;
    bool is_async;
    uint64_t correlation_id;
} ct_profiler_event_info;

/// Warms the profiler up (torch.profiler's warmup: set up, not recording yet).
int32_t ct_profiler_prepare(bool cuda, bool record_shapes, bool profile_memory, bool with_stack);
/// Starts recording CPU (and CUDA) activity of this thread's operators and ranges.
int32_t ct_profiler_start(bool cuda, bool record_shapes, bool profile_memory, bool with_stack);
bool ct_profiler_is_running(void);
/// Stops recording and returns what was recorded.
ct_profiler_result ct_profiler_stop(void);
int64_t ct_profiler_event_count(ct_profiler_result r);
void ct_profiler_event(ct_profiler_result r, int64_t index, ct_profiler_event_info *out);
/// Writes the Chrome/Perfetto trace JSON (what export_chrome_trace writes).
int32_t ct_profiler_result_save(ct_profiler_result r, const char *path);
void ct_profiler_result_free(ct_profiler_result r);
/// Opens a user range (torch.profiler.record_function) until ct_record_function_exit.
ct_record_function ct_record_function_enter(const char *name);
void ct_record_function_exit(ct_record_function f);

// MARK: process-wide settings

void ct_set_num_threads(int32_t n);
int32_t ct_get_num_threads(void);
bool ct_cuda_is_available(void);
int32_t ct_cuda_device_count(void);
/// 0: deterministic algorithms off; 1: on; 2: on, warning only.
int32_t ct_get_deterministic(void);
int32_t ct_set_deterministic(bool enabled, bool warn_only);

/// A function of one tensor for ct_checkpoint: takes ownership of `input`, returns an owned tensor.
typedef ct_tensor (*ct_checkpoint_fn)(void *context, ct_tensor input);
/// Releases the context of a checkpointed function.
typedef void (*ct_checkpoint_release)(void *context);
/// `call(context, input)` computed without keeping activations; backward computes it again.
/// `release(context)` runs when neither the forward nor the graph needs it any more.
ct_tensor ct_checkpoint(ct_tensor input, ct_checkpoint_fn call, ct_checkpoint_release release, void *context);

/// Why CUDA is not available ("" when libtorch's CUDA library is loaded).
const char *ct_cuda_status(void);
int32_t ct_cuda_set_device(int32_t device);
/// Waits for every kernel queued on `device`.
int32_t ct_cuda_synchronize(int32_t device);
/// The caching allocator's bytes on `device`: allocated, reserved, peak allocated, peak reserved.
int32_t ct_cuda_memory_stats(int32_t device, int64_t *out);
int32_t ct_cuda_reset_peak_memory_stats(int32_t device);
/// Returns cached, unused device memory to the driver.
int32_t ct_cuda_empty_cache(void);
void ct_set_cudnn_benchmark(bool enabled);
bool ct_cudnn_benchmark(void);
/// A copy of a CPU tensor in page-locked memory (fast, asynchronous copies to the GPU).
ct_tensor ct_pin_memory(ct_tensor tensor);
bool ct_is_pinned(ct_tensor tensor);

// MARK: autocast

/// Turns on autocast to `dtype` for `device_type` (0 CPU, 1 CUDA) on this thread, saving the
/// previous setting for ct_autocast_exit.
int32_t ct_autocast_enter(int32_t device_type, int32_t dtype, bool *previous_enabled, int32_t *previous_dtype);
/// Restores the setting ct_autocast_enter saved (and clears autocast's cast cache at the outermost exit).
int32_t ct_autocast_exit(int32_t device_type, bool previous_enabled, int32_t previous_dtype);
bool ct_autocast_is_enabled(int32_t device_type);

// MARK: distributed (c10d)

/// A key-value store for rendezvous (c10d::TCPStore).
typedef struct ct_store_s *ct_store;
/// A process group (c10d::ProcessGroup with its backend).
typedef struct ct_process_group_s *ct_process_group;
/// DDP's gradient reducer (c10d::Reducer): bucketed all-reduce from autograd hooks.
typedef struct ct_reducer_s *ct_reducer;

/// Reduction operations (c10d::ReduceOp's numbering).
enum { CT_REDUCE_SUM = 0, CT_REDUCE_PRODUCT = 2, CT_REDUCE_MIN = 3, CT_REDUCE_MAX = 4 };

/// Connects to (or, with `is_server`, hosts) the store at host:port; waits up to `timeout_s`
/// for all `world_size` members.
ct_store ct_store_tcp(const char *host, int32_t port, int32_t world_size, bool is_server, double timeout_s);
void ct_store_free(ct_store store);
int32_t ct_store_set(ct_store store, const char *key, const uint8_t *data, size_t n);
/// Waits up to `timeout_s` for `key`, copies at most `capacity` bytes of its value; returns the value's size.
int64_t ct_store_get(ct_store store, const char *key, uint8_t *out, size_t capacity, double timeout_s);
/// Whether `key` is set (without waiting).
bool ct_store_check(ct_store store, const char *key);
/// The c10d backends a process group can run on.
enum { CT_BACKEND_GLOO = 0, CT_BACKEND_NCCL = 1 };
/// A process group of `size` processes meeting under `prefix` in `store` ("" for the job's own
/// group; another prefix for a subgroup of its processes). Gloo serves CPU tensors; with
/// CT_BACKEND_NCCL, NCCL serves CUDA tensors and is the default. `hostname` picks Gloo's network
/// device ("" for GLOO_SOCKET_IFNAME or the machine's default).
ct_process_group ct_process_group_new(ct_store store, const char *prefix, int32_t backend, int32_t rank, int32_t size,
                                      const char *hostname, double timeout_s);
void ct_process_group_free(ct_process_group group);
int32_t ct_process_group_backend_name(ct_process_group group, char *out, size_t capacity);
/// The timeout the backend enforces, in seconds.
double ct_process_group_timeout(ct_process_group group);
/// Collectives, in place and blocking.
int32_t ct_all_reduce(ct_process_group group, const ct_tensor *tensors, int32_t n, int32_t op);
/// The sum of `input` over the ranks as a new tensor whose gradient is the sum over the ranks of
/// its gradients (`torch.distributed.nn.functional.all_reduce`); NULL on failure.
ct_tensor ct_all_reduce_sum_with_grad(ct_process_group group, ct_tensor input);
/// The sum over ranks (`forward`) or the tensor itself, whose gradient is summed over ranks
/// (`backward`) or passed on: tensor parallelism's copy to and reduction from a parallel region.
ct_tensor ct_all_reduce_sum_with_grad_modes(ct_process_group group, ct_tensor input, bool forward, bool backward);
/// The ranks' equal parts of a tensor concatenated along `dim`, whose gradient is this rank's part
/// of the whole's (Megatron's gather from a parallel region); NULL on failure.
ct_tensor ct_gather_along_with_grad(ct_process_group group, ct_tensor input, int64_t dim);
/// This rank's equal part of `input` along `dim`, whose gradient is the ranks' gradients
/// concatenated (Megatron's scatter to a parallel region); NULL on failure.
ct_tensor ct_split_along_with_grad(ct_process_group group, ct_tensor input, int64_t dim);
/// The ranks' equal parts concatenated along `dim`, whose gradient is this rank's part of the sum
/// over the ranks of the whole's (a reduce-scatter; Megatron's gather from a sequence-parallel
/// region); NULL on failure.
ct_tensor ct_gather_along_reducing_grad(ct_process_group group, ct_tensor input, int64_t dim);
/// This rank's equal part along `dim` of the sum over the ranks (a reduce-scatter), whose gradient
/// is the ranks' gradients concatenated (Megatron's reduce-scatter to a sequence-parallel region);
/// NULL on failure.
ct_tensor ct_reduce_scatter_along_with_grad(ct_process_group group, ct_tensor input, int64_t dim);
int32_t ct_broadcast(ct_process_group group, const ct_tensor *tensors, int32_t n, int32_t root);
/// Broadcasts many tensors packed into buffers of `buffer_bytes`.
int32_t ct_broadcast_coalesced(ct_process_group group, const ct_tensor *tensors, int32_t n, size_t buffer_bytes, int32_t root);
/// Gathers `input` from every rank into `outputs` (new tensors, `world_size` of them).
int32_t ct_all_gather(ct_process_group group, ct_tensor input, ct_tensor *outputs, int32_t world_size);
/// Combines `tensor` across ranks into rank `root`'s copy (the others' are left undefined).
int32_t ct_reduce(ct_process_group group, ct_tensor tensor, int32_t root, int32_t op);
int32_t ct_barrier(ct_process_group group);
/// Point to point: posts every send (to `send_peers`) and every receive (from `recv_peers`)
/// at once, then waits for all (so that two ranks exchanging tensors cannot deadlock);
/// `tags` holds the sends' tags, then the receives'.
int32_t ct_batch_p2p(ct_process_group group, const ct_tensor *sends, const int32_t *send_peers, int32_t n_send,
                     const ct_tensor *recvs, const int32_t *recv_peers, int32_t n_recv, const int32_t *tags);

/// Fully sharded parameters (ZeRO stage 3): a group of parameters flattened into one buffer,
/// each rank keeping a 1/N shard; gathered on demand, gradients reduce-scattered to the shards.
typedef struct ct_sharded_unit_s *ct_sharded_unit;
/// Shards `params` (identical on every rank) and frees their full values.
ct_sharded_unit ct_sharded_unit_new(ct_process_group group, const ct_tensor *params, int32_t n);
/// Stops sharding: gathered parameters keep their values, freed ones stay empty.
void ct_sharded_unit_free(ct_sharded_unit unit);
/// This rank's shard: the leaf tensor the optimizer updates.
ct_tensor ct_sharded_unit_shard(ct_sharded_unit unit);
/// All-gathers the full parameters (no-op when gathered).
int32_t ct_sharded_unit_gather(ct_sharded_unit unit);
/// Frees the full parameters (they read as empty until gathered again).
int32_t ct_sharded_unit_release(ct_sharded_unit unit);
bool ct_sharded_unit_is_gathered(ct_sharded_unit unit);
/// Before a backward: expect one gradient per trainable parameter.
void ct_sharded_unit_begin_backward(ct_sharded_unit unit);
/// After a backward: reduce-scatters the gradients if the hooks did not (unused parameters count as zero).
int32_t ct_sharded_unit_finish_backward(ct_sharded_unit unit);
/// Copies the gathered parameters' values into the shard (after loading weights).
int32_t ct_sharded_unit_write_back(ct_sharded_unit unit);
/// How many times the unit was all-gathered.
int64_t ct_sharded_unit_gathers(ct_sharded_unit unit);
/// The number of parameter elements in the unit (unpadded).
int64_t ct_sharded_unit_numel(ct_sharded_unit unit);
/// A reducer over `params` (after checking every rank has the same shapes), with buckets of
/// `bucket_bytes` (the first `first_bucket_bytes`) in reverse order.
ct_reducer ct_reducer_new(ct_process_group group, const ct_tensor *params, int32_t n, int64_t bucket_bytes,
                          int64_t first_bucket_bytes, bool find_unused_parameters, bool gradient_as_bucket_view);
void ct_reducer_free(ct_reducer reducer);
/// Before a forward whose gradients will be reduced (rebuilds buckets after the first step).
int32_t ct_reducer_prepare_for_forward(ct_reducer reducer);
/// Arms the hooks for the next backward; `outputs` are searched for unused parameters.
int32_t ct_reducer_prepare_for_backward(ct_reducer reducer, const ct_tensor *outputs, int32_t n);
/// Replaces the reducer's all-reduce by one that records when each bucket's reduction
/// started and ended (call before the first backward).
int32_t ct_reducer_record_timeline(ct_reducer reducer, ct_process_group group);
/// Takes the recorded events (bucket, start ns, end ns; 3 values each): copies at most
/// `capacity` values and returns how many there were.
int64_t ct_reducer_timeline(ct_reducer reducer, int64_t *out, int64_t capacity);
/// The steady clock the timeline uses, in nanoseconds.
int64_t ct_steady_clock_ns(void);

#ifdef __cplusplus
}
#endif
#endif
