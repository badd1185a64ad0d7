// Seeded XXH3-128 over a run of blocks in one call.
//
// xxhash-addon hashes one buffer per call, and each call costs about 1.3 us
// of JS <-> C++ crossing: at 4 KiB per block that is most of the time. This
// addon takes a whole buffer and a block size and writes one 16-byte hash per
// block (the last block may be short), in the byte order xxhash-addon's
// digest() uses (XXH128_canonical_t, big-endian), so the two are
// interchangeable. The seed is 8 bytes, big-endian, as xxhash-addon reads it.
//
//   hashBlocks(data, blockSize, seed, out, outAt)        on the calling thread
//   hashBlocksAsync(data, blockSize, seed, out, outAt)   on libuv's pool; a Promise
//   alignOffset(buf, align)   bytes from buf's start to the next multiple of align
//   readHashAsync(fd, buf, reads, blockSize, seed, out, runs)   on libuv's pool: reads
//     then hashes, in one job (see below)
//   writeBatchAsync(fd, buffers, positions)   see writebatch.c
//   diffHashes(a, aAt, b, bAt, count)   see diffhash.c
//
// alignOffset exists because Node places large buffers 16 bytes past a page
// boundary (malloc's header), and the kernel copies file pages into such a
// buffer at half the speed it copies into a cache-line aligned one (measured
// here: pread of 2 GiB from the page cache, 0.28 s vs 0.14 s of system time).
//
// The async form keeps references to both buffers until it settles, so they
// cannot be collected while a pool thread reads and writes them; the caller
// must not reuse them before the Promise settles.

#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define XXH_INLINE_ALL
#include "xxhash.h"
#ifdef BLOCKPAIR_XXH_DISPATCH
// XXH3_128bits_withSeed becomes xxHash's run-time dispatcher: the same
// hashes, computed with AVX2 or AVX-512 where the CPU has them. A build for
// any x86-64 may assume only SSE2, which hashes a just-read segment at about
// half the speed (measured here: 35 vs 64-84 GB/s on a cached 4 MiB buffer;
// 2 GiB read and hashed in 4 MiB segments, 0.178 s of CPU vs 0.133 s).
// (xxdispatch.c; its header cannot be used here: XXH_INLINE_ALL makes every
// declaration in it static.)
XXH128_hash_t XXH3_128bits_withSeed_dispatch(const void* input, size_t len, XXH64_hash_t seed);
#undef XXH3_128bits_withSeed
#define XXH3_128bits_withSeed XXH3_128bits_withSeed_dispatch
#endif
#include "syscalls.h"
#include "writebatch.h"
#include "diffhash.h"

#define HASH_BYTES 16

typedef struct {
  const uint8_t* data;
  size_t length;
  size_t block;
  XXH64_hash_t seed;
  uint8_t* out;
  /** Bytes of out from `out` on. */
  size_t outLength;
} Job;

static void hash_all(const Job* j) {
  size_t i = 0;
  for (size_t at = 0; at < j->length; at += j->block, i++) {
    size_t len = j->length - at < j->block ? j->length - at : j->block;
    XXH128_hash_t h = XXH3_128bits_withSeed(j->data + at, len, j->seed);
    XXH128_canonicalFromHash((XXH128_canonical_t*)(j->out + i * HASH_BYTES), h);
  }
}

static napi_value fail(napi_env env, const char* msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

// Reads and checks (data, blockSize, seed, out, outAt) into j. Everything is
// checked here, before any pointer is touched: a wrong argument throws a
// TypeError or RangeError instead of reading or writing out of bounds.
static int parse_values(napi_env env, napi_value argv[5], Job* j);

static int parse(napi_env env, napi_callback_info info, Job* j, napi_value argv[5]) {
  size_t argc = 5;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5) {
    fail(env, "hashBlocks(data, blockSize, seed, out, outAt) takes 5 arguments");
    return 0;
  }
  return parse_values(env, argv, j);
}

static int parse_values(napi_env env, napi_value argv[5], Job* j) {
  static const struct { int arg; const char* msg; } buffers[] = {
    {0, "data must be a Buffer"}, {2, "seed must be a Buffer"}, {3, "out must be a Buffer"},
  };
  for (size_t k = 0; k < sizeof buffers / sizeof *buffers; k++) {
    bool is = false;
    if (napi_is_buffer(env, argv[buffers[k].arg], &is) != napi_ok || !is) {
      fail(env, buffers[k].msg);
      return 0;
    }
  }
  void* p;
  size_t n;
  napi_get_buffer_info(env, argv[0], &p, &n);
  j->data = p;
  j->length = n;
  double block, outAt;
  if (napi_get_value_double(env, argv[1], &block) != napi_ok || napi_get_value_double(env, argv[4], &outAt) != napi_ok) {
    fail(env, "blockSize and outAt must be numbers");
    return 0;
  }
  if (!(block >= 1 && block <= (double)(1 << 30) && block == (double)(size_t)block)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "blockSize must be an integer from 1 to 2^30");
    return 0;
  }
  j->block = (size_t)block;
  napi_get_buffer_info(env, argv[2], &p, &n);
  if (n != 8) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "seed must be 8 bytes");
    return 0;
  }
  j->seed = XXH64_hashFromCanonical((const XXH64_canonical_t*)p);
  napi_get_buffer_info(env, argv[3], &p, &n);
  size_t blocks = (j->length + j->block - 1) / j->block;
  if (!(outAt >= 0 && outAt == (double)(size_t)outAt) || (size_t)outAt > n || blocks > (n - (size_t)outAt) / HASH_BYTES) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "out is too small for the hashes at outAt");
    return 0;
  }
  j->out = (uint8_t*)p + (size_t)outAt;
  j->outLength = n - (size_t)outAt;
  return 1;
}

