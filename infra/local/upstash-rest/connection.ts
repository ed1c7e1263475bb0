import { connect, type Socket } from 'node:net';
import { RedisUnavailableError } from './errors.js';
import { encodeCommand, RespDecoder, type RespValue } from './resp.js';

export interface RespConnectionOptions {
  host: string;
  port: number;
  /** Longest a request waits for its replies (including waiting for a reconnect) before it fails with 503. */
  requestTimeoutMs?: number;
  /** Longest pause between reconnect attempts; attempts start at 50 ms and double up to this. */
  maxReconnectDelayMs?: number;
}

/** One request's commands in flight: their replies arrive in order, one after the other, on the shared socket. */
interface Batch {
  readonly expected: number;
  readonly replies: RespValue[];
  settled: boolean;
  resolve(replies: RespValue[]): void;
  reject(err: Error): void;
}

/**
 * One multiplexed RESP2 connection to Redis, shared by all HTTP requests.
 *
 * Each request's commands are encoded into a single buffer, so the commands of a request are contiguous on the wire (a
 * MULTI … EXEC block cannot be split by another request) and many requests are pipelined on one socket. Redis answers
 * in order, so a FIFO of batches matches replies to requests. The buffers of every request handled in one turn of the
 * event loop go out in ONE write, after the turn's I/O callbacks (`setImmediate`): under load a socket write to Redis
 * (a loopback send that wakes Redis) was the largest part of the endpoint's CPU per request, and one write per turn
 * pays it once for all the requests that arrived together; alone, a request waits only for the end of its turn.
 *
 * A request that times out is answered 503 but keeps its place in the FIFO: its replies still arrive and are dropped,
 * which keeps later requests matched to their own replies. When the socket closes, every waiting request fails with 503
 * and the connection reconnects with backoff; requests made meanwhile wait for it, bounded by `requestTimeoutMs`.
 */
export class RespConnection {
  private socket: Socket | undefined;
  private connected = false;
  private closed = false;
  private reconnectDelay = 50;
  private readonly inFlight: Batch[] = [];
  private inFlightHead = 0;
  /** Encoded commands waiting for this turn's write, for `pendingSocket` only. */
  private pending: Buffer[] = [];
  private pendingSocket: Socket | undefined;
  private readonly waitingForConnect = new Set<() => void>();
  private readonly decoder = new RespDecoder((reply) => this.onReply(reply));
  private readonly requestTimeoutMs: number;
  private readonly maxReconnectDelayMs: number;

  constructor(private readonly options: RespConnectionOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.maxReconnectDelayMs = options.maxReconnectDelayMs ?? 2_000;
    this.open();
  }

  /** Parses `redis://host:port`; credentials and database numbers are refused (the local Redis has neither). */
  static fromUrl(url: string, options: Omit<RespConnectionOptions, 'host' | 'port'> = {}): RespConnection {
    const parsed = new URL(url);
    if (parsed.protocol !== 'redis:' || parsed.username || parsed.password || (parsed.pathname || '/') !== '/') {
      throw new Error(`unsupported redis url ${url}: expected redis://host:port`);
    }
    return new RespConnection({ ...options, host: parsed.hostname, port: Number(parsed.port || 6379) });
  }

