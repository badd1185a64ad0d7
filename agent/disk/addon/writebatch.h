#ifndef BLOCKPAIR_WRITEBATCH_H
#define BLOCKPAIR_WRITEBATCH_H
#include <node_api.h>

// writeBatchAsync(fd, buffers, positions): see writebatch.c.
napi_value WriteBatchAsync(napi_env env, napi_callback_info info);

#endif
