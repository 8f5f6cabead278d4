/** Save text as a file, as the console's "Download .pem" does (Electron asks where to save it). */
export function downloadText(filename: string, text: string, type = 'application/x-pem-file'): void {
  downloadBlob(filename, new Blob([text], { type }));
}

/** Save bytes (an S3 object, in one or more parts) as a file. */
export function downloadBytes(
  filename: string,
  parts: Uint8Array[],
  type = 'application/octet-stream',
): void {
  downloadBlob(filename, new Blob(parts as BlobPart[], { type }));
}

export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
