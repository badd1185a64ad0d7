// `blockpair agent` as a process: its log lines, one process or a primary
// with worker processes, and how it stops. A signal cuts the sessions in
// progress (each peer hears why and can resume) instead of syncing on after
// it (issue 14, item 7); an agent started over ssh (--psk-stdin) also stops
// when its ssh connection is gone, so it never outlives it.

import {batchHashing} from '../engine/hash.js'
import {EXIT, InterruptedError} from '../errors.js'
import {checkAgentOptions, startAgent, type AgentOptions, type LogEntry} from '../session/server.js'
import {isWorker, PrimaryLocks, reportListening, runPrimary} from '../session/workers.js'
import type {Endpoint} from '../wire/transport.js'

export interface DaemonOptions extends Omit<AgentOptions, 'log' | 'locks'> {
  /** Processes to serve with (more than 1: a primary and its workers). */
  workers: number
  /** Log JSON lines; else key=value lines. */
  json: boolean
  /** No log lines and no warnings. */
  quiet: boolean
  /** The key came over the ssh bootstrap's stdin: stop when stdin closes. */
  stdinBound: boolean
  /** Say where it listens ("listening HOST:PORT", the CLI contract). */
  listening: (address: Endpoint) => void
}

/** Serve until done or told to stop; the process's exit code. */
export async function runDaemon(o: DaemonOptions): Promise<number> {
  const log = logger(o)
  const options: AgentOptions = {...o, log}
  if (!batchHashing && !o.quiet && !isWorker()) {
    process.stderr.write('warning: blockpair\'s hashing addon (agent/disk/addon) is not built or is disabled; hashing falls back to ' +
      'xxhash-addon, about half as fast. Build it with `npm run build:addon` (needs gcc and make).\n')
  }
  if (o.workers > 1 && !isWorker()) {
    // The primary: everything is checked here once, then each worker runs this command again as a worker.
    checkAgentOptions(options)
    return runPrimary({workers: o.workers, onListening: o.listening, note: result => log({event: 'worker', result})})
  }
  const agent = await startAgent({...options, locks: isWorker() ? new PrimaryLocks() : undefined})
  if (isWorker()) reportListening(agent.address)
  else o.listening(agent.address)
  const stop = (sig: NodeJS.Signals): void => void agent.abort(new InterruptedError('E_AGENT_STOPPED', `the agent was stopped (${sig}); resume once it runs again`))
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(sig, stop)
  // A worker whose primary is gone gets no more connections: finish and go.
  if (isWorker()) process.once('disconnect', () => void agent.close())
  if (o.stdinBound) {
    const abort = (): void => void agent.abort()
    process.stdin.once('end', abort)
    process.stdin.once('close', abort)
    process.stdin.resume()
  }
  await agent.done
  return EXIT.OK
}

type DaemonLog = (e: LogEntry | {event: 'worker'; result: string}) => void

/** One line per session and refusal on stderr; with --workers, which worker served it. */
function logger(o: {json: boolean; quiet: boolean}): DaemonLog {
  const worker = isWorker() ? {worker: process.pid} : {}
  return e => {
    const entry = {...worker, ...e}
    if (o.json) process.stderr.write(JSON.stringify({time: new Date().toISOString(), ...entry}) + '\n')
    else if (!o.quiet) process.stderr.write(`${new Date().toISOString()} ${Object.entries(entry).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}\n`)
  }
}
