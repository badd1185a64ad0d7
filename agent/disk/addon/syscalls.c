// The three Linux calls a sync makes on every file and Node does not expose:
// lseek with SEEK_DATA/SEEK_HOLE (where the data is), fallocate (punching holes)
// and posix_fadvise; and FICLONE, run on the thread pool (see Ficlone). agent/disk/native.ts reaches them here when the addon is
// built, and through koffi otherwise: loading koffi costs ~10 ms of CPU at every
// start, as long as a whole small push (issue 19), and this addon is loaded anyway.
//
// Each returns its result, or -errno on failure, so that errno is read in C right
// after the call; offsets arrive as JS numbers that native.ts has checked to be
// safe non-negative integers.
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include "syscalls.h"

#ifdef __linux__
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <stdint.h>
#include <unistd.h>

// Reads `n` integer arguments; false (and a thrown TypeError) when one is not a number.
static bool int_args(napi_env env, napi_callback_info info, size_t n, int64_t* out) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != n) {
    napi_throw_type_error(env, NULL, "wrong number of arguments");
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (napi_get_value_int64(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "arguments must be numbers");
      return false;
    }
  }
  return true;
}

static napi_value number(napi_env env, int64_t v) {
  napi_value result;
  napi_create_int64(env, v, &result);
  return result;
}

// lseek(fd, offset, whence): the new offset, or -errno.
static napi_value Lseek(napi_env env, napi_callback_info info) {
  int64_t a[3];
  if (!int_args(env, info, 3, a)) return NULL;
  off_t r = lseek((int)a[0], (off_t)a[1], (int)a[2]);
  return number(env, r < 0 ? -errno : (int64_t)r);
}

// fallocate(fd, mode, offset, length): 0, or -errno.
static napi_value Fallocate(napi_env env, napi_callback_info info) {
  int64_t a[4];
  if (!int_args(env, info, 4, a)) return NULL;
  int r = fallocate((int)a[0], (int)a[1], (off_t)a[2], (off_t)a[3]);
  return number(env, r < 0 ? -errno : 0);
}

// fadvise(fd, offset, length, advice): 0, or -errno (posix_fadvise returns it, errno is untouched).
static napi_value Fadvise(napi_env env, napi_callback_info info) {
  int64_t a[4];
  if (!int_args(env, info, 4, a)) return NULL;
  return number(env, -(int64_t)posix_fadvise((int)a[0], (off_t)a[1], (off_t)a[2], (int)a[3]));
}

// FICLONE writes the source's dirty pages back before it shares their extents:
// seconds for a busy VM image, during which an agent's event loop would serve
// no other session and send no heartbeat. So it runs on libuv's pool.
typedef struct {
  int dest, src, result;
  napi_deferred deferred;
  napi_async_work work;
} Clone;

static void clone_execute(napi_env env, void* data) {
  (void)env;
  Clone* c = data;
  c->result = ioctl(c->dest, FICLONE, c->src) < 0 ? -errno : 0;
}

static void clone_complete(napi_env env, napi_status status, void* data) {
  Clone* c = data;
  napi_value v = number(env, status == napi_ok ? c->result : -ECANCELED);
  napi_resolve_deferred(env, c->deferred, v);
  napi_delete_async_work(env, c->work);
  free(c);
}

// ficlone(destFd, srcFd): a promise of 0, or of -errno.
static napi_value Ficlone(napi_env env, napi_callback_info info) {
  int64_t a[2];
  if (!int_args(env, info, 2, a)) return NULL;
  Clone* c = calloc(1, sizeof *c);
  if (!c) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  c->dest = (int)a[0];
  c->src = (int)a[1];
  napi_value promise, name;
  napi_create_promise(env, &c->deferred, &promise);
  napi_create_string_utf8(env, "blockpair.ficlone", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, clone_execute, clone_complete, c, &c->work);
  napi_queue_async_work(env, c->work);
  return promise;
}

void DefineSyscalls(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"lseek", NULL, Lseek, NULL, NULL, NULL, napi_enumerable, NULL},
    {"fallocate", NULL, Fallocate, NULL, NULL, NULL, napi_enumerable, NULL},
    {"fadvise", NULL, Fadvise, NULL, NULL, NULL, napi_enumerable, NULL},
    {"ficlone", NULL, Ficlone, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
}
#else
void DefineSyscalls(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
}
#endif
