/**
 * The instance operating system's shared shapes: what a machine is, how commands and OS
 * modules (systemd, cloud-init, the network) plug into it, and what the simulated network
 * carries. Modules depend on these types, not on each other.
 */
import type { CustomCommand } from 'just-bash';
import type { InstanceTypeInfo, ImageInfo } from '../infra/catalogue';
import type { Machine } from './machine';

/** Who a machine is, as its shell and its metadata service report it. */
export interface MachineIdentity {
  /** The instance ID, or `workstation-<account>` for the CloudShell-style workstation. */
  id: string;
  kind: 'instance' | 'workstation';
  account: string;
  region: string;
  /** Availability Zone name (us-east-1a); the Region's first zone for the workstation. */
  availabilityZone: string;
  /** `ip-172-31-5-9` for instances, `cloudshell` for the workstation. */
  hostname: string;
  /** `ip-172-31-5-9.ec2.internal` (us-east-1) or `ip-….<region>.compute.internal`. */
  privateDnsName: string;
  privateIp: string;
  publicIp: string | null;
  publicDnsName: string | null;
  macAddress: string;
  /** The AMI as the catalogue describes it (os, osVersion, defaultUser, packageManager …). */
  image: ImageInfo;
  imageId: string;
  instanceType: InstanceTypeInfo | null;
  vpcId: string | null;
  subnetId: string | null;
  /** The hypervisor host the VM runs on, when it runs. */
  hostId: string | null;
  /** Simulated ms when the instance last turned running (its OS booted then). */
  runningSince?: number;
}

/** A command that needs the machine it runs on (its identity, network, services). */
export type CommandFactory = (machine: Machine) => CustomCommand;

/**
 * A piece of the OS with per-machine behaviour: systemd, cloud-init, the network stack.
 * Machines call these hooks in the order the modules are registered.
 */
export interface OsModule {
  name: string;
  commands?: CommandFactory[];
  /**
   * The machine has booted (state running). `firstBoot` is true once per instance lifetime;
   * `resumed` when the instance kept running while the app was closed (restore, don't re-run).
   * Long work (user data) should not be awaited: boot returns, the work goes on.
   */
  boot?(machine: Machine, info: { firstBoot: boolean; resumed: boolean }): Promise<void> | void;
  /** The machine is going down (stop, terminate, host failure, app shutdown). */
  shutdown?(machine: Machine): Promise<void> | void;
}

// ---- the simulated network -------------------------------------------------------------------

export interface SimRequest {
  method: string;
  /** Path and query, e.g. `/latest/meta-data/instance-id`. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** The address the request comes from, as the server sees it. */
  remoteIp: string;
  /** The Host header or the IP the client dialled. */
  host: string;
}

export interface SimResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

export type HttpHandler = (request: SimRequest) => Promise<SimResponse> | SimResponse;

/** A socket a program listens on inside a machine, as `ss -tlnp` lists it. */
export interface PortBinding {
  protocol: 'tcp' | 'udp';
  port: number;
  /** 0.0.0.0 for every address, 127.0.0.1 for loopback only. */
  address: string;
  /** The program, as ss shows it: `httpd`, `nginx`, `python3`. */
  program: string;
  pid: number;
  /** The systemd unit that owns it, if any (stopping the unit closes the port). */
  unit?: string;
  /** HTTP servers answer requests; a TCP port without a handler accepts and closes. */
  http?: HttpHandler;
}

/** What running a script gives back. */
export interface ExecOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}
