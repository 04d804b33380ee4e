/**
 * What keeps other web pages away from the studio's local server (and so from the HubSpot token it
 * holds): it listens on 127.0.0.1 only, accepts only its own Host (DNS rebinding), only its own
 * Origin on writes (CSRF), and only requests carrying the per-launch session token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'kongo_studio_session';
export const SESSION_HEADER = 'x-kongo-session';

export function newSessionToken(): string {
  return randomBytes(24).toString('base64url');
}

export type Verdict = { ok: true } | { ok: false; status: 400 | 401 | 403; message: string };

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Host and Origin checks, before anything else is looked at. */
export function checkHostAndOrigin(req: IncomingMessage, port: number): Verdict {
  const hosts = allowedHosts(port);
  const host = req.headers.host ?? '';
  if (!hosts.has(host))
    return { ok: false, status: 403, message: `Host ${host || '(none)'} is not this studio` };
  const origin = req.headers.origin;
  const writes = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
  if (origin !== undefined) {
    const originHost = origin.replace(/^https?:\/\//, '');
    if (!origin.startsWith('http://') || !hosts.has(originHost))
      return { ok: false, status: 403, message: `Origin ${origin} may not call the studio` };
  } else if (writes) {
    return {
      ok: false,
      status: 403,
      message: 'Writes must come from the studio page (Origin header missing)',
    };
  }
  return { ok: true };
}

/** The session token from the cookie (set from the launch URL) or the explicit header. */
export function checkSession(req: IncomingMessage, token: string): Verdict {
  const presented =
    (req.headers[SESSION_HEADER] as string | undefined) ?? cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (!presented || !sameToken(presented, token))
    return {
      ok: false,
      status: 401,
      message: 'No studio session: open the link the studio printed when it started',
    };
  return { ok: true };
}

export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