static napi_value HashBlocks(napi_env env, napi_callback_info info) {
  Job j;
  napi_value argv[5];
  if (!parse(env, info, &j, argv)) return NULL;
  hash_all(&j);
  return NULL;
}

typedef struct {
  Job job;
  napi_ref data;
  napi_ref out;
  napi_deferred deferred;
  napi_async_work work;
} Async;

static void execute(napi_env env, void* arg) {
  (void)env;
  hash_all(&((Async*)arg)->job);
}

static void complete(napi_env env, napi_status status, void* arg) {
  Async* a = arg;
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  if (status == napi_ok) {
    napi_resolve_deferred(env, a->deferred, undefined);
  } else {
    napi_value msg, err;
    napi_create_string_utf8(env, "hashing was cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, a->deferred, err);
  }
  napi_delete_reference(env, a->data);
  napi_delete_reference(env, a->out);
  napi_delete_async_work(env, a->work);
  free(a);
}

static napi_value HashBlocksAsync(napi_env env, napi_callback_info info) {
  Job j;
  napi_value argv[5];
  if (!parse(env, info, &j, argv)) return NULL;
  Async* a = malloc(sizeof *a);
  if (!a) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  a->job = j;
  napi_value promise, name;
  napi_create_reference(env, argv[0], 1, &a->data);
  napi_create_reference(env, argv[3], 1, &a->out);
  napi_create_promise(env, &a->deferred, &promise);
  napi_create_string_utf8(env, "blockpair.hashBlocks", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, a, &a->work);
  napi_queue_async_work(env, a->work);
  return promise;
}

// readHashAsync: a segment's reads and its hashing in one thread-pool job.
//
// Handing a job to libuv's pool and getting its result back costs ~100 us of
// CPU on this kind of machine (thread wake-ups), more than a 1 MiB read from
// the page cache. A segment used to take one job per read and one per run of
// blocks to hash; this takes one.
//
//   reads: [bufAt, length, position, ...]  pread `length` bytes at `position`
//          into buf[bufAt...], continuing short reads
//   runs:  [from, to, ...]  buf[from, to) hashed in blockSize pieces into out
//          at (from / blockSize) * 16; `from` is a multiple of blockSize
//
// Rejects with an Error carrying `errno` and `index` (the read that failed),
// or `eof: true` when the file ended before a read was complete.

typedef struct {
  int fd;
  uint8_t* buf;
  size_t block;
  XXH64_hash_t seed;
  uint8_t* out;
  uint32_t nreads;
  uint32_t nruns;
  double* reads;
  double* runs;
  int error;
  int eof;
  uint32_t failed;
  napi_ref bufRef;
  napi_ref outRef;
  napi_deferred deferred;
  napi_async_work work;
} ReadHash;

static void read_hash_execute(napi_env env, void* arg) {
  (void)env;
  ReadHash* r = arg;
  for (uint32_t i = 0; i < r->nreads; i++) {
    size_t at = (size_t)r->reads[3 * i], len = (size_t)r->reads[3 * i + 1];
    off_t pos = (off_t)r->reads[3 * i + 2];
    size_t done = 0;
    while (done < len) {
      ssize_t n = pread(r->fd, r->buf + at + done, len - done, pos + (off_t)done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        r->error = n < 0 ? errno : 0;
        r->eof = n == 0;
        r->failed = i;
        return;
      }
      done += (size_t)n;
    }
  }
  for (uint32_t i = 0; i < r->nruns; i++) {
    size_t from = (size_t)r->runs[2 * i], to = (size_t)r->runs[2 * i + 1];
    Job j = {r->buf + from, to - from, r->block, r->seed, r->out + (from / r->block) * HASH_BYTES, 0};
    hash_all(&j);
  }
}

static void read_hash_complete(napi_env env, napi_status status, void* arg) {
  ReadHash* r = arg;
  if (status == napi_ok && r->error == 0 && !r->eof) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, r->deferred, undefined);
  } else {
    int code = status == napi_ok ? r->error : ECANCELED;
    napi_value msg, err, v;
    napi_create_string_utf8(env, r->eof ? "end of file" : strerror(code), NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_create_int32(env, code, &v);
    napi_set_named_property(env, err, "errno", v);
    napi_create_uint32(env, r->failed, &v);
    napi_set_named_property(env, err, "index", v);
    napi_get_boolean(env, r->eof, &v);
    napi_set_named_property(env, err, "eof", v);
    napi_reject_deferred(env, r->deferred, err);
  }
  napi_delete_reference(env, r->bufRef);
  napi_delete_reference(env, r->outRef);
  napi_delete_async_work(env, r->work);
  free(r->reads);
  free(r->runs);
  free(r);
}

