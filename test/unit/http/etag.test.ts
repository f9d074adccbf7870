import { describe, expect, it } from 'vitest';
import { ifNoneMatchMatches } from '../../../src/http/etag.js';

describe('ifNoneMatchMatches', () => {
  const etag = 'W/"7-abc"';

  it('matches the same tag, weak or strong, alone or in a list', () => {
    expect(ifNoneMatchMatches('W/"7-abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('"7-abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('"other", W/"7-abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('*', etag)).toBe(true);
  });

  it('does not match another tag, a missing header or a tag without quotes', () => {
    expect(ifNoneMatchMatches('W/"8-abc"', etag)).toBe(false);
    expect(ifNoneMatchMatches('', etag)).toBe(false);
    expect(ifNoneMatchMatches('7-abc', etag)).toBe(false);
  });
});
