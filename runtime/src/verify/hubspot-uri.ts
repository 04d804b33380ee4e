/** HubSpot's URI decoding before v3 signing: only these escapes are decoded, nothing else. */

const ENCODED = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;
const DECODED: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};

/**
 * Decodes `%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B` (either case) and leaves every other
 * escape alone: `decodeHubSpotUri('https://x.io/a?b=%3A%20')` → `'https://x.io/a?b=:%20'`.
 */
export function decodeHubSpotUri(uri: string): string {
  if (!uri.includes('%')) return uri;
  return uri.replace(ENCODED, (_match, hex: string) => DECODED[hex.toUpperCase()] ?? _match);
}
