/**
 * The instance metadata service at 169.254.169.254, as EC2 serves it: IMDSv2 session tokens
 * (PUT /latest/api/token with a TTL of 1–21600 s), IMDSv1 plain GETs unless the instance
 * requires tokens, the meta-data tree, user data, the instance identity document and, when an
 * instance profile is attached, the role's temporary credentials. Answers are plain text;
 * errors are the small XHTML pages IMDS really sends.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { InstanceRecord, KeyPairRecord, SubnetRecord, VolumeRecord } from '../../services/ec2/records';
import type { Ec2Runtime } from '../../services/ec2/runtime';
import type { Machine } from '../machine';
import type { HttpHandler, SimRequest, SimResponse } from '../types';
import { instanceOf, securityGroupsOf, subnetOf, vpcOf } from './ec2-view';
import { instanceCredentials } from './instance-credentials';

const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const MAX_TTL = 21_600;

/** A metadata directory: entries are text or subdirectories. */
type Tree = { [name: string]: string | Tree | undefined };

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
};

function errorPage(status: number): SimResponse {
  const title = `${status} - ${STATUS_TEXT[status] ?? 'Error'}`;
  const body = `<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>${title}</title>
 </head>
 <body>
  <h1>${title}</h1>
 </body>
</html>
`;
  return {
    status,
    statusText: STATUS_TEXT[status],
    headers: { 'content-type': 'text/html', server: 'EC2ws' },
    body,
  };
}

function text(body: string, headers: Record<string, string> = {}): SimResponse {
  return {
    status: 200,
    statusText: 'OK',
    headers: { 'content-type': 'text/plain', server: 'EC2ws', ...headers },
    body,
  };
}