  /** Sends the commands in one write and resolves with one reply per command, in order. Error replies are values. */
  async send(commands: readonly (readonly (string | Buffer)[])[]): Promise<RespValue[]> {
    if (commands.length === 0) return [];
    const deadline = Date.now() + this.requestTimeoutMs;
    if (!this.connected) await this.waitForConnect(deadline);
    const socket = this.socket;
    if (!socket || !this.connected) throw new RedisUnavailableError('not connected');
    const payload = Buffer.concat(commands.map((c) => encodeCommand(c)));
    return new Promise<RespValue[]>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          fail(new RedisUnavailableError(`no reply within ${this.requestTimeoutMs} ms`));
          // Replies come in order: an overdue one (a long script, a stuck server) holds every later request behind
          // it on this socket. Drop the connection — whatever waits fails fast with 503 — and reconnect.
          if (socket === this.socket && this.connected) {
            this.connected = false; // new requests wait for the reconnect instead of joining the doomed socket
            socket.destroy(new Error('reply overdue'));
          }
        },
        Math.max(1, deadline - Date.now()),
      );
      const fail = (err: Error) => {
        if (batch.settled) return;
        batch.settled = true;
        clearTimeout(timer);
        reject(err);
      };
      const batch: Batch = {
        expected: commands.length,
        replies: [],
        settled: false,
        resolve: (replies) => {
          if (batch.settled) return;
          batch.settled = true;
          clearTimeout(timer);
          resolve(replies);
        },
        reject: fail,
      };
      this.inFlight.push(batch);
      this.enqueue(socket, payload);
    });
  }

  /** Queues a request's bytes for the write at the end of this turn (one write for all of the turn's requests). */
  private enqueue(socket: Socket, payload: Buffer): void {
    if (this.pendingSocket !== socket) {
      const chunks: Buffer[] = [];
      this.pending = chunks;
      this.pendingSocket = socket;
      setImmediate(() => this.flush(socket, chunks));
    }
    this.pending.push(payload);
  }

  private flush(socket: Socket, chunks: Buffer[]): void {
    if (this.pending === chunks) {
      this.pending = [];
      this.pendingSocket = undefined;
    }
    // A socket closed since: its requests were already failed (failAll), their bytes go nowhere.
    if (socket !== this.socket || socket.destroyed) return;
    socket.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }

  /** Stops reconnecting and fails whatever is still waiting. */
  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.failAll(new RedisUnavailableError('endpoint shutting down'));
  }

  private open(): void {
    const socket = connect({ host: this.options.host, port: this.options.port, noDelay: true, keepAlive: true });
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
      this.reconnectDelay = 50;
      for (const wake of this.waitingForConnect) wake();
      this.waitingForConnect.clear();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.write(chunk);
      } catch (err) {
        socket.destroy(err as Error);
      }
    });
    // 'error' is always followed by 'close'; the close handler does the work.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.connected = false;
      this.decoder.reset();
      this.failAll(new RedisUnavailableError('connection to redis lost'));
      if (this.closed) return;
      const delay = this.reconnectDelay;
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.maxReconnectDelayMs);
      setTimeout(() => {
        if (!this.closed) this.open();
      }, delay).unref();
    });
  }

  private onReply(reply: RespValue): void {
    const batch = this.inFlight[this.inFlightHead];
    if (!batch) {
      // Redis never speaks unasked on a RESP2 connection without subscriptions; if it does, we are out of step.
      this.socket?.destroy(new Error('reply without a request'));
      return;
    }
    batch.replies.push(reply);
    if (batch.replies.length < batch.expected) return;
    this.inFlightHead += 1;
    if (this.inFlightHead === this.inFlight.length) {
      this.inFlight.length = 0;
      this.inFlightHead = 0;
    } else if (this.inFlightHead > 1024) {
      this.inFlight.splice(0, this.inFlightHead);
      this.inFlightHead = 0;
    }
    batch.resolve(batch.replies);
  }

  private failAll(err: Error): void {
    const waiting = this.inFlight.splice(0);
    this.inFlightHead = 0;
    for (const batch of waiting) batch.reject(err);
  }

  private waitForConnect(deadline: number): Promise<void> {
    if (this.closed) return Promise.reject(new RedisUnavailableError('endpoint shutting down'));
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          this.waitingForConnect.delete(wake);
          reject(new RedisUnavailableError(`not connected within ${this.requestTimeoutMs} ms`));
        },
        Math.max(1, deadline - Date.now()),
      );
      this.waitingForConnect.add(wake);
    });
  }
}
