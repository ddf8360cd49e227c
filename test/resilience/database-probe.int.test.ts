import { DatabaseProbe } from '../../src/shared/readiness.repository';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

// PostgreSQL behind a proxy that takes 800 ms to open each connection: a busy host, not a down one.
let proxy: TcpProxy;
let url: string;
beforeAll(async () => {
  const admin = new URL(process.env.TEST_PG_ADMIN_URL!);
  proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) }, { openDelayMs: 800 });
  admin.host = `127.0.0.1:${proxy.port}`;
  url = admin.toString();
});
afterAll(() => proxy.cut());

describe('the PostgreSQL health probe', () => {
  it('reads a connection slow to open as down when it has to open one within its bound', async () => {
    const probe = new DatabaseProbe(url);
    try {
      await expect(probe.ping(300)).rejects.toThrow();
    } finally {
      probe.close();
    }
  });

  it('warmed at start, answers within its bound however slow opening the connection was', async () => {
    const probe = new DatabaseProbe(url);
    try {
      await probe.warm(5000);
      await expect(probe.ping(300)).resolves.toBeUndefined();
      await expect(probe.ping(300)).resolves.toBeUndefined();
    } finally {
      probe.close();
    }
  });

  it('closed while still opening, settles at once and stays closed', async () => {
    const probe = new DatabaseProbe(url);
    const warming = probe.warm(5000);
    probe.close();
    await warming;
    await expect(probe.ping(300)).rejects.toThrow('closed');
  });
});
