// xxHash's run-time dispatcher (xxh_x86dispatch.c, from the copy inside the
// xxhash-addon package, found through include_dirs), compiled as one of our
// sources: node-gyp builds only files under the addon's folder.
#include "xxh_x86dispatch.c"
