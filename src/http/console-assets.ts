import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';

export const CONSOLE_PATH = '/console';

/** Where `vite build` writes the console, from the source tree (tsx) or the compiled one (dist/). */
export function consoleDistDir(): string | undefined {
  const candidates = [path.resolve(__dirname, '../../console/dist'), path.resolve(__dirname, '../../../console/dist')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
}

/**
 * The support console's static build at /console (SPEC §9). Client-side routes (/console/disputes/…)
 * fall back to index.html. Without a build the path answers the usual 404 problem.
 */
export function mountConsole(app: Express, realtimePort: number): void {
  const dir = consoleDistDir();
  if (!dir) return;
  // The Socket.IO server listens on its own port; the console asks where (same host as the page).
  app.get(`${CONSOLE_PATH}/runtime.json`, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ realtimeUrl: `${req.protocol}://${req.hostname}:${realtimePort}` });
  });
  app.use(CONSOLE_PATH, express.static(dir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex }));
  app.get(`${CONSOLE_PATH}/{*rest}`, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(dir, 'index.html'));
  });
}

/** Hashed assets may be cached; the page that names them must not be. */
function noCacheForIndex(res: express.Response, file: string): void {
  if (file.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}
