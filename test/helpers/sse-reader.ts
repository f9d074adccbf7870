/** One server-sent event as a client parses it; a comment line is `{ comment }`. */
export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

export interface SseReader {
  response: Response;
  /** The next event or comment, waiting for it to arrive. */
  next(): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

function parseBlock(block: string): SseEvent[] {
  const event: SseEvent = {};
  const comments: SseEvent[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push({ comment: line.slice(1).trim() });
    else if (line.startsWith('id: ')) event.id = line.slice(4);
    else if (line.startsWith('event: ')) event.event = line.slice(7);
    else if (line.startsWith('data: ')) {
      event.data = event.data === undefined ? line.slice(6) : `${event.data}\n${line.slice(6)}`;
    }
  }
  const hasEvent = event.data !== undefined;
  return [...comments, ...(hasEvent ? [event] : [])];
}

/** Opens an event stream with fetch and hands out its events one by one. */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const queue: SseEvent[] = [];
  const waiting: ((event: SseEvent) => void)[] = [];
  let endStream: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    endStream = resolve;
  });
  const deliver = (event: SseEvent) => {
    const waiter = waiting.shift();
    if (waiter) waiter(event);
    else queue.push(event);
  };
  if (response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            for (const event of parseBlock(buffer.slice(0, end))) deliver(event);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted by close()
      }
      endStream();
    })();
  } else {
    endStream();
  }
  return {
    response,
    ended,
    next: () => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => controller.abort(),
  };
}

/** The next event that is not a comment. */
export async function nextEvent(reader: SseReader): Promise<SseEvent> {
  for (;;) {
    const event = await reader.next();
    if (event.comment === undefined) return event;
  }
}
