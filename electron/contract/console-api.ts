/**
 * The one typed map between the console and the cloud. The Electron preload and the web
 * console's WebSocket both carry exactly these channels; the host implements them once
 * (electron/host/console-api.ts). Every AWS action goes through `aws.call`, i.e. through the
 * same operations the AWS endpoint serves. Types only.
 */
import type { AwsErrorShape, ServiceName } from './aws-api';

export interface AwsCall {
  service: ServiceName;
  operation: string;
  region: string;
  input?: unknown;
}

export type ServiceStatus = 'running' | 'not-implemented';

export interface LabInfo {
  version: string;
  /** Where the console runs: the Electron app or a browser on `cloudlab serve`. */
  shell: 'desktop' | 'web';
  accountId: string;
  /** The AWS endpoint URL for the CLI and SDKs, or null when the listener is off. */
  endpoint: string | null;
  consoleUrl: string | null;
  listeners: ListenerInfo;
  workspace: string | null;
  deterministic: boolean;
  seed: string | null;
  services: Record<string, ServiceStatus>;
  /** What start-up repaired, for a banner. */
  notes: string[];
}

export interface ListenerInfo {
  host: string;
  port: number | null;
  sshPort: number | null;
  dnsPort: number | null;
  /** Listeners named on the command line whose service does not exist yet. */
  pending: string[];
}

export interface RegionSummary {
  code: string;
  name: string;
  group: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
  optIn: boolean;
  launched: string;
  availabilityZones: number;
  localZones: number;
}

export interface EdgeLocationSummary {
  code: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
}

export interface ConsoleCatalogue {
  regions: RegionSummary[];
  edgeLocations: EdgeLocationSummary[];
}

export interface AccessKeySummary {
  accessKeyId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
}

export interface CredentialsInfo {
  accountId: string;
  accountAlias: string | null;
  principalArn: string;
  accessKeys: AccessKeySummary[];
  endpoint: string | null;
}

export interface ClockInfo {
  /** Simulated epoch milliseconds when read. */
  now: number;
  speed: number;
  paused: boolean;
  deterministic: boolean;
}

export interface ClockChange {
  speed?: number;
  paused?: boolean;
  advanceMs?: number;
}

/** Where the desktop app listens (cloudlab serve takes these from its flags instead). */
export interface ListenerSettings {
  enabled: boolean;
  host: string;
  port: number;
}

export interface ListenerSettingsInfo {
  settings: ListenerSettings;
  /** False in the web console: the ports are cloudlab serve's command-line flags. */
  editable: boolean;
  /** True when saved settings differ from what is running now. */
  restartRequired: boolean;
}

/** The data centre as the hypervisor view shows it: zones → hosts → the VMs on each host. */
export interface HypervisorView {
  region: string;
  zones: HypervisorZone[];
}

export interface HypervisorZone {
  zoneName: string;
  zoneId: string;
  /** "impaired" when any host of the zone has failed. */
  state: 'available' | 'impaired';
  hosts: HypervisorHost[];
}

export interface HypervisorHost {
  hostId: string;
  family: string;
  index: number;
  hypervisor: 'nitro' | 'xen';
  processor: string;
  architecture: string;
  vcpus: number;
  memoryMiB: number;
  usedVcpus: number;
  usedMemoryMiB: number;
  state: 'available' | 'failed';
  reason: string | null;
  vms: HypervisorVm[];
}

export interface HypervisorVm {
  instanceId: string;
  name: string | null;
  instanceType: string;
  vcpus: number;
  memoryMiB: number;
  state: string;
  /** CPU utilisation the hypervisor measures (percent of the VM's vCPUs); null before its OS ran. */
  cpuPercent: number | null;
}

/** The lab's capacity: the size of each zone's data centre and the accounts' vCPU quota. */
export interface CapacityInfo {
  hostsPerFamily: number;
  maxHostsPerFamily: number;
  defaultHostsPerFamily: number;
  vcpuLimit: number;
  maxVcpuLimit: number;
  defaultVcpuLimit: number;
  /** Lambda's concurrent executions quota per Region. */
  lambdaConcurrency: number;
  maxLambdaConcurrency: number;
  defaultLambdaConcurrency: number;
}

