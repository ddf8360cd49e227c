import { spawn } from 'node:child_process';
import { join } from 'node:path';

// `npm run demo -- --fast` from the outside: the whole story runs and the process exits cleanly.
describe('npm run demo --fast', () => {
  it('closes the auction, pays, meets at a safe zone, verifies the QR, releases with a balanced ledger, and exits 0', async () => {
    const root = join(__dirname, '..', '..');
    const env = { ...process.env };
    // The demo brings its own PostgreSQL and Redis, as on a fresh clone.
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--fast'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 55_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code !== 0) throw new Error(`demo exited ${code}:\n${output.slice(-4000)}`);
    expect(output).toMatch(/auction ended: sold at \$\d+\.\d\d/);
    expect(output).toMatch(/meetup: Demo zone .* accepted/);
    expect(output).toMatch(/QR scanned by the seller at Demo zone .*: verified/);
    expect(output).toMatch(/escrow: released/);
    expect(output).toMatch(/ledger balanced: charge 0, release 0/);
    expect(output).toMatch(/demo finished: released/);
  }, 60_000);
});
