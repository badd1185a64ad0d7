#ifndef BLOCKPAIR_SYSCALLS_H
#define BLOCKPAIR_SYSCALLS_H
#include <node_api.h>

// Adds lseek, fallocate, fadvise and ficlone to the addon's exports (Linux only): see syscalls.c.
void DefineSyscalls(napi_env env, napi_value exports);

#endif
