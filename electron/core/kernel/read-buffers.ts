/**
 * Reusable buffers for bodies made whole to be written to a socket: S3 GetObject bodies of up to a
 * MiB read from the blob store, DynamoDB Query and Scan pages encoded by the json codec.
 * A fresh MiB per read costs more than the read: the new memory's page faults, and garbage
 * collections that V8 starts because so much memory outside its heap came and went (about 1 ms of
 * a 1 MiB GetObject's 3). Here a read borrows a slab; the HTTP adapter gives it back once the
 * socket has taken the bytes (`releaseAfterWrite`).
 *
 * Only the adapter that wrote a body releases it. A body that goes anywhere else (the console's
 * IPC, an instance's `aws`) is never released and is collected as usual, so a slab is only reused
 * once nothing can read it any more.
 */

/** Bodies from this size borrow a slab; smaller ones are cheap to allocate. */
export const POOLED_FROM = 128 * 1024;
/** The largest slab: bodies up to this size can borrow. */
export const POOLED_UP_TO = 1024 * 1024;
/** Slabs kept per size class (8 × (128 KiB … 1 MiB) = 15 MiB at most). */
const KEEP = 8;

const free = new Map<number, Buffer[]>();
const lent = new WeakMap<Uint8Array, Buffer>();

function sizeClass(size: number): number {
  let c = POOLED_FROM;
  while (c < size) c *= 2;
  return c;
}

/** A buffer of exactly `size` bytes (contents undefined), from a slab when the size suits. */
export function borrow(size: number): Buffer {
  if (size < POOLED_FROM || size > POOLED_UP_TO) return Buffer.allocUnsafe(size);
  const c = sizeClass(size);
  const slab = free.get(c)?.pop() ?? Buffer.allocUnsafeSlow(c);
  const view = slab.subarray(0, size);
  lent.set(view, slab);
  return view;
}

/**
 * Give a borrowed buffer back once the socket has taken it (call from the write's callback).
 * Anything else is ignored, so the HTTP adapter can call this for every body it writes.
 */
export function releaseAfterWrite(body: Uint8Array): void {
  const slab = lent.get(body);
  if (!slab) return;
  lent.delete(body);
  const c = slab.length;
  const list = free.get(c) ?? [];
  if (list.length < KEEP) list.push(slab);
  free.set(c, list);
}

/**
 * The first `length` bytes of a borrowed buffer, still borrowed (the same slab goes back when
 * this view is released); of any other buffer, a plain subarray.
 */
export function shrink(body: Buffer, length: number): Buffer {
  const view = body.subarray(0, length);
  const slab = lent.get(body);
  if (slab) {
    lent.delete(body);
    lent.set(view, slab);
  }
  return view;
}
