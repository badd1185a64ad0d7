{
  # One small addon of our own: XXH3-128 over many blocks per call, on the
  # calling thread or on libuv's pool. It compiles xxHash from the copy that
  # ships inside the xxhash-addon package, so both produce the same hashes.
  # And batches of positioned writes in one thread-pool job (writebatch.c), and the
  # Linux calls native.ts would otherwise reach through koffi (syscalls.c), and
  # the comparison of two hash lists in one call (diffhash.c).
  # On x86-64, xxHash's own dispatcher (xxdispatch.c) picks the widest
  # vector unit the CPU has at run time (AVX2, AVX-512) instead of the SSE2
  # that a build for any x86-64 is limited to: ~25% less CPU for a segment's
  # read and hash, identical hashes (see blockhash.c).
  "targets": [
    {
      "target_name": "blockhash",
      "sources": ["blockhash.c", "writebatch.c", "syscalls.c", "diffhash.c"],
      "include_dirs": ["<!(node -p \"require('path').join(require('path').dirname(require.resolve('xxhash-addon/package.json')), 'xxHash')\")"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O3", "-std=c99", "-Wall", "-Wextra", "-fvisibility=hidden"],
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {
          "sources": ["xxdispatch.c"],
          "defines": ["BLOCKPAIR_XXH_DISPATCH"]
        }]
      ]
    }
  ]
}
