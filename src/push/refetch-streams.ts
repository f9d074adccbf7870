import type { ProxyContext } from '../http/state.js';
import type { FlagChange, FlagChangeNotifier } from './flag-change-notifier.js';
import { flagConfigEtag } from './flag-change-notifier.js';
import { type SseConnection, type SseHub, sseFrame } from './sse-hub.js';

/**
 * The notification frontend clients get when the flags of their scope change: OFREP's
 * `refetchEvaluation` (ADR 0008), with the new flag configuration tag (sent back as
 * `flagConfigEtag`) and the time of the change in seconds. The SSE id is the same tag, so a
 * reconnecting client that missed a change is told at once.
 */
export function refetchFrame(etag: string, changedAt: Date): string {
  return sseFrame({
    id: etag,
    data: JSON.stringify({
      type: 'refetchEvaluation',
      etag,
      lastModified: Math.floor(changedAt.getTime() / 1000),
    }),
  });
}

/**
 * Event streams that only say "refetch": OFREP's event stream and the one for Unleash frontend
 * SDKs. One frame per change and scope, written to every stream of that scope; the streams of
 * a scope whose environment is no longer served are ended.
 */
export class RefetchStreams {
  private readonly byScope = new Map<string, Set<SseConnection>>();
  /** The streams of each credential (`ctx.state.credentialId`), to end when it is revoked. */
  private readonly byCredential = new Map<string, Set<SseConnection>>();

  constructor(
    private readonly hub: SseHub,
    private readonly notifier: FlagChangeNotifier,
  ) {}

  /** Opens a stream for `scope`; `Last-Event-ID` naming older flags gets a refetch at once. */
  open(ctx: ProxyContext, scope: string): void {
    const connection = this.hub.open(ctx);
    let streams = this.byScope.get(scope);
    if (streams === undefined) {
      streams = new Set();
      this.byScope.set(scope, streams);
      const opened = streams;
      this.notifier.subscribe(
        scope,
        (change) => this.broadcast(change),
        // Its environment is no longer served: the clients reconnect and get the frontend
        // API's 403, instead of a stream that stays open and silent.
        () => {
          for (const connection of [...opened]) connection.close();
        },
      );
    }
    streams.add(connection);
    connection.onClose(() => streams.delete(connection));
    this.remember(ctx.state.credentialId, connection);
    const lastEventId = ctx.get('Last-Event-ID');
    const current = this.notifier.current(scope);
    if (lastEventId !== '' && current !== undefined && lastEventId !== flagConfigEtag(current)) {
      connection.send(refetchFrame(flagConfigEtag(current), current.updatedAt));
    }
  }

  /**
   * Ends the streams opened with a credential that no longer holds (an Unleash token revoked):
   * their clients reconnect and are refused, as its other requests are.
   */
  endStreamsOf(credentialId: string): void {
    for (const connection of [...(this.byCredential.get(credentialId) ?? [])]) connection.close();
  }

  private remember(credentialId: string | undefined, connection: SseConnection): void {
    if (credentialId === undefined) return;
    let streams = this.byCredential.get(credentialId);
    if (streams === undefined) {
      streams = new Set();
      this.byCredential.set(credentialId, streams);
    }
    streams.add(connection);
    connection.onClose(() => {
      streams.delete(connection);
      if (streams.size === 0) this.byCredential.delete(credentialId);
    });
  }

  private broadcast(change: FlagChange): void {
    const streams = this.byScope.get(change.scope);
    if (streams === undefined || streams.size === 0) return;
    const frame = refetchFrame(change.etag, change.current.updatedAt);
    for (const stream of streams) stream.send(frame);
  }
}
