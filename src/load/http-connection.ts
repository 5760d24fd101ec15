/**
 * One keep-alive HTTP/1.1 connection that sends pre-serialised requests and parses just enough of
 * each response (status line, Content-Length or chunked body) to know when it ended. Node's http
 * client costs several times more CPU per request; a load generator sharing cores with the server
 * under test cannot afford that.
 */
import net from 'node:net';

/** Where to connect: TCP host/port, or a Unix socket path. */
export type Target = { host: string; port: number } | { socketPath: string };

/** Called once per request: the HTTP status, or 0 when the connection failed. */
export type OnResponse = (status: number) => void;

/** A reusable connection; `send` must not be called again before the previous response arrived. */
export class HttpConnection {
  private socket: net.Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: OnResponse | undefined;

  constructor(private readonly target: Target) {}

  /** True while a request is in flight. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Writes one serialised request; `done` gets the status (0 on a connection error). */
  send(request: Buffer, done: OnResponse): void {
    this.pending = done;
    this.connection().write(request);
  }

  /** Drops the connection (after a timeout); an in-flight request gets no callback. */
  reset(): void {
    this.pending = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
  }

  private connection(): net.Socket {
    if (this.socket) return this.socket;
    const socket =
      'socketPath' in this.target ? net.connect(this.target.socketPath) : net.connect(this.target);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.buffer = Buffer.alloc(0);
      this.finish(0);
    };
    socket.on('error', fail);
    socket.on('close', fail);
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = responseEnd(this.buffer);
      if (end < 0) return;
      const status = Number(this.buffer.toString('latin1', 9, 12));
      this.buffer = this.buffer.subarray(end);
      this.finish(status);
    }
  }

  private finish(status: number) {
    const done = this.pending;
    this.pending = undefined;
    done?.(status);
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('\r\nContent-Length: ');

/** Byte offset just past the first complete response in `buffer`, or -1 if it is incomplete. */
export function responseEnd(buffer: Buffer): number {
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd < 0) return -1;
  // Fast path for the canonical spelling (Node, Go, Python servers); the regex handles the rest.
  const fast = buffer.indexOf(CONTENT_LENGTH);
  if (fast > 0 && fast < headerEnd) {
    let length = 0;
    for (let i = fast + CONTENT_LENGTH.length; buffer[i]! >= 48 && buffer[i]! <= 57; i++)
      length = length * 10 + buffer[i]! - 48;
    const end = headerEnd + 4 + length;
    return buffer.length >= end ? end : -1;
  }
  const head = buffer.toString('latin1', 0, headerEnd).toLowerCase();
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) {
    const end = headerEnd + 4 + Number(length[1]);
    return buffer.length >= end ? end : -1;
  }
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) {
    const last = buffer.indexOf('\r\n0\r\n\r\n', headerEnd);
    return last < 0 ? -1 : last + 7;
  }
  return headerEnd + 4;
}

/** Serialises one request for reuse on every send. */
export function serialiseRequest(method: string, path: string, host: string, body?: string): Buffer {
  const content = body === undefined ? '' : body;
  const headers = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: keep-alive'];
  if (body !== undefined)
    headers.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(content)}`);
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${content}`);
}
