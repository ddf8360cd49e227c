import type { PushMessage, PushOutcome, PushSender } from './push';

/** Development stand-in: logs each push as a JSON line and keeps the last ones for tests. */
export class LogPush implements PushSender {
  readonly sent: PushMessage[] = [];

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  async send(message: PushMessage): Promise<PushOutcome> {
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.shift();
    this.write(JSON.stringify({ push: true, to: message.token, title: message.title, body: message.body }));
    return 'sent';
  }
}
