// Many positioned writes in one trip to libuv's thread pool.
//
// The destination of an incremental sync writes thousands of scattered 4 KiB
// pieces. Each fs.write() is one thread-pool job, and on this kind of machine
// handing a job to the pool and getting its result back costs more than the
// write itself (measured: 5,000 writes of 4 KiB into the page cache take
// ~260 ms of CPU as pool jobs, ~50 ms as plain pwrite calls). One job that
// loops over a batch of writes keeps the work off the event loop and pays the
// hand-over once.
//
//   writeBatchAsync(fd, buffers, positions)   a Promise; settles when all are written
//
// Each buffer is written whole at its position (short writes are continued).
// On the first failure the Promise rejects with an Error carrying `errno`
// (positive, as in errno.h) and `index` (the buffer that failed); the writes
// before it are done, the ones after it are not attempted. The buffers are
// referenced until the Promise settles.

#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "writebatch.h"

typedef struct {
  const uint8_t* data;
  size_t length;
  off_t position;
} Piece;

typedef struct {
  int fd;
  uint32_t count;
  Piece* pieces;
  napi_ref buffers;
  napi_deferred deferred;
  napi_async_work work;
  int error;
  uint32_t failed;
} Batch;

static void execute(napi_env env, void* arg) {
  (void)env;
  Batch* b = arg;
  for (uint32_t i = 0; i < b->count; i++) {
    const Piece* p = &b->pieces[i];
    size_t done = 0;
    while (done < p->length) {
      ssize_t n = pwrite(b->fd, p->data + done, p->length - done, p->position + (off_t)done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        // pwrite returning 0 for a non-empty buffer: no progress is possible.
        b->error = n < 0 ? errno : EIO;
        b->failed = i;
        return;
      }
      done += (size_t)n;
    }
  }
}

static void complete(napi_env env, napi_status status, void* arg) {
  Batch* b = arg;
  if (status == napi_ok && b->error == 0) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, b->deferred, undefined);
  } else {
    int code = status == napi_ok ? b->error : ECANCELED;
    napi_value msg, err, errnoValue, index;
    napi_create_string_utf8(env, strerror(code), NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_create_int32(env, code, &errnoValue);
    napi_create_uint32(env, b->failed, &index);
    napi_set_named_property(env, err, "errno", errnoValue);
    napi_set_named_property(env, err, "index", index);
    napi_reject_deferred(env, b->deferred, err);
  }
  napi_delete_reference(env, b->buffers);
  napi_delete_async_work(env, b->work);
  free(b->pieces);
  free(b);
}

static napi_value type_error(napi_env env, const char* msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

napi_value WriteBatchAsync(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) {
    return type_error(env, "writeBatchAsync(fd, buffers, positions) takes 3 arguments");
  }
  int32_t fd;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) return type_error(env, "fd must be a file descriptor");
  bool isArray = false, isArray2 = false;
  napi_is_array(env, argv[1], &isArray);
  napi_is_array(env, argv[2], &isArray2);
  if (!isArray || !isArray2) return type_error(env, "buffers and positions must be arrays");
  uint32_t count, count2;
  napi_get_array_length(env, argv[1], &count);
  napi_get_array_length(env, argv[2], &count2);
  if (count != count2 || count == 0) return type_error(env, "buffers and positions must be non-empty arrays of the same length");
  // Everything is checked before any memory is handed to the pool thread.
  Piece* pieces = calloc(count, sizeof *pieces);
  if (!pieces) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value buf, pos;
    bool isBuffer = false;
    double at;
    napi_get_element(env, argv[1], i, &buf);
    napi_get_element(env, argv[2], i, &pos);
    if (napi_is_buffer(env, buf, &isBuffer) != napi_ok || !isBuffer) {
      free(pieces);
      return type_error(env, "every element of buffers must be a Buffer");
    }
    // 2^53: the largest offset a JS number holds exactly.
    if (napi_get_value_double(env, pos, &at) != napi_ok || !(at >= 0 && at <= 9007199254740992.0 && at == (double)(int64_t)at)) {
      free(pieces);
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "every position must be a non-negative integer");
      return NULL;
    }
    void* p;
    size_t n;
    napi_get_buffer_info(env, buf, &p, &n);
    pieces[i] = (Piece){p, n, (off_t)at};
  }
  Batch* b = calloc(1, sizeof *b);
  if (!b) {
    free(pieces);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  b->fd = fd;
  b->count = count;
  b->pieces = pieces;
  napi_value promise, name;
  // The array holds the buffers: one reference keeps them all alive.
  napi_create_reference(env, argv[1], 1, &b->buffers);
  napi_create_promise(env, &b->deferred, &promise);
  napi_create_string_utf8(env, "blockpair.writeBatch", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, b, &b->work);
  napi_queue_async_work(env, b->work);
  return promise;
}