export interface CapacityChange {
  hostsPerFamily?: number;
  vcpuLimit?: number;
  lambdaConcurrency?: number;
}

/** Which hosts to fail or restore: some hosts, or every host of a zone. */
export interface HostSelection {
  hostIds?: string[];
  zone?: string;
  reason?: string;
}

/** What to presign: an object (a version of it), for how many seconds (at most 7 days). */
export interface S3Presign {
  bucket: string;
  key: string;
  versionId?: string;
  region: string;
  expiresIn: number;
}

export interface S3Presigned {
  url: string;
  /** Epoch milliseconds (real time) when the URL stops working. */
  expires: number;
}

/** A test event the Lambda console saved for a function (Lambda keeps them outside its API). */
export interface LambdaTestEvent {
  name: string;
  /** The event as JSON text. */
  event: string;
}

export type LambdaTestEventsArgs =
  | { region: string; functionName: string; action: 'list' }
  | { region: string; functionName: string; action: 'save'; name: string; event: string }
  | { region: string; functionName: string; action: 'delete'; name: string };

/** The Lambda console's Monitor charts: invocations of a function grouped in time buckets. */
export interface LambdaMetricsArgs {
  region: string;
  functionName: string;
  /** Epoch milliseconds (simulated time); defaults: the last hour up to now. */
  start?: number;
  end?: number;
  /** Bucket length in milliseconds (at least 1000); default one minute. */
  period?: number;
}

export interface LambdaMetricsBucket {
  /** Start of the bucket, epoch milliseconds. */
  at: number;
  invocations: number;
  errors: number;
  throttles: number;
  coldStarts: number;
  /** Milliseconds; null when the bucket had no invocation. */
  durationAvg: number | null;
  durationMax: number | null;
  durationMin: number | null;
}

export interface LambdaMetrics {
  start: number;
  end: number;
  period: number;
  buckets: LambdaMetricsBucket[];
}

/**
 * The console's preview: open a URL as the learner's computer would, through the lab's one DNS
 * resolver and its simulated network (S3 website endpoints, function URLs, instances' web
 * servers, names in public hosted zones). Nothing outside the lab is reached.
 */
export interface BrowseArgs {
  url: string;
  /** The Region the learner is "near" (latency routing); the console's Region. */
  region: string;
}

/** A DNS record as the preview shows the resolution (Route 53's text form). */
export interface BrowseRecord {
  name: string;
  type: string;
  ttl: number;
  value: string;
}

/** One request of a preview: a redirect adds another. */
export interface BrowseHop {
  url: string;
  host: string;
  /** How the name was resolved; null for an address typed as such. */
  dns: { code: string; answers: BrowseRecord[] } | null;
  /** The address connected to; null when the name did not resolve. */
  address: string | null;
  status?: number;
  statusText?: string;
  /** Where a redirect pointed. */
  location?: string;
  /** Why no answer came: the name did not resolve, nothing listens, or the traffic was dropped. */
  error?: { kind: 'resolve' | 'timeout' | 'refused' | 'unreachable' | 'url'; message: string };
}

export interface BrowseResult {
  hops: BrowseHop[];
  /** The last answer, when one came. */
  response: {
    status: number;
    statusText: string;
    headers: Record<string, string>;
    contentType: string;
    /** `text` for text types (HTML, JSON, XML, JavaScript); `base64` otherwise. */
    encoding: 'text' | 'base64';
    body: string;
    /** The body was longer than the preview keeps. */
    truncated: boolean;
    bytes: number;
  } | null;
}

