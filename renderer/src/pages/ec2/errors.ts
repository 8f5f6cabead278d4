/** An AWS error as the console shows it: "InvalidGroup.Duplicate: The security group…". */
export function errorText(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? e);
}
