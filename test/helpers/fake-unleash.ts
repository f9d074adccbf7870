import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUnleashState {
  version?: number;
  features: unknown[];
  segments?: unknown[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The status answered, for metrics uploads: tells delivered counts from refused ones. */
  status?: number;
  /** When the request arrived (Date.now()). */
  at: number;
}

/** What the fake answers instead of the flags, to simulate an upstream in trouble. */
export type UpstreamFault =
  | { kind: 'status'; status: number }
  | { kind: 'body'; body: string }
  | { kind: 'delay'; ms: number }
  /** The connection is dropped without an answer. */
  | { kind: 'reset' };

/** A token the fake's `POST /edge/validate` knows, as Unleash describes it. */
export interface FakeToken {
  token: string;
  type: 'client' | 'backend' | 'frontend' | 'admin';
  environment: string;
  projects: string[];
}

/**
 * An Unleash-compatible upstream for tests, on 127.0.0.1 and a free port: serves
 * /api/client/features with ETag and 304 and records every request (metrics, register).
 */
export class FakeUnleash {
  readonly requests: RecordedRequest[] = [];
  private state: FakeUnleashState = { version: 2, features: [], segments: [] };
  private body = '';
  private etag = '';
  private fault: UpstreamFault | undefined;
  private server: Server | undefined;
  private metricsStatus = 202;
  private readonly tokens = new Map<string, FakeToken>();
  /** When set, `POST /edge/validate` fails this way (Unleash unreachable or in trouble). */
  validationFault: UpstreamFault | undefined;
  private port = 0;

  constructor(initial?: FakeUnleashState) {
    this.setState(initial ?? { features: [] });
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('FakeUnleash is not started');
    return `http://127.0.0.1:${address.port}/api`;
  }

  /** Flags answered to one Authorization value (a backend token of an environment). */
  private readonly byToken = new Map<string, { body: string; etag: string }>();

  setStateFor(token: string, state: FakeUnleashState): void {
    const body = JSON.stringify({ version: 2, segments: [], ...state });
    this.byToken.set(token, {
      body,
      etag: `"${createHash('sha1').update(body).digest('hex')}"`,
    });
  }

  setState(state: FakeUnleashState): void {
    this.state = { version: 2, segments: [], ...state };
    this.body = JSON.stringify(this.state);
    this.etag = `"${createHash('sha1').update(this.body).digest('hex')}"`;
  }

  setFault(fault: UpstreamFault | undefined): void {
    this.fault = fault;
  }

  /** Tokens `POST /edge/validate` answers as valid; replaces the previous set (revocation). */
  setTokens(tokens: readonly FakeToken[]): void {
    this.tokens.clear();
    for (const token of tokens) this.tokens.set(token.token, token);
  }

  setMetricsStatus(status: number): void {
    this.metricsStatus = status;
  }

  /** The bodies of the metrics uploads answered with a 2xx, in arrival order. */
  deliveredMetrics(): unknown[] {
    return this.requestsTo('/api/client/metrics')
      .filter((request) => request.status !== undefined && request.status < 300)
      .map((request) => request.body);
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Starts on `port`, or on the port of a previous start (so a restart keeps the URL). */
  async start(port = this.port): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The URL the fake has or had, also while stopped. */
  get lastUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      at: Date.now(),
    };
    this.requests.push(recorded);

    if (path === '/api/client/features' && req.method === 'GET') {
      await this.answerFeatures(req, res);
      return;
    }
    if (path === '/api/client/metrics' && req.method === 'POST') {
      recorded.status = this.metricsStatus;
      res.writeHead(this.metricsStatus).end();
      return;
    }
    if (path === '/edge/validate' && req.method === 'POST') {
      this.answerValidation(req, res, body);
      return;
    }
    if (path === '/api/client/register' && req.method === 'POST') {
      res.writeHead(202).end();
      return;
    }
    res.writeHead(404).end();
  }

  private answerValidation(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const fault = this.validationFault;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      res.writeHead(fault.status).end();
      return;
    }
    const asked = (body as { tokens?: unknown } | undefined)?.tokens;
    const names = Array.isArray(asked) ? asked.filter((t) => typeof t === 'string') : [];
    const tokens = names.flatMap((name) => {
      const known = this.tokens.get(name);
      return known ? [known] : [];
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tokens }));
  }

  private async answerFeatures(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = this.fault;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    if (fault?.kind === 'body') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(fault.body);
      return;
    }
    if (fault?.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    const own = this.byToken.get(String(req.headers.authorization ?? ''));
    const { body, etag } = own ?? { body: this.body, etag: this.etag };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  }
}
