/**
 * The Create / Edit event notification page and the calls it turns into, as the AWS console
 * sends them: Lambda AddPermission (S3 may invoke the function for this bucket), then
 * GetBucketNotificationConfiguration and PutBucketNotificationConfiguration with the
 * configuration added (or replaced), every other configuration kept as it was.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type {
  Event as S3Event,
  LambdaFunctionConfiguration,
  NotificationConfiguration,
} from '@aws-sdk/client-s3';
import { aws } from '../../../lib/api';
import { allowS3Invoke, keyFilter, putLambdaNotification } from '../../../lib/s3-notifications';
import { consoleAccount } from '../../lambda/lambda';
import { bucketRegion, errorCode, errorText } from '../s3';

export interface EventType {
  value: string;
  label: string;
}

/** One group of event types, as the console shows it: "All …" (the wildcard) over its events. */
export interface EventGroup {
  title: string;
  /** The wildcard standing for every event of the group, when the group has one. */
  all?: EventType;
  events: EventType[];
  /** Said under the group. */
  note?: string;
}

export const EVENT_GROUPS: EventGroup[] = [
  {
    title: 'Object creation',
    all: { value: 's3:ObjectCreated:*', label: 'All object create events' },
    events: [
      { value: 's3:ObjectCreated:Put', label: 'Put' },
      { value: 's3:ObjectCreated:Post', label: 'Post' },
      { value: 's3:ObjectCreated:Copy', label: 'Copy' },
      { value: 's3:ObjectCreated:CompleteMultipartUpload', label: 'Multipart upload completed' },
    ],
  },
  {
    title: 'Object removal',
    all: { value: 's3:ObjectRemoved:*', label: 'All object removal events' },
    events: [
      { value: 's3:ObjectRemoved:Delete', label: 'Permanently deleted' },
      { value: 's3:ObjectRemoved:DeleteMarkerCreated', label: 'Delete marker created' },
    ],
  },
  {
    title: 'Object restore',
    all: { value: 's3:ObjectRestore:*', label: 'All restore object events' },
    events: [
      { value: 's3:ObjectRestore:Post', label: 'Restore initiated' },
      { value: 's3:ObjectRestore:Completed', label: 'Restore completed' },
      { value: 's3:ObjectRestore:Delete', label: 'Restored object expired' },
    ],
    note: 'Cloud Lab accepts restore events but does not send them yet.',
  },
  {
    title: 'Lifecycle',
    all: { value: 's3:LifecycleExpiration:*', label: 'All lifecycle expiration events' },
    events: [
      { value: 's3:LifecycleExpiration:Delete', label: 'Object expired' },
      {
        value: 's3:LifecycleExpiration:DeleteMarkerCreated',
        label: 'Delete marker added by Lifecycle for a versioned object',
      },
    ],
  },
  {
    title: 'Lifecycle transition',
    events: [{ value: 's3:LifecycleTransition', label: 'Object transitioned to another storage class' }],
  },
];

const KNOWN = new Map<string, { group: EventGroup; type: EventType }>(
  EVENT_GROUPS.flatMap((group) =>
    [...(group.all ? [group.all] : []), ...group.events].map(
      (type) => [type.value, { group, type }] as const,
    ),
  ),
);

/** How the list shows a configuration's events: "All object create events", "Put, Copy". */
export function eventLabel(value: string): string {
  return KNOWN.get(value)?.type.label ?? value;
}

const LAMBDA_ARN =
  /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]+))?$/;

/** The function's name (with its qualifier) from its ARN, or the ARN when it is not one. */
export function functionNameOf(arn: string): string {
  return LAMBDA_ARN.test(arn) ? arn.split(':').slice(6).join(':') : arn;
}

/** The configuration an Id names, whichever kind of destination it has. */
export function allIds(c: NotificationConfiguration): string[] {
  return [
    ...(c.LambdaFunctionConfigurations ?? []),
    ...(c.QueueConfigurations ?? []),
    ...(c.TopicConfigurations ?? []),
  ].map((x) => x.Id ?? '');
}

export class NotificationForm {
  name = $state('');
  prefix = $state('');
  suffix = $state('');
  /** The individual events chosen (a group's wildcard is every event of it chosen). */
  chosen = $state<string[]>([]);
  /** Events of the configuration being edited that the page has no check box for: kept. */
  others = $state<string[]>([]);
  /** Choose a function from the Region's list, or type its ARN. */
  mode = $state<'list' | 'arn'>('list');
  listed = $state('');
  typed = $state('');
  functions = $state<FunctionConfiguration[] | null>(null);
  functionsError = $state<string | null>(null);
  region = $state<string | null>(null);
  /** The bucket's configuration when the page opened: the names already taken. */
  current = $state<NotificationConfiguration | null>(null);
  loadError = $state<string | null>(null);
  /** Editing a configuration that is not there (any more), or not a Lambda one. */
  missing = $state(false);
  /** Save was chosen once: show every problem from then on. */
  tried = $state(false);
  busy = $state(false);
  error = $state<string | null>(null);

  constructor(
    readonly bucket: string,
    /** The Id of the configuration edited; null to create one. */
    readonly editing: string | null,
  ) {}

  async load(): Promise<void> {
    try {
      const region = await bucketRegion(this.bucket);
      this.region = region;
      const [config] = await Promise.all([
        aws('s3', 'GetBucketNotificationConfiguration', region, { Bucket: this.bucket }),
        this.loadFunctions(),
      ]);
      this.current = config;
      if (this.editing !== null) this.fill(config);
    } catch (e) {
      this.loadError = errorText(e);
    }
  }

