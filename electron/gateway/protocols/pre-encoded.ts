/**
 * Outputs whose members a service already holds as wire JSON (DynamoDB keeps each item as the
 * exact DynamoDB JSON of its attribute map): the json codec splices that text into the answer
 * instead of walking the value through the model and serialising it again, which for a
 * 1,000-item Query page was most of the server's time.
 *
 * The contract: an output object may carry, under PRE_ENCODED (a non-enumerable property, so
 * copies and other consumers never see it), a map from top-level member name to the JSON the
 * codec would have written for that member: its text, or for a list the texts of its elements
 * (written straight into the answer's bytes, never joined into one large string first). The
 * member itself must still read as the plain value (a lazy getter is fine), for every caller
 * that is not the json codec.
 *
 * A registry symbol, so services (which must not import the gateway) name the same key.
 */
export const PRE_ENCODED: unique symbol = Symbol.for('cloudlab.protocol.preEncodedJson');

/** Member name → its JSON text, or the JSON texts of a list's elements. */
export type PreEncoded = Readonly<Record<string, string | readonly string[]>>;

/** The pre-encoded members of an output, if it has any. */
export function preEncodedOf(output: unknown): PreEncoded | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  return (output as { [PRE_ENCODED]?: PreEncoded })[PRE_ENCODED];
}
