/**
 * The machine's interfaces as the kernel shows them: `ip addr`, `ip route`, `ifconfig` and
 * `hostname`. Nitro instances name their ENA device ens5; Xen instances (t2) eth0. The
 * address, prefix and gateway come from the instance's subnet, as DHCP hands them out.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail, ok } from '../commands/command-kit';
import { intToIp, ipToInt, parseCidr } from '../../network/cidr';
import { dnsServerOf, subnetOf, searchDomain } from './ec2-view';

interface Iface {
  name: string;
  ip: string;
  prefix: number;
  broadcast: string;
  network: string;
  gateway: string;
  mac: string;
  linkLocal: string;
}

function ifaceOf(m: Machine): Iface {
  const xen = m.identity.instanceType?.hypervisor === 'xen';
  const cidr = parseCidr(subnetOf(m)?.cidrBlock ?? '') ?? { base: ipToInt('10.130.80.0')!, prefix: 20 };
  const size = 2 ** (32 - cidr.prefix);
  const mac = m.identity.macAddress;
  const b = mac.split(':').map((h) => parseInt(h, 16));
  b[0] = b[0]! ^ 2;
  const word = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
  return {
    name: xen ? 'eth0' : 'ens5',
    ip: m.identity.privateIp,
    prefix: cidr.prefix,
    network: `${intToIp(cidr.base)}/${cidr.prefix}`,
    broadcast: intToIp(cidr.base + size - 1),
    gateway: intToIp(cidr.base + 1),
    mac,
    // EUI-64 from the MAC, as the kernel forms the link-local address.
    linkLocal: `fe80::${word(b[0]!, b[1]!)}:${word(b[2]!, 0xff)}:${word(0xfe, b[3]!)}:${word(b[4]!, b[5]!)}`,
  };
}

function netmask(prefix: number): string {
  return intToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/** Seconds left on the DHCP lease (an hour, renewed at half-time). */
function lease(m: Machine): number {
  return 3600 - (Math.floor((m.cloud.clock.now() - m.bootedAt) / 1000) % 1800);
}

function ipAddr(m: Machine): string {
  const i = ifaceOf(m);
  const l = lease(m);
  return `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host noprefixroute 
       valid_lft forever preferred_lft forever
2: ${i.name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9001 qdisc mq state UP group default qlen 1000
    link/ether ${i.mac} brd ff:ff:ff:ff:ff:ff
${i.name === 'ens5' ? '    altname enp0s5\n' : ''}    inet ${i.ip}/${i.prefix} metric 1024 brd ${i.broadcast} scope global dynamic ${i.name}
       valid_lft ${l}sec preferred_lft ${l}sec
    inet6 ${i.linkLocal}/64 scope link 
       valid_lft forever preferred_lft forever
`;
}

function ipRoute(m: Machine): string {
  const i = ifaceOf(m);
  const dns = dnsServerOf(m);
  const tail = `dev ${i.name} proto dhcp scope link src ${i.ip} metric 1024 \n`;
  return (
    `default via ${i.gateway} dev ${i.name} proto dhcp src ${i.ip} metric 1024 \n` +
    `${dns} ${tail}` +
    `${i.network} dev ${i.name} proto kernel scope link src ${i.ip} metric 1024 \n` +
    `${i.gateway} ${tail}`
  );
}

export const ip = (m: Machine): CustomCommand =>
  defineCommand('ip', async (args) => {
    const words = args.filter((a) => !a.startsWith('-'));
    const object = words[0] ?? '';
    if (/^a(d(d(r(e(s(s)?)?)?)?)?)?$/.test(object)) return ok(ipAddr(m));
    if (/^r(o(u(t(e)?)?)?)?$/.test(object)) return ok(ipRoute(m));
    if (/^l(i(n(k)?)?)?$/.test(object))
      return ok(
        ipAddr(m)
          .split('\n')
          .filter((l) => /^\d|link\//.test(l))
          .join('\n') + '\n',
      );
    if (!object)
      return fail(
        'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | link | route | neigh | rule | ... }\n',
        255,
      );
    return fail(`Object "${object}" is unknown, try "ip help".\n`, 1);
  });

export const ifconfig = (m: Machine): CustomCommand =>
  defineCommand('ifconfig', async () => {
    const i = ifaceOf(m);
    return ok(`${i.name}: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 9001
        inet ${i.ip}  netmask ${netmask(i.prefix)}  broadcast ${i.broadcast}
        inet6 ${i.linkLocal}  prefixlen 64  scopeid 0x20<link>
        ether ${i.mac}  txqueuelen 1000  (Ethernet)
        RX packets 0  bytes 0 (0.0 B)
        RX errors 0  dropped 0  overruns 0  frame 0
        TX packets 0  bytes 0 (0.0 B)
        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0

lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536
        inet 127.0.0.1  netmask 255.0.0.0
        inet6 ::1  prefixlen 128  scopeid 0x10<host>
        loop  txqueuelen 1000  (Local Loopback)
        RX packets 0  bytes 0 (0.0 B)
        RX errors 0  dropped 0  overruns 0  frame 0
        TX packets 0  bytes 0 (0.0 B)
        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0

`);
  });

export const hostname = (m: Machine): CustomCommand =>
  defineCommand('hostname', async (args, ctx) => {
    const text = (await ctx.fs.exists('/etc/hostname'))
      ? (await ctx.fs.readFile('/etc/hostname')).trim()
      : '';
    const name = text || m.identity.hostname;
    const fqdn = m.identity.kind === 'instance' ? m.identity.privateDnsName : name;
    const flag = args.find((a) => a.startsWith('-'));
    if (!flag) return ok(`${name}\n`);
    if (flag === '-f' || flag === '--fqdn' || flag === '--long') return ok(`${fqdn}\n`);
    if (flag === '-s' || flag === '--short') return ok(`${name.split('.')[0]}\n`);
    if (flag === '-d' || flag === '--domain')
      return ok(`${m.identity.kind === 'instance' ? searchDomain(m.identity.region) : ''}\n`);
    if (flag === '-I' || flag === '--all-ip-addresses') return ok(`${m.identity.privateIp} \n`);
    if (flag === '-i' || flag === '--ip-address') return ok(`${m.identity.privateIp}\n`);
    return fail(`hostname: invalid option -- '${flag.replace(/^-+/, '')}'\n`, 64);
  });
