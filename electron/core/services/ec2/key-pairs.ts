/** Key pairs: CreateKeyPair (real RSA/ED25519 keys), ImportKeyPair, DescribeKeyPairs, DeleteKeyPair. */
import type * as EC2 from '@aws-sdk/client-ec2';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { checkId, errors } from './errors';
import { applyFilters } from './filters';
import { createKey, importKey, type KeyFormat, type KeyType } from './key-material';
import type { KeyPairRecord } from './records';
import { ec2, type Ec2Context } from './runtime';
import { applyTagSpecifications, checkTagSpecifications, tagFilters, withTags } from './tags';

export function findKeyPair(e: Ec2Context, name: string): KeyPairRecord | undefined {
  return e.res.list<KeyPairRecord>(e.scope, 'key', { name })[0];
}

function checkName(e: Ec2Context, name: string | undefined): string {
  if (!name) throw errors.missing('KeyName');
  if (name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) {
    throw errors.invalidValue(
      `Value (${name}) for parameter keyName is invalid. Key names must be ASCII and at most 255 characters.`,
    );
  }
  if (findKeyPair(e, name)) throw errors.keyPairDuplicate(name);
  return name;
}

function info(k: KeyPairRecord, includePublicKey: boolean): EC2.KeyPairInfo {
  return {
    KeyPairId: k.keyPairId,
    KeyType: k.keyType,
    ...(includePublicKey ? { PublicKey: `${k.publicKey} ${k.keyName}` } : {}),
    CreateTime: new Date(k.createTime),
    KeyName: k.keyName,
    KeyFingerprint: k.keyFingerprint,
  };
}

export async function createKeyPair(
  ctx: OperationContext,
  input: EC2.CreateKeyPairRequest,
): Promise<EC2.KeyPair> {
  const e = ec2(ctx);
  const name = checkName(e, input.KeyName);
  const type = (input.KeyType ?? 'rsa') as KeyType;
  const format = (input.KeyFormat ?? 'pem') as KeyFormat;
  if (type !== 'rsa' && type !== 'ed25519')
    throw errors.invalidValue(`Value (${type}) for parameter keyType is invalid.`);
  if (format !== 'pem' && format !== 'ppk')
    throw errors.invalidValue(`Value (${format}) for parameter keyFormat is invalid.`);
  checkTagSpecifications(input.TagSpecifications, ['key-pair']);
  checkDryRun(input);
  const key = createKey(type, format, name);
  const record = await saveKeyPair(ctx, e, name, type, key, input.TagSpecifications);
  return withTags(
    {
      KeyFingerprint: record.keyFingerprint,
      KeyMaterial: key.keyMaterial,
      KeyName: name,
      KeyPairId: record.keyPairId,
    },
    e.res.tags(record.keyPairId),
  );
}

/** Keep the public half of a key pair (created or imported) with its tags. */
function saveKeyPair(
  ctx: OperationContext,
  e: Ec2Context,
  name: string,
  keyType: KeyPairRecord['keyType'],
  key: { fingerprint: string; publicKey: string },
  tags: EC2.TagSpecification[] | undefined,
): Promise<KeyPairRecord> {
  return ctx.cloud.store.write((tx) => {
    const r: KeyPairRecord = {
      keyPairId: ctx.cloud.ids.resource(tx, 'key'),
      keyName: name,
      keyType,
      keyFingerprint: key.fingerprint,
      publicKey: key.publicKey,
      createTime: ctx.cloud.clock.now(),
    };
    e.res.insert(tx, e.scope, 'key', r.keyPairId, r, { name });
    applyTagSpecifications(e, tx, tags, 'key-pair', r.keyPairId);
    return r;
  });
}

export async function importKeyPair(
  ctx: OperationContext,
  input: EC2.ImportKeyPairRequest,
): Promise<EC2.ImportKeyPairResult> {
  const e = ec2(ctx);
  const name = checkName(e, input.KeyName);
  if (!input.PublicKeyMaterial || input.PublicKeyMaterial.length === 0)
    throw errors.missing('PublicKeyMaterial');
  if (input.PublicKeyMaterial.length > 2048 * 4) {
    throw errors.invalidValue(
      'Value for parameter PublicKeyMaterial is invalid. Length exceeds maximum of 2048.',
    );
  }
  checkTagSpecifications(input.TagSpecifications, ['key-pair']);
  const key = importKey(input.PublicKeyMaterial);
  checkDryRun(input);
  const record = await saveKeyPair(ctx, e, name, key.keyType, key, input.TagSpecifications);
  return withTags(
    { KeyFingerprint: record.keyFingerprint, KeyName: name, KeyPairId: record.keyPairId },
    e.res.tags(record.keyPairId),
  );
}

export function describeKeyPairs(
  ctx: OperationContext,
  input: EC2.DescribeKeyPairsRequest,
): EC2.DescribeKeyPairsResult {
  const e = ec2(ctx);
  const all = e.res.list<KeyPairRecord>(e.scope, 'key');
  for (const name of input.KeyNames ?? []) {
    if (!all.some((k) => k.keyName === name)) throw errors.keyPairNotFound(name);
  }
  for (const id of input.KeyPairIds ?? []) {
    checkId(id, 'key', 'InvalidKeyPair.Malformed');
    if (!all.some((k) => k.keyPairId === id)) throw errors.keyPairNotFound(id);
  }
  checkDryRun(input);
  const tags = e.res.tagsOf(e.scope, 'key');
  const selected = all
    .filter((k) => !input.KeyNames?.length || input.KeyNames.includes(k.keyName))
    .filter((k) => !input.KeyPairIds?.length || input.KeyPairIds.includes(k.keyPairId))
    .map((k) => withTags(info(k, input.IncludePublicKey === true), tags.get(k.keyPairId)));
  return {
    KeyPairs: applyFilters(selected, input.Filters, {
      'key-pair-id': (k) => k.KeyPairId,
      fingerprint: (k) => k.KeyFingerprint,
      'key-name': (k) => k.KeyName,
      'key-type': (k) => k.KeyType,
      ...tagFilters<EC2.KeyPairInfo>(),
    }),
  };
}

export async function deleteKeyPair(
  ctx: OperationContext,
  input: EC2.DeleteKeyPairRequest,
): Promise<EC2.DeleteKeyPairResult> {
  const e = ec2(ctx);
  if (!input.KeyName && !input.KeyPairId) throw errors.missing('KeyName');
  if (input.KeyPairId) checkId(input.KeyPairId, 'key', 'InvalidKeyPair.Malformed');
  const key = input.KeyPairId
    ? e.res.get<KeyPairRecord>(e.scope, 'key', input.KeyPairId)
    : findKeyPair(e, input.KeyName!);
  if (input.KeyPairId && !key) throw errors.keyPairNotFound(input.KeyPairId);
  checkDryRun(input);
  // Deleting a key pair name that does not exist succeeds, as on AWS.
  if (key) await ctx.cloud.store.write((tx) => e.res.delete(tx, key.keyPairId));
  return { Return: true, ...(key ? { KeyPairId: key.keyPairId } : {}) };
}
