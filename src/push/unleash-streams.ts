import { NotReadyError } from '../errors.js';
import type { ProxyContext } from '../http/state.js';
import type { FlagSnapshot } from '../unleash/snapshot.js';
import type { FlagChange, FlagChangeNotifier } from './flag-change-notifier.js';
import { ALL_FLAGS_SCOPE, flagConfigEtag } from './flag-change-notifier.js';
import { type SseConnection, type SseHub, sseFrame } from './sse-hub.js';
import { diffFlagSets, hydrationEvent } from './unleash-delta.js';

interface HistoryEntry {
  /** The SSE id: the flag configuration tag after this change, equal on every instance. */
  readonly id: string;
  /** The `unleash-updated` frame that leads from the previous entry to this one. */
  readonly frame: string;
}

/** The streams of one scope key, and what a client of that scope may have missed. */
interface ScopeStreams {
  readonly streams: Set<SseConnection>;
  readonly history: HistoryEntry[];
  hydration: { snapshot: FlagSnapshot; frame: string } | undefined;
}

/**
 * Unleash's streaming client API as unleash-client 6.x consumes it with `experimentalMode:
 * { type: 'streaming' }`: on connect an `unleash-connected` event with a hydration (every
 * feature and segment of the caller's scope), then an `unleash-updated` event per change of
 * that scope with what changed. Each scope key (the primary set of server-side SDK tokens, or
 * an Unleash backend token's environment and projects) has its own streams, deltas and
 * history: the delta is computed once per change and scope, from successive flag sets of that
 * scope. Event ids are flag configuration tags (digests of the content), so they mean the same
 * on every instance of a fleet: a client reconnecting with `Last-Event-ID` gets the changes it
 * missed from its scope's bounded history, or a fresh hydration when that id is too old or
 * unknown.
 */
export class UnleashStreams {
  private readonly scopes = new Map<string, ScopeStreams>();
  /** The streams of each Unleash token (`ctx.state.credentialId`), to end when it is revoked. */
  private readonly byCredential = new Map<string, Set<SseConnection>>();
  private eventId = 0;

  constructor(
    private readonly hub: SseHub,
    private readonly notifier: FlagChangeNotifier,
    private readonly historySize: number,
  ) {
    // The primary set is followed from the start, so its history covers changes made before
    // its first stream.
    this.scopeStreams(ALL_FLAGS_SCOPE);
  }

  /** Opens a stream of `scope`'s flags; 503 while that scope has none yet. */
  open(ctx: ProxyContext, scope: string = ALL_FLAGS_SCOPE): void {
    const streams = this.scopeStreams(scope);
    const current = this.notifier.current(scope);
    if (current === undefined) throw new NotReadyError();
    const missed = this.missedSince(streams, ctx.get('Last-Event-ID'), current);
    const connection = this.hub.open(ctx);
    streams.streams.add(connection);
    connection.onClose(() => streams.streams.delete(connection));
    if (ctx.state.grant !== undefined && ctx.state.credentialId !== undefined) {
      this.remember(ctx.state.credentialId, connection);
    }
    connection.send(missed ?? this.hydrationFrame(streams, current));
  }

  /** Ends the streams opened with a token Unleash revoked: they reconnect to a 401. */
  endStreamsOf(credentialId: string): void {
    for (const connection of [...(this.byCredential.get(credentialId) ?? [])]) connection.close();
  }

  private remember(credentialId: string, connection: SseConnection): void {
    let connections = this.byCredential.get(credentialId);
    if (connections === undefined) {
      connections = new Set();
      this.byCredential.set(credentialId, connections);
    }
    const tracked = connections;
    tracked.add(connection);
    connection.onClose(() => {
      tracked.delete(connection);
      if (tracked.size === 0 && this.byCredential.get(credentialId) === tracked) {
        this.byCredential.delete(credentialId);
      }
    });
  }

  /**
   * The streams of a scope, created and subscribed on its first stream. A scope stays followed
   * afterwards (its history serves reconnecting clients); scope keys are bounded by the scopes
   * the configured tokens cover.
   */
  private scopeStreams(scope: string): ScopeStreams {
    let streams = this.scopes.get(scope);
    if (streams === undefined) {
      const created: ScopeStreams = { streams: new Set(), history: [], hydration: undefined };
      this.scopes.set(scope, created);
      this.notifier.subscribe(
        scope,
        (change) => this.changed(created, change),
        // Its environment is no longer served: the clients reconnect and get the 403.
        () => {
          for (const connection of [...created.streams]) connection.close();
        },
      );
      streams = created;
    }
    return streams;
  }

  /** The frames after `lastEventId`; '' when the client is current; undefined: rehydrate. */
  private missedSince(
    { history }: ScopeStreams,
    lastEventId: string,
    current: FlagSnapshot,
  ): string | undefined {
    if (lastEventId === '') return undefined;
    if (lastEventId === flagConfigEtag(current)) return '';
    // The latest entry with this id: flags can go back to an earlier content.
    let index = history.length - 1;
    while (index >= 0 && history[index]?.id !== lastEventId) index -= 1;
    if (index === -1) return undefined;
    return history
      .slice(index + 1)
      .map((entry) => entry.frame)
      .join('');
  }

  private hydrationFrame(streams: ScopeStreams, snapshot: FlagSnapshot): string {
    if (streams.hydration?.snapshot !== snapshot) {
      this.eventId += 1;
      const frame = sseFrame({
        event: 'unleash-connected',
        id: flagConfigEtag(snapshot),
        data: JSON.stringify({ events: [hydrationEvent(snapshot, this.eventId)] }),
      });
      streams.hydration = { snapshot, frame };
    }
    return streams.hydration.frame;
  }

  private changed(streams: ScopeStreams, { previous, current, etag }: FlagChange): void {
    const { history } = streams;
    if (previous === undefined) {
      history.push({ id: etag, frame: '' });
      return;
    }
    this.eventId += 1;
    const events = diffFlagSets(previous, current, this.eventId);
    const frame = sseFrame({
      event: 'unleash-updated',
      id: etag,
      data: JSON.stringify({ events }),
    });
    // The first entry of a scope followed from its first stream: the id the clients hold.
    if (history.length === 0) history.push({ id: flagConfigEtag(previous), frame: '' });
    history.push({ id: etag, frame });
    if (history.length > this.historySize) history.shift();
    for (const stream of streams.streams) stream.send(frame);
  }
}