/** IMDS's timestamps: second precision, Z. */
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** JSON the way IMDS prints it: two spaces, " : " between key and value. */
function imdsJson(value: Record<string, unknown>): string {
  const lines = Object.entries(value).map(([k, v]) => `  "${k}" : ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

interface TokenState {
  tokens: Map<string, number>;
}

export function imdsHandler(m: Machine): HttpHandler {
  return (req) => handle(m, req);
}

function handle(m: Machine, req: SimRequest): SimResponse {
  const state = m.moduleState<TokenState>('net.imds', () => ({ tokens: new Map() }));
  const path = req.path.replace(/\?.*$/, '').replace(/\/{2,}/g, '/');
  const now = m.cloud.clock.now();

  if (path === '/latest/api/token') {
    if (req.method !== 'PUT') return errorPage(405);
    if (req.headers['x-forwarded-for']) return errorPage(403);
    const raw = req.headers[TTL_HEADER];
    const ttl = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!(ttl >= 1 && ttl <= MAX_TTL)) return errorPage(400);
    const seed = m.cloud.ids.deterministic
      ? createHash('sha256').update(`${m.identity.id}|${now}|${state.tokens.size}`).digest()
      : randomBytes(32);
    const token = `AQAEA${seed.toString('base64').replace(/=+$/, '')}==`;
    state.tokens.set(token, now + ttl * 1000);
    return text(token, { [TTL_HEADER]: String(ttl) });
  }

  const found = instanceOf(m);
  if (!found) return errorPage(404);
  const token = req.headers[TOKEN_HEADER];
  if (token !== undefined) {
    const expires = state.tokens.get(token);
    if (expires === undefined || expires <= now) return errorPage(401);
  } else if (found.record.httpTokens === 'required') {
    return errorPage(401);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return errorPage(405);

  const tree = metadataTree(m, found.record);
  const segments = path.split('/').filter(Boolean);
  if (segments[0] !== 'latest' && !/^\d{4}-\d{2}-\d{2}$|^1\.0$/.test(segments[0] ?? '')) {
    if (segments.length === 0) return text(VERSIONS.join('\n'));
    return errorPage(404);
  }
  let node: string | Tree | undefined = tree;
  for (const s of segments.slice(1)) node = typeof node === 'object' ? node[s] : undefined;
  if (node === undefined) return errorPage(404);
  if (typeof node === 'string') return text(node);
  return text(listing(node));
}

const VERSIONS = [
  '1.0',
  '2007-01-19',
  '2008-02-01',
  '2009-04-04',
  '2011-01-01',
  '2016-09-02',
  '2021-07-15',
  'latest',
];

/** Entries listed under another name than their path (public-keys/ lists `0=my-key`). */
const labels = new WeakMap<Tree, Record<string, string>>();

function listing(tree: Tree): string {
  const named = labels.get(tree) ?? {};
  return Object.entries(tree)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => named[k] ?? (typeof v === 'object' ? `${k}/` : k))
    .join('\n');
}

function publicKeys(m: Machine, keyName: string): Tree {
  const found = instanceOf(m)!;
  const key = m.cloud
    .runtime<Ec2Runtime>('ec2')
    .resources.list<KeyPairRecord>(found.scope, 'key', { name: keyName })[0];
  const tree: Tree = { '0': { 'openssh-key': key ? `${key.publicKey.trim()} ${keyName}\n` : '' } };
  labels.set(tree, { '0': `0=${keyName}` });
  return tree;
}

function metadataTree(m: Machine, r: InstanceRecord): Tree {
  const id = m.identity;
  const found = instanceOf(m)!;
  const zone = m.cloud.catalogue.zone(r.availabilityZone)?.zone;
  const subnet: SubnetRecord | undefined = subnetOf(m);
  const vpc = vpcOf(m);
  const groups = securityGroupsOf(m);
  const publicIp = r.publicIpAddress;
  const publicHost = publicIp && vpc?.enableDnsHostnames ? id.publicDnsName : null;
  const volumes = m.cloud
    .runtime<Ec2Runtime>('ec2')
    .resources.list<VolumeRecord>(found.scope, 'volume', { parent: r.instanceId })
    .filter((v) => v.attachment?.instanceId === r.instanceId);
  const short = (dev: string) => dev.replace(/^\/dev\//, '');
  const bdm: Tree = { ami: short(r.rootDeviceName) };
  volumes
    .filter((v) => v.attachment!.device !== r.rootDeviceName)
    .forEach((v, i) => (bdm[`ebs${i + 1}`] = short(v.attachment!.device)));
  bdm.root = r.rootDeviceName;

  const mac = r.macAddress;
  const iface: Tree = {
    'device-number': '0',
    'interface-id': r.networkInterfaceId,
    ...(publicIp ? { 'ipv4-associations': { [publicIp]: r.privateIpAddress } } : {}),
    'local-hostname': id.privateDnsName,
    'local-ipv4s': r.privateIpAddress,
    mac,
    'owner-id': id.account,
    ...(publicHost ? { 'public-hostname': publicHost } : {}),
    ...(publicIp ? { 'public-ipv4s': publicIp } : {}),
    'security-group-ids': r.securityGroupIds.join('\n'),
    'security-groups': groups.map((g) => g.groupName).join('\n'),
    'subnet-id': r.subnetId,
    'subnet-ipv4-cidr-block': subnet?.cidrBlock ?? '',
    'vpc-id': r.vpcId,
    'vpc-ipv4-cidr-block': vpc?.cidrBlock ?? '',
    'vpc-ipv4-cidr-blocks': vpc?.cidrBlock ?? '',
  };

  const metaData: Tree = {
    'ami-id': r.imageId,
    'ami-launch-index': String(r.amiLaunchIndex),
    'ami-manifest-path': '(unknown)',
    'block-device-mapping': bdm,
    events: { maintenance: { history: '[]', scheduled: '[]' } },
    hostname: id.privateDnsName,
    iam: iamTree(m, r),
    'instance-action': 'none',
    'instance-id': r.instanceId,
    'instance-life-cycle': 'on-demand',
    'instance-type': r.instanceType,
    'local-hostname': id.privateDnsName,
    'local-ipv4': r.privateIpAddress,
    mac,
    metrics: { vhostmd: '<?xml version="1.0" encoding="UTF-8"?>' },
    network: { interfaces: { macs: { [mac]: iface } } },
    placement: {
      'availability-zone': r.availabilityZone,
      'availability-zone-id': zone?.id ?? '',
      ...(r.placementGroup ? { 'group-name': r.placementGroup } : {}),
      ...(r.partitionNumber ? { 'partition-number': String(r.partitionNumber) } : {}),
      region: id.region,
    },
    profile: 'default-hvm',
    ...(publicHost ? { 'public-hostname': publicHost } : {}),
    ...(publicIp ? { 'public-ipv4': publicIp } : {}),
    ...(r.keyName ? { 'public-keys': publicKeys(m, r.keyName) } : {}),
    'reservation-id': r.reservationId,
    'security-groups': groups.map((g) => g.groupName).join('\n'),
    services: { domain: 'amazonaws.com', partition: 'aws' },
  };
  const identityDoc = imdsJson({
    accountId: id.account,
    architecture: r.architecture,
    availabilityZone: r.availabilityZone,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: r.imageId,
    instanceId: r.instanceId,
    instanceType: r.instanceType,
    kernelId: null,
    pendingTime: iso(r.launchTime),
    privateIp: r.privateIpAddress,
    ramdiskId: null,
    region: id.region,
    version: '2017-09-30',
  });
  return {
    dynamic: {
      'instance-identity': {
        document: identityDoc,
        pkcs7: signature(identityDoc),
        signature: signature(identityDoc),
      },
    },
    'meta-data': metaData,
    'user-data': r.userData ? Buffer.from(r.userData, 'base64').toString('utf8') : undefined,
  };
}

function signature(doc: string): string {
  return createHash('sha512').update(doc).digest('base64');
}

/** The role behind an instance profile: IAM is not simulated yet, so it carries the profile's name. */
export function roleOfProfile(profileArn: string): string {
  return profileArn.slice(profileArn.lastIndexOf('/') + 1);
}

function iamTree(m: Machine, r: InstanceRecord): Tree | undefined {
  const arn = r.iamInstanceProfileArn;
  if (!arn) return undefined;
  const role = roleOfProfile(arn);
  const creds = instanceCredentials(m.cloud).current(m.identity.account, r.instanceId, role);
  return {
    info: imdsJson({
      Code: 'Success',
      LastUpdated: iso(creds.issuedAt),
      InstanceProfileArn: arn,
      InstanceProfileId: `AIPA${r.instanceId.slice(2, 19).toUpperCase()}`,
    }),
    'security-credentials': {
      [role]: imdsJson({
        Code: 'Success',
        LastUpdated: iso(creds.issuedAt),
        Type: 'AWS-HMAC',
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secretAccessKey,
        Token: creds.token,
        Expiration: iso(creds.expiration),
      }),
    },
  };
}
