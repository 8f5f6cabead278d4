/**
 * What an instance prints on its serial console while it boots, for GetConsoleOutput: the
 * kernel, systemd and cloud-init lines of the AMI's operating system, with this instance's
 * hostname, addresses and times.
 */
import type { ImageInfo } from '../../infra/catalogue';
import { kernelArch, kernelRelease } from '../../infra/kernels';
import type { InstanceRecord } from './records';

function stamp(seconds: number): string {
  return `[${seconds.toFixed(6).padStart(12)}]`;
}

export function bootLog(
  instance: InstanceRecord,
  image: ImageInfo | undefined,
  hypervisor: string,
  now: number,
): string[] {
  const host = `ip-${instance.privateIpAddress.replace(/\./g, '-')}`;
  const os = image?.osPrettyName ?? 'Linux';
  // The same kernel `uname -r` reports inside the instance (its architecture is its image's).
  const kernel = kernelRelease(
    image ?? { os: 'debian', osVersion: '12', architecture: instance.architecture },
  );
  const date = new Date(now).toUTCString();
  const up = (instance.launchTime ? (now - instance.stateSince) / 1000 : 0) + 4.2;
  return [
    `${stamp(0)} Linux version ${kernel} (builder@build) #1 SMP`,
    `${stamp(0)} Command line: BOOT_IMAGE=/boot/vmlinuz-${kernel} root=LABEL=/ ro console=tty0 console=ttyS0,115200n8 nvme_core.io_timeout=4294967295`,
    `${stamp(0)} Hypervisor detected: ${hypervisor === 'xen' ? 'Xen HVM' : 'KVM'}`,
    `${stamp(0.08)} ${instance.instanceType}: ${instance.coreCount} cores, ${instance.threadsPerCore} thread(s) per core`,
    `${stamp(1.21)} EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode.`,
    `${stamp(1.95)} systemd[1]: Detected virtualization ${hypervisor === 'xen' ? 'xen' : 'amazon'}.`,
    `${stamp(2.4)} systemd[1]: Hostname set to <${host}>.`,
    `[  OK  ] Started Initial cloud-init job (pre-networking).`,
    `[  OK  ] Reached target Network.`,
    `cloud-init[1042]: Cloud-init v. 22.2.2 running 'init' at ${date}. Up ${up.toFixed(2)} seconds.`,
    `cloud-init[1042]: ci-info: | ens5 | True | ${instance.privateIpAddress} | 255.255.240.0 | global | ${instance.macAddress} |`,
    `cloud-init[1042]: Generating public/private ed25519 key pair.`,
    `[  OK  ] Started OpenSSH server daemon.`,
    `cloud-init[1511]: Cloud-init v. 22.2.2 running 'modules:final' at ${date}. Up ${(up + 1.7).toFixed(2)} seconds.`,
    `cloud-init[1511]: Cloud-init v. 22.2.2 finished at ${date}. Datasource DataSourceEc2Local.  Up ${(up + 1.9).toFixed(2)} seconds`,
    ``,
    `${os}`,
    `Kernel ${kernel} on an ${kernelArch(instance.architecture)} (-)`,
    ``,
    `${host} login:`,
  ];
}
