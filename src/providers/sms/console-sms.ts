import type { SmsSender } from './sms';

/** Development stand-in: one JSON line per message with `to` and `body` (SPEC §5), on stdout. */
export class ConsoleSms implements SmsSender {
  readonly sent: Array<{ to: string; body: string; at: string }> = [];

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  async send(to: string, body: string): Promise<void> {
    const message = { to, body, at: new Date().toISOString() };
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.shift(); // kept only for tests and demos
    this.write(JSON.stringify({ sms: true, ...message }));
  }
}
