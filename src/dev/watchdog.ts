import { spawn, type ChildProcess } from 'node:child_process';

// Polls the parent and the child; when the parent is gone (even SIGKILLed, which runs no handler of
// ours) it stops the child, escalating to SIGKILL if it lingers. Neither redis-server nor postgres
// has a parent-death option, and both run in their own process group so that Ctrl-C reaches only
// this process, which stops them after the app has drained.
const SCRIPT = `
parent=$1; child=$2; sig=$3
alive() { kill -0 "$1" 2>/dev/null; }
while alive "$parent" && alive "$child"; do sleep 0.5; done
alive "$child" || exit 0
kill -"$sig" "$child" 2>/dev/null
i=0
while alive "$child" && [ "$i" -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
alive "$child" && kill -KILL "$child" 2>/dev/null
exit 0
`;

/** Starts a watchdog that stops `child` with `signal` once this process is gone; returns its stopper. */
export function watchChild(child: ChildProcess, signal: 'TERM' | 'INT'): () => void {
  if (!child.pid) return () => undefined;
  const dog = spawn('/bin/sh', ['-c', SCRIPT, 'biddt-watchdog', String(process.pid), String(child.pid), signal], {
    detached: true,
    stdio: 'ignore',
  });
  dog.on('error', () => undefined); // without /bin/sh only the SIGKILL case is unguarded; start anyway
  dog.unref();
  return () => {
    if (dog.exitCode === null && dog.pid) dog.kill('SIGKILL');
  };
}
