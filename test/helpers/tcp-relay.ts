import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server (a redis-server): it passes bytes both ways,
 * tells when a client has sent some text, and can hold the server's answers back, so that a
 * test can act while a client's command is on its way but unanswered.
 */
export interface TcpRelay {
  /** The relay's port: clients connect here instead of the server's. */
  port: number;
  /** Resolves when clients have sent `text` `times` times since this call. */
  waitForSent: (text: string, times?: number) => Promise<void>;
  /** Keeps the server's answers until `releaseAnswers`. */
  holdAnswers: () => void;
  /** Delivers the answers held, in order, and passes answers on again. */
  releaseAnswers: () => void;
  stop: () => Promise<void>;
}

export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  let sent = '';
  const sentListeners = new Set<() => void>();
  let holding = false;
  const held: { socket: Socket; chunk: Buffer }[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const upstream = connect(target);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      sent += chunk.toString('latin1');
      for (const listener of sentListeners) listener();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (holding) held.push({ socket: client, chunk });
      else client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    waitForSent: (text, times = 1) =>
      new Promise<void>((resolve) => {
        const from = sent.length;
        const listener = () => {
          if (sent.slice(from).split(text).length - 1 < times) return;
          sentListeners.delete(listener);
          resolve();
        };
        sentListeners.add(listener);
      }),
    holdAnswers: () => {
      holding = true;
    },
    releaseAnswers: () => {
      holding = false;
      for (const { socket, chunk } of held.splice(0)) socket.write(chunk);
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