// Copies a JS array of non-negative integers (each at most 2^53) of length a
// multiple of `group`; NULL and a thrown error when it is anything else.
static double* numbers(napi_env env, napi_value arr, uint32_t group, uint32_t* count, const char* what) {
  bool isArray = false;
  uint32_t n = 0;
  if (napi_is_array(env, arr, &isArray) != napi_ok || !isArray || napi_get_array_length(env, arr, &n) != napi_ok || n % group != 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
    return NULL;
  }
  double* out = malloc((n ? n : 1) * sizeof *out);
  if (!out) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    napi_get_element(env, arr, i, &v);
    if (napi_get_value_double(env, v, &out[i]) != napi_ok || !(out[i] >= 0 && out[i] <= 9007199254740992.0 && out[i] == (double)(int64_t)out[i])) {
      free(out);
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", what);
      return NULL;
    }
  }
  *count = n / group;
  return out;
}

static napi_value ReadHashAsync(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 7) {
    return fail(env, "readHashAsync(fd, buf, reads, blockSize, seed, out, runs) takes 7 arguments");
  }
  int32_t fd;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) return fail(env, "fd must be a file descriptor");
  // parse() checks buf, blockSize, seed and out as hashBlocks takes them: (buf, blockSize, seed, out, 0).
  napi_value hashArgv[5] = {argv[1], argv[3], argv[4], argv[5], NULL};
  napi_create_uint32(env, 0, &hashArgv[4]);
  Job j;
  if (!parse_values(env, hashArgv, &j)) return NULL;
  ReadHash* r = calloc(1, sizeof *r);
  if (!r) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  r->reads = numbers(env, argv[2], 3, &r->nreads, "reads must be an array of [bufAt, length, position] integer triples");
  if (r->reads) r->runs = numbers(env, argv[6], 2, &r->nruns, "runs must be an array of [from, to] integer pairs");
  if (!r->reads || !r->runs) {
    free(r->reads);
    free(r);
    return NULL;
  }
  // Every range is checked against the buffers before the pool thread sees them.
  int ok = 1;
  for (uint32_t i = 0; ok && i < r->nreads; i++) {
    ok = r->reads[3 * i] + r->reads[3 * i + 1] <= (double)j.length;
  }
  for (uint32_t i = 0; ok && i < r->nruns; i++) {
    double from = r->runs[2 * i], to = r->runs[2 * i + 1];
    size_t blocks = (size_t)((to - from + (double)j.block - 1) / (double)j.block);
    ok = from < to && to <= (double)j.length && (size_t)from % j.block == 0 &&
      (size_t)from / j.block + blocks <= j.outLength / HASH_BYTES;
  }
  if (!ok) {
    free(r->reads);
    free(r->runs);
    free(r);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "a read or run does not fit buf, or its hashes do not fit out");
    return NULL;
  }
  r->fd = fd;
  r->buf = (uint8_t*)j.data;
  r->block = j.block;
  r->seed = j.seed;
  r->out = j.out;
  napi_value promise, name;
  napi_create_reference(env, argv[1], 1, &r->bufRef);
  napi_create_reference(env, argv[5], 1, &r->outRef);
  napi_create_promise(env, &r->deferred, &promise);
  napi_create_string_utf8(env, "blockpair.readHash", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, read_hash_execute, read_hash_complete, r, &r->work);
  napi_queue_async_work(env, r->work);
  return promise;
}

static napi_value AlignOffset(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool is = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 ||
      napi_is_buffer(env, argv[0], &is) != napi_ok || !is) {
    return fail(env, "alignOffset(buf, align) takes a Buffer and a power of two");
  }
  uint32_t align;
  if (napi_get_value_uint32(env, argv[1], &align) != napi_ok || align == 0 || (align & (align - 1)) != 0) {
    return fail(env, "align must be a power of two");
  }
  void* p;
  size_t n;
  napi_get_buffer_info(env, argv[0], &p, &n);
  napi_value result;
  napi_create_uint32(env, (uint32_t)((align - ((uintptr_t)p & (align - 1))) & (align - 1)), &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    {"hashBlocks", NULL, HashBlocks, NULL, NULL, NULL, napi_enumerable, NULL},
    {"hashBlocksAsync", NULL, HashBlocksAsync, NULL, NULL, NULL, napi_enumerable, NULL},
    {"alignOffset", NULL, AlignOffset, NULL, NULL, NULL, napi_enumerable, NULL},
    {"readHashAsync", NULL, ReadHashAsync, NULL, NULL, NULL, napi_enumerable, NULL},
    {"writeBatchAsync", NULL, WriteBatchAsync, NULL, NULL, NULL, napi_enumerable, NULL},
    {"diffHashes", NULL, DiffHashes, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  DefineSyscalls(env, exports);
  return exports;
}
