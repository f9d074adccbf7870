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

/**
 * Unleash's streaming client API as unleash-client 6.x consumes it with `experimentalMode:
 * { type: 'streaming' }`: on connect an `unleash-connected` event with a hydration (every
 * feature and segment), then an `unleash-updated` event per change with what changed. Event ids
 * are flag configuration tags (digests of the content), so they mean the same on every instance
 * of a fleet: a client reconnecting with `Last-Event-ID` gets the changes it missed from a
 * bounded history, or a fresh hydration when that id is too old or unknown.
 */
export class UnleashStreams {
  private readonly streams = new Set<SseConnection>();
  private readonly history: HistoryEntry[] = [];
  private eventId = 0;
  private hydration: { snapshot: FlagSnapshot; frame: string } | undefined;

  constructor(
    private readonly hub: SseHub,
    private readonly notifier: FlagChangeNotifier,
    private readonly historySize: number,
  ) {
    notifier.subscribe(ALL_FLAGS_SCOPE, (change) => this.changed(change));
  }

  open(ctx: ProxyContext): void {
    const current = this.notifier.current(ALL_FLAGS_SCOPE);
    if (current === undefined) return; // unreachable: the readiness guard ran first
    const missed = this.missedSince(ctx.get('Last-Event-ID'), current);
    const connection = this.hub.open(ctx);
    this.streams.add(connection);
    connection.onClose(() => this.streams.delete(connection));
    connection.send(missed ?? this.hydrationFrame(current));
  }

  /** The frames after `lastEventId`; '' when the client is current; undefined: rehydrate. */
  private missedSince(lastEventId: string, current: FlagSnapshot): string | undefined {
    if (lastEventId === '') return undefined;
    if (lastEventId === flagConfigEtag(current)) return '';
    // The latest entry with this id: flags can go back to an earlier content.
    let index = this.history.length - 1;
    while (index >= 0 && this.history[index]?.id !== lastEventId) index -= 1;
    if (index === -1) return undefined;
    return this.history
      .slice(index + 1)
      .map((entry) => entry.frame)
      .join('');
  }

  private hydrationFrame(snapshot: FlagSnapshot): string {
    if (this.hydration?.snapshot !== snapshot) {
      this.eventId += 1;
      const frame = sseFrame({
        event: 'unleash-connected',
        id: flagConfigEtag(snapshot),
        data: JSON.stringify({ events: [hydrationEvent(snapshot, this.eventId)] }),
      });
      this.hydration = { snapshot, frame };
    }
    return this.hydration.frame;
  }

  private changed({ previous, current, etag }: FlagChange): void {
    if (previous === undefined) {
      this.history.push({ id: etag, frame: '' });
      return;
    }
    this.eventId += 1;
    const events = diffFlagSets(previous, current, this.eventId);
    const frame = sseFrame({
      event: 'unleash-updated',
      id: etag,
      data: JSON.stringify({ events }),
    });
    this.history.push({ id: etag, frame });
    if (this.history.length > this.historySize) this.history.shift();
    for (const stream of this.streams) stream.send(frame);
  }
}
