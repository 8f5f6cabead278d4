/** Await a call that must fail; returns what the SDK made of the error. */
export async function failure(p: Promise<unknown>) {
  const e = (await p.then(
    () => null,
    (err: unknown) => err,
  )) as {
    name: string;
    message: string;
    $metadata: { httpStatusCode: number; requestId?: string };
  } | null;
  if (!e) throw new Error('expected the call to fail');
  return {
    name: e.name,
    message: e.message,
    status: e.$metadata.httpStatusCode,
    requestId: e.$metadata.requestId,
  };
}
