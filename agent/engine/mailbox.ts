// The source's manifests, waited for by segment number (see Mailbox).

/** Resolves waiters by key as values arrive (manifests by segment number). */
export class Mailbox<T> {
  private readonly values = new Map<number, T>()
  private readonly waiters = new Map<number, {resolve: (v: T) => void; reject: (e: Error) => void}>()
  private error: Error | null = null

  put(k: number, v: T): void {
    const w = this.waiters.get(k)
    if (w) {
      this.waiters.delete(k)
      w.resolve(v)
    } else {
      this.values.set(k, v)
    }
  }

  get size(): number {
    return this.values.size
  }

  async take(k: number): Promise<T> {
    if (this.error) throw this.error
    const v = this.values.get(k)
    if (v !== undefined) {
      this.values.delete(k)
      return v
    }
    return new Promise((resolve, reject) => this.waiters.set(k, {resolve, reject}))
  }

  fail(e: Error): void {
    this.error = e
    for (const w of this.waiters.values()) w.reject(e)
    this.waiters.clear()
  }
}
