/** A non-2xx answer from Unleash, with the body so failures explain themselves. */
export class UnleashHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${url} -> ${status}: ${body.slice(0, 500)}`);
    this.name = 'UnleashHttpError';
  }
}

/**
 * Sends a JSON request with an Unleash API token and returns the parsed body
 * (undefined for empty bodies). The caller states the shape it expects; these
 * are test helpers, so a wrong shape should surface as a failing assertion.
 */
export async function unleashRequest<T>(
  method: string,
  url: string,
  token: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { Authorization: token, Accept: 'application/json' };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new UnleashHttpError(method, url, response.status, text);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
