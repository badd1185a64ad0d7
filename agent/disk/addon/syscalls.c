// The three Linux calls a sync makes on every file and Node does not expose:
// lseek with SEEK_DATA/SEEK_HOLE (where the data is), fallocate (punching holes)
// and posix_fadvise. agent/disk/native.ts reaches them here when the addon is
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

void DefineSyscalls(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"lseek", NULL, Lseek, NULL, NULL, NULL, napi_enumerable, NULL},
    {"fallocate", NULL, Fallocate, NULL, NULL, NULL, napi_enumerable, NULL},
    {"fadvise", NULL, Fadvise, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
}
#else
void DefineSyscalls(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
}
#endif
