import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits } from '../../../src/http/etag.js';

describe('ifNoneMatchHits', () => {
  const etag = 'W/"abc-123"';

  it('matches the same tag, weak or strong', () => {
    expect(ifNoneMatchHits('W/"abc-123"', etag)).toBe(true);
    expect(ifNoneMatchHits('"abc-123"', etag)).toBe(true);
  });

  it('matches a tag anywhere in a list, and *', () => {
    expect(ifNoneMatchHits('"x", W/"abc-123" , "y"', etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
  });

  it('does not match another tag or an empty header', () => {
    expect(ifNoneMatchHits('W/"abc-124"', etag)).toBe(false);
    expect(ifNoneMatchHits('abc-123', etag)).toBe(false);
    expect(ifNoneMatchHits('', etag)).toBe(false);
  });
});