export interface ConsoleApi {
  'aws.call': { args: AwsCall; result: unknown };
  'lab.info': { args: null; result: LabInfo };
  'lab.catalogue': { args: null; result: ConsoleCatalogue };
  'lab.credentials': { args: null; result: CredentialsInfo };
  'lab.clock': { args: ClockChange | null; result: ClockInfo };
  'lab.region-opt-in': { args: { region: string; enabled: boolean }; result: null };
  'lab.listeners': { args: ListenerSettings | null; result: ListenerSettingsInfo };
  'lab.hypervisor': { args: { region: string }; result: HypervisorView };
  'lab.hosts.fail': { args: HostSelection; result: { hostIds: string[] } };
  'lab.hosts.restore': { args: HostSelection; result: { hostIds: string[] } };
  'lab.capacity': { args: CapacityChange | null; result: CapacityInfo };
  /** A presigned GetObject URL, signed with the account's access key (AWS has no such operation). */
  's3.presign': { args: S3Presign; result: S3Presigned };
  /** The Lambda console's saved test events of a function: list, save (create or replace), delete. */
  'lab.lambda.testEvents': { args: LambdaTestEventsArgs; result: LambdaTestEvent[] };
  'lab.lambda.metrics': { args: LambdaMetricsArgs; result: LambdaMetrics };
  /**
   * The deployment package a GetFunction Code.Location names, for consoles that cannot fetch the
   * URL themselves (the desktop app's page is not on the endpoint's origin).
   */
  'lab.lambda.code': { args: { location: string }; result: Uint8Array };
  /** Open a URL as the learner's computer: the lab's resolver and network (see BrowseArgs). */
  'lab.browse': { args: BrowseArgs; result: BrowseResult };
  'terminal.open': { args: TerminalOpen; result: TerminalOpened };
  /** Keystrokes and pastes; sent fire-and-forget (`ConsoleTransport.send`). */
  'terminal.input': { args: { sessionId: string; data: string }; result: null };
  'terminal.resize': { args: { sessionId: string; cols: number; rows: number }; result: null };
  'terminal.close': { args: { sessionId: string }; result: null };
}

/** What a terminal logs in to: a running instance, or the account's CloudShell-style workstation. */
export type TerminalTarget =
  { kind: 'instance'; instanceId: string; region: string } | { kind: 'workstation'; region: string };

export interface TerminalOpen {
  target: TerminalTarget;
  cols: number;
  rows: number;
  /** Instances: who logs in (the AMI's default user unless said). */
  user?: string;
}

export interface TerminalOpened {
  sessionId: string;
  /** For the terminal's tab: `i-0abc… (web-1)`, `CloudShell (eu-west-1)`. */
  title: string;
}

export type ConsoleChannel = keyof ConsoleApi;
export type ArgsOf<C extends ConsoleChannel> = ConsoleApi[C]['args'];
export type ResultOf<C extends ConsoleChannel> = ConsoleApi[C]['result'];

export interface CloudEventShape {
  topic: string;
  account?: string;
  region?: string;
  at: number;
  data?: unknown;
}

export interface ConsoleEvents {
  'cloud.event': CloudEventShape;
  /** The transport lost or regained its connection (web console). */
  'transport.status': { connected: boolean };
  /** A terminal's output: sent only to the console connection that opened the session. */
  'terminal.output': { sessionId: string; data: string };
  /** The session ended (`exit`, the machine went down, the server closed it). */
  'terminal.exit': { sessionId: string; code: number; reason?: string };
}

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: AwsErrorShape };

/** What both transports give the renderer. */
export interface ConsoleTransport {
  invoke<C extends ConsoleChannel>(channel: C, args: ArgsOf<C>): Promise<Envelope<ResultOf<C>>>;
  /** Fire-and-forget: no answer comes back (the keystroke path). Dropped while disconnected. */
  send<C extends ConsoleChannel>(channel: C, args: ArgsOf<C>): void;
  on<E extends keyof ConsoleEvents>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void;
}

/** Names of the IPC channels (used only by the two bridge files). */
export const IPC_INVOKE = 'cloudlab:invoke';
/** Fire-and-forget calls (`ConsoleTransport.send`). */
export const IPC_SEND = 'cloudlab:send';
/** Cloud events, to every console window. */
export const IPC_EVENT = 'cloudlab:event';
/** Events for one window only ({event, payload}): terminal output and exits. */
export const IPC_CONNECTION_EVENT = 'cloudlab:connection-event';
