#ifndef BLOCKPAIR_DIFFHASH_H
#define BLOCKPAIR_DIFFHASH_H
#include <node_api.h>

// diffHashes(a, aAt, b, bAt, count): see diffhash.c.
napi_value DiffHashes(napi_env env, napi_callback_info info);

#endif
