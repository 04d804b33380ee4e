/** Reading a request body as raw bytes with a size cap, without buffering what lies beyond it. */

export type CappedBody = { ok: true; bytes: Buffer } | { ok: false; status: 413; receivedBytes: number };

/**
 * Reads `req`'s body up to `maxBytes`. A declared Content-Length over the cap is refused before
 * reading; otherwise the stream is read chunk by chunk and cancelled as soon as it passes the cap.
 *
 * @example
 * const body = await readBodyCapped(req, 256 * 1024);
 * if (!body.ok) return new Response('Payload Too Large', { status: 413 });
 */
export async function readBodyCapped(req: Request, maxBytes: number): Promise<CappedBody> {
  const declared = Number(req.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await req.body?.cancel().catch(() => undefined);
    return { ok: false, status: 413, receivedBytes: 0 };
  }
  if (!req.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, status: 413, receivedBytes: total };
    }
    chunks.push(value);
  }
  const first = chunks[0];
  if (chunks.length === 1 && first)
    return { ok: true, bytes: Buffer.from(first.buffer, first.byteOffset, first.byteLength) };
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}
