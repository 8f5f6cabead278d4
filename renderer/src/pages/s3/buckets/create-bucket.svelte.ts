/**
 * The Create bucket form and the calls it turns into, as the AWS console sends them:
 * CreateBucket, then PutPublicAccessBlock, PutBucketVersioning and PutBucketTagging.
 */
import type { PublicAccessBlockConfiguration, Tag } from '@aws-sdk/client-s3';
import { aws } from '../../../lib/api';
import { bucketNameProblem, errorText } from '../s3';

export const BPA_SETTINGS: Array<{ id: keyof PublicAccessBlockConfiguration; title: string; text: string }> =
  [
    {
      id: 'BlockPublicAcls',
      title: 'Block public access to buckets and objects granted through new access control lists (ACLs)',
      text: 'S3 will block public access permissions applied to newly added buckets or objects, and prevent the creation of new public access ACLs for existing buckets and objects.',
    },
    {
      id: 'IgnorePublicAcls',
      title: 'Block public access to buckets and objects granted through any access control lists (ACLs)',
      text: 'S3 will ignore all ACLs that grant public access to buckets and objects.',
    },
    {
      id: 'BlockPublicPolicy',
      title:
        'Block public access to buckets and objects granted through new public bucket or access point policies',
      text: 'S3 will block new bucket and access point policies that grant public access to buckets and objects.',
    },
    {
      id: 'RestrictPublicBuckets',
      title:
        'Block public and cross-account access to buckets and objects through any public bucket or access point policies',
      text: 'S3 will ignore public and cross-account access for buckets or access points with policies that grant public access to buckets and objects.',
    },
  ];

export interface TagRow {
  id: number;
  key: string;
  value: string;
}

/** Tag rows to AWS tags, or the first problem (AWS's limits: 50 tags, keys up to 128, values 256). */
export function tagsOf(rows: TagRow[]): Tag[] | string {
  const tags = rows.filter((r) => r.key.trim() || r.value.trim());
  if (tags.length > 50) return 'You can add up to 50 tags.';
  const seen: string[] = [];
  for (const t of tags) {
    const key = t.key.trim();
    if (!key) return 'Tag keys cannot be empty.';
    if (key.length > 128) return 'Tag keys can be up to 128 characters long.';
    if (t.value.length > 256) return 'Tag values can be up to 256 characters long.';
    if (key.toLowerCase().startsWith('aws:')) return 'Tag keys cannot start with aws:.';
    if (seen.includes(key)) return `Tag key ${key} is used more than once.`;
    seen.push(key);
  }
  return tags.map((t) => ({ Key: t.key.trim(), Value: t.value }));
}

export class CreateBucketForm {
  name = $state('');
  /** The name field was left once: show its problem from then on. */
  touched = $state(false);
  region = $state('us-east-1');
  block = $state<Required<PublicAccessBlockConfiguration>>({
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  });
  acknowledged = $state(false);
  versioning = $state<'Disabled' | 'Enabled'>('Disabled');
  tags = $state<TagRow[]>([]);
  busy = $state(false);
  error = $state<string | null>(null);
  private nextTag = 1;

  constructor(region: string) {
    this.region = region;
  }

  nameProblem = $derived(bucketNameProblem(this.name));
  allBlocked = $derived(Object.values(this.block).every(Boolean));
  tagProblem = $derived.by(() => {
    const t = tagsOf(this.tags);
    return typeof t === 'string' ? t : null;
  });
  ready = $derived(
    !this.busy && !this.nameProblem && !this.tagProblem && (this.allBlocked || this.acknowledged),
  );

  setAll(on: boolean): void {
    this.block = {
      BlockPublicAcls: on,
      IgnorePublicAcls: on,
      BlockPublicPolicy: on,
      RestrictPublicBuckets: on,
    };
  }

  addTag(): void {
    this.tags = [...this.tags, { id: this.nextTag++, key: '', value: '' }];
  }

  removeTag(id: number): void {
    this.tags = this.tags.filter((t) => t.id !== id);
  }

  /** Create the bucket, then apply the settings; answers what could not be applied. */
  async submit(): Promise<{ ok: boolean; warnings: string[] }> {
    this.touched = true;
    if (!this.ready) return { ok: false, warnings: [] };
    this.busy = true;
    this.error = null;
    const Bucket = this.name;
    const region = this.region;
    try {
      // us-east-1 answers CreateBucket of a bucket you already own there with success (a legacy of
      // AWS's first Region); the console asks first, as AWS's console does, and says so.
      const owned = await aws('s3', 'HeadBucket', region, { Bucket }).then(
        () => true,
        () => false,
      );
      if (owned)
        throw {
          code: 'BucketAlreadyOwnedByYou',
          message: `You already own a bucket named ${Bucket}. Bucket names are unique: choose another name.`,
        };
      await aws('s3', 'CreateBucket', region, {
        Bucket,
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
      });
    } catch (e) {
      this.error = errorText(e);
      this.busy = false;
      return { ok: false, warnings: [] };
    }
    const warnings: string[] = [];
    const step = async (what: string, call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (e) {
        warnings.push(`${what}: ${errorText(e)}`);
      }
    };
    await step('Block Public Access settings', () =>
      aws('s3', 'PutPublicAccessBlock', region, {
        Bucket,
        PublicAccessBlockConfiguration: { ...this.block },
      }),
    );
    if (this.versioning === 'Enabled')
      await step('Bucket Versioning', () =>
        aws('s3', 'PutBucketVersioning', region, { Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    const tags = tagsOf(this.tags);
    if (typeof tags !== 'string' && tags.length)
      await step('Tags', () => aws('s3', 'PutBucketTagging', region, { Bucket, Tagging: { TagSet: tags } }));
    this.busy = false;
    return { ok: true, warnings };
  }
}
