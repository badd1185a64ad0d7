{
  # One small addon of our own: XXH3-128 over many blocks per call, on the
  # calling thread or on libuv's pool. It compiles xxHash from the copy that
  # ships inside the xxhash-addon package, so both produce the same hashes.
  # And batches of positioned writes in one thread-pool job (writebatch.c), and the
  # Linux calls native.ts would otherwise reach through koffi (syscalls.c).
  "targets": [
    {
      "target_name": "blockhash",
      "sources": ["blockhash.c", "writebatch.c", "syscalls.c"],
      "include_dirs": ["<!(node -p \"require('path').join(require('path').dirname(require.resolve('xxhash-addon/package.json')), 'xxHash')\")"],
      "defines": ["XXH_INLINE_ALL", "NAPI_VERSION=8"],
      "cflags": ["-O3", "-std=c99", "-Wall", "-Wextra"]
    }
  ]
}
