import { describe, expect, it } from 'vitest';
import { isOurSource } from './guard.ts';

describe('isOurSource', () => {
  it('names our app only for changeSource INTEGRATION with our app id as sourceId', () => {
    expect(isOurSource({ changeSource: 'INTEGRATION', sourceId: '54321', appId: 54321 })).toBe(true);
    expect(isOurSource({ changeSource: 'INTEGRATION', sourceId: '999', appId: 54321 })).toBe(false);
    expect(isOurSource({ changeSource: 'CRM_UI', sourceId: 'userId:1', appId: 54321 })).toBe(false);
    expect(isOurSource({ changeSource: 'INTEGRATION', appId: 54321 })).toBe(false);
    expect(isOurSource({ changeSource: 'INTEGRATION', sourceId: '54321' })).toBe(false);
  });
});