  async loadFunctions(): Promise<void> {
    if (!this.region) return;
    const region = this.region;
    this.functionsError = null;
    try {
      const list: FunctionConfiguration[] = [];
      let Marker: string | undefined;
      do {
        const out = await aws('lambda', 'ListFunctions', region, Marker ? { Marker } : {});
        list.push(...(out.Functions ?? []));
        Marker = out.NextMarker;
      } while (Marker);
      list.sort((a, b) => (a.FunctionName ?? '').localeCompare(b.FunctionName ?? ''));
      this.functions = list;
      if (!this.listed && this.mode === 'list') this.listed = list[0]?.FunctionArn ?? '';
    } catch (e) {
      this.functions = [];
      this.functionsError = errorText(e);
    }
  }

  private fill(config: NotificationConfiguration): void {
    const c = config.LambdaFunctionConfigurations?.find((x) => x.Id === this.editing);
    if (!c) {
      this.missing = true;
      return;
    }
    this.name = c.Id ?? '';
    const rules = c.Filter?.Key?.FilterRules ?? [];
    this.prefix = rules.find((r) => r.Name?.toLowerCase() === 'prefix')?.Value ?? '';
    this.suffix = rules.find((r) => r.Name?.toLowerCase() === 'suffix')?.Value ?? '';
    const chosen: string[] = [];
    const others: string[] = [];
    for (const e of c.Events ?? []) {
      const group = EVENT_GROUPS.find((g) => g.all?.value === e);
      if (group) chosen.push(...group.events.map((t) => t.value));
      else if (KNOWN.has(e)) chosen.push(e);
      else others.push(e);
    }
    this.chosen = chosen.filter((v, i) => chosen.indexOf(v) === i);
    this.others = others;
    const arn = c.LambdaFunctionArn ?? '';
    if (this.functions?.some((f) => f.FunctionArn === arn)) {
      this.mode = 'list';
      this.listed = arn;
    } else {
      this.mode = 'arn';
      this.typed = arn;
    }
  }

  isChosen(value: string): boolean {
    return this.chosen.includes(value);
  }

  allChosen(group: EventGroup): boolean {
    return group.events.every((t) => this.chosen.includes(t.value));
  }

  /** Check or uncheck one event; the group's "All …" checks or unchecks all of its events. */
  toggle(values: string[], on: boolean): void {
    const rest = this.chosen.filter((v) => !values.includes(v));
    this.chosen = on ? [...rest, ...values] : rest;
  }

  dropOther(value: string): void {
    this.others = this.others.filter((v) => v !== value);
  }

  /** The Events sent: a group's wildcard when every event of it is chosen. */
  events = $derived.by(() => {
    const out: string[] = [];
    for (const g of EVENT_GROUPS) {
      if (g.all && this.allChosen(g)) out.push(g.all.value);
      else out.push(...g.events.filter((t) => this.chosen.includes(t.value)).map((t) => t.value));
    }
    return [...out, ...this.others];
  });

  arn = $derived(this.mode === 'list' ? this.listed : this.typed.trim());

  nameProblem = $derived.by(() => {
    const name = this.name.trim();
    if (!name) return 'Event name is required.';
    if (name.length > 255) return 'The event name can be up to 255 characters long.';
    if (name !== this.editing && this.current && allIds(this.current).includes(name))
      return `An event notification named "${name}" already exists. Choose another name.`;
    return null;
  });

  eventsProblem = $derived(this.events.length ? null : 'Choose at least one event type.');

  destinationProblem = $derived.by(() => {
    if (this.mode === 'list') return this.listed ? null : 'Choose a Lambda function.';
    if (!this.typed.trim()) return 'Enter the ARN of a Lambda function.';
    if (!LAMBDA_ARN.test(this.typed.trim()))
      return 'Enter a Lambda function ARN such as arn:aws:lambda:us-east-1:123456789012:function:my-function.';
    return null;
  });

  ready = $derived(!this.nameProblem && !this.eventsProblem && !this.destinationProblem);

  /** Save: false when something was refused (the error stays on the page, and what was typed). */
  async save(): Promise<boolean> {
    this.tried = true;
    if (!this.ready || !this.region) return false;
    const region = this.region;
    const bucket = this.bucket;
    const arn = this.arn;
    const id = this.name.trim();
    this.busy = true;
    this.error = null;
    try {
      await this.allowS3(arn);
      const config: LambdaFunctionConfiguration = {
        Id: id,
        LambdaFunctionArn: arn,
        Events: this.events as S3Event[],
        ...keyFilter(this.prefix, this.suffix),
      };
      await putLambdaNotification(region, bucket, config, this.editing, (current) => {
        if (id !== this.editing && allIds(current).includes(id))
          throw new Error(`An event notification named "${id}" already exists. Choose another name.`);
      });
      return true;
    } catch (e) {
      this.error = errorText(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /**
   * As the console does: let S3 invoke the function for this bucket (and account). The
   * statement's id is the bucket's, so saving again finds it there (ResourceConflictException).
   */
  private async allowS3(arn: string): Promise<void> {
    const account = await consoleAccount();
    try {
      await allowS3Invoke(arn.split(':')[3]!, arn, this.bucket, account, `s3-invoke-${this.bucket}`);
    } catch (e) {
      if (errorCode(e) !== 'ResourceConflictException') throw e;
    }
  }
}
