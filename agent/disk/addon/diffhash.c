// diffHashes(a, aAt, b, bAt, count): the indexes i < count at which the
// 16-byte hashes a[aAt + 16i ...] and b[bAt + 16i ...] differ, as an array.
//
// Comparing a segment's hash lists is the inner loop of a sync: 64 coarse
// blocks per 4 MiB segment, then 16 fine ones per coarse block that
// differs. A push is a short-lived process, and V8 runs most of its loops in
// the interpreter, where the same comparison in JavaScript (four 32-bit reads
// per hash) took ~0.7 us a hash: tens of ms of CPU per GiB. Here it is one
// call per list.

#include "diffhash.h"
#include <stdint.h>
#include <string.h>

#define HASH_BYTES 16

static napi_value throw_range(napi_env env, const char* msg) {
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
  return NULL;
}

// The bytes of the Buffer argv[i] from offset argv[i + 1] on, with room for
// `count` hashes checked; NULL (an error thrown) otherwise.
static const uint8_t* hashes_at(napi_env env, napi_value buf, napi_value at, uint32_t count) {
  bool is = false;
  if (napi_is_buffer(env, buf, &is) != napi_ok || !is) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "diffHashes takes Buffers");
    return NULL;
  }
  void* p;
  size_t n;
  napi_get_buffer_info(env, buf, &p, &n);
  double off;
  if (napi_get_value_double(env, at, &off) != napi_ok || !(off >= 0 && off == (double)(size_t)off) ||
      (size_t)off > n || count > (n - (size_t)off) / HASH_BYTES) {
    throw_range(env, "the hashes do not fit the buffer at that offset");
    return NULL;
  }
  return (const uint8_t*)p + (size_t)off;
}

napi_value DiffHashes(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "diffHashes(a, aAt, b, bAt, count) takes 5 arguments");
    return NULL;
  }
  uint32_t count;
  if (napi_get_value_uint32(env, argv[4], &count) != napi_ok) return throw_range(env, "count must be a non-negative integer");
  const uint8_t* a = hashes_at(env, argv[0], argv[1], count);
  if (!a) return NULL;
  const uint8_t* b = hashes_at(env, argv[2], argv[3], count);
  if (!b) return NULL;
  napi_value out;
  napi_create_array(env, &out);
  uint32_t found = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (memcmp(a + (size_t)i * HASH_BYTES, b + (size_t)i * HASH_BYTES, HASH_BYTES) != 0) {
      napi_value v;
      napi_create_uint32(env, i, &v);
      napi_set_element(env, out, found++, v);
    }
  }
  return out;
}
