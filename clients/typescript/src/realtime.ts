import { io, type Socket } from 'socket.io-client';
import { BiddtApiError, type Problem } from './errors';
import type { AckResponse, BidResultEvent, ClientToServerEvents, ServerToClientEvents } from './socket-events';
import type { TokenSession } from './tokens';

export type BiddtSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (r: AckResponse<infer T>) => void
  ? T
  : never;

export interface RealtimeOptions {
  /** How long an ack may take before `request` rejects (ms). */
  ackTimeoutMs?: number;
  /** Told when the session was signed out (logout elsewhere, refresh refused): sign in again. */
  onSignedOut?: (problem: Problem) => void;
}

const RECENT_RESULTS = 200;

/**
 * One Socket.IO connection for a signed-in user. It always hands the server the newest access token
 * (function-form `auth`), keeps the server's deadline moving when the token is refreshed (`auth`
 * event), and when the server ends the socket for an expired token (`session_expired` or a refused
 * handshake) refreshes once and reconnects. `bid_result`s are kept briefly by request id, so a result
 * that overtakes the ack that announces it is not lost.
 */
export class RealtimeConnection {
  readonly socket: BiddtSocket;
  private readonly results = new Map<string, BidResultEvent>();
  private readonly waiters = new Map<string, (result: BidResultEvent) => void>();
  private readonly ackTimeoutMs: number;
  private stopTokenWatch: () => void;
  private closed = false;

  constructor(
    url: string,
    private readonly session: TokenSession,
    private readonly options: RealtimeOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 15_000;
    this.socket = io(url, {
      transports: ['websocket'],
      // This connection owns its socket (its own auth, its own close), never a shared Manager's.
      forceNew: true,
      autoConnect: false,
      auth: (cb) => cb({ token: session.accessToken ?? '' }),
    });
    this.socket.on('bid_result', (result) => this.keepResult(result));
    this.socket.on('session_expired', ({ error }) => void this.recover(error));
    this.socket.on('connect_error', (err: Error & { data?: Problem }) => {
      if (err.data?.code) void this.recover(err.data);
    });
    this.stopTokenWatch = session.onChange((tokens) => {
      if (tokens && this.socket.connected) this.socket.emit('auth', { token: tokens.accessToken }, () => undefined);
    });
  }

  /** Connects and resolves once the handshake is accepted (rejects with the refusal's problem). */
  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
      };
      const onConnect = () => {
        done();
        resolve();
      };
      const onError = (err: Error & { data?: Problem }) => {
        // An expired token is recovered from (refresh, reconnect); wait for that connect instead.
        if (err.data?.code === 'token_expired') return;
        done();
        reject(err.data ? new BiddtApiError(err.data) : err);
      };
      this.socket.on('connect', onConnect);
      this.socket.on('connect_error', onError);
      this.socket.connect();
    });
  }

  /** Emits a client event and resolves its ack's `data`; a refused event rejects with a BiddtApiError. */
  async request<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<AckData<E>> {
    // The typed emitWithAck cannot be called with a generic event name; the ack shape is AckData<E> by construction.
    const emitter = this.socket.timeout(this.ackTimeoutMs) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> };
    const response = (await emitter.emitWithAck(event, payload)) as AckResponse<AckData<E>>;
    if (!response.ok) throw new BiddtApiError(response.error);
    return response.data;
  }

  /** The `bid_result` for `requestId`: at once if it already came, else when it comes (or null after `timeoutMs`). */
  waitForBidResult(requestId: string, timeoutMs: number): Promise<BidResultEvent | null> {
    const known = this.results.get(requestId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(requestId);
        resolve(null);
      }, timeoutMs);
      this.waiters.set(requestId, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
    });
  }

  close(): void {
    this.closed = true;
    this.stopTokenWatch();
    this.socket.disconnect();
  }

  private keepResult(result: BidResultEvent): void {
    const waiter = this.waiters.get(result.requestId);
    if (waiter) {
      this.waiters.delete(result.requestId);
      waiter(result);
      return;
    }
    this.results.set(result.requestId, result);
    if (this.results.size > RECENT_RESULTS) this.results.delete(this.results.keys().next().value as string);
  }

  /** An expired access token: refresh (shared with REST) and reconnect; anything else ends the session. */
  private async recover(problem: Problem): Promise<void> {
    if (this.closed) return;
    if (problem.code !== 'token_expired') {
      if (problem.code === 'session_revoked') this.options.onSignedOut?.(problem);
      return;
    }
    const tokens = await this.session.refresh().catch(() => null);
    if (!tokens) {
      this.options.onSignedOut?.(problem);
      return;
    }
    if (!this.closed && !this.socket.connected) this.socket.connect();
  }
}
