/**
 * ping (iputils): ICMP echo across the simulated network. ICMP obeys security groups, so an
 * instance whose group has no ICMP rule stays silent (100% packet loss). There is no Ctrl-C
 * to end a stream here, so -c defaults to 4.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail } from '../commands/command-kit';
import { expandShort, pingTime } from './cli-kit';
import { networkOf, pause } from './network';
import { isIpv4 } from './resolver';

export const ping = (m: Machine): CustomCommand =>
  defineCommand('ping', async (argv, ctx) => {
    const args = expandShort(argv, 'ciswWt');
    let count = 4;
    let interval = 1;
    let size = 56;
    let quiet = false;
    let host: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-c') count = Number(args[++i]);
      else if (a === '-i') interval = Number(args[++i]);
      else if (a === '-s') size = Number(args[++i]);
      else if (a === '-q') quiet = true;
      else if (a === '-W' || a === '-w' || a === '-t') i++;
      else if (a.startsWith('-') && a !== '-4') return fail(`ping: invalid option -- '${a.slice(1)}'\n`, 2);
      else if (!a.startsWith('-')) host = a;
    }
    if (!host) return fail('ping: usage error: Destination address required\n', 1);
    if (!(count >= 1))
      return fail(`ping: invalid argument: '${count}': out of range: 1 <= value <= 9223372036854775807\n`, 1);
    if (!(interval >= 0.002)) interval = 0.002;
    const net = networkOf(m.os);
    const answer = await net.resolver(m).lookup(host);
    if (!answer) return fail(`ping: ${host}: Name or service not known\n`, 2);
    const ip = answer.address;
    const literal = isIpv4(host);
    const shown = literal ? ip : host;
    const name = literal ? ip : `${net.resolver(m).reverse(ip) ?? host} (${ip})`;
    let out = `PING ${shown} (${ip}) ${size}(${size + 28}) bytes of data.\n`;
    const times: number[] = [];
    for (let seq = 1; seq <= count; seq++) {
      const reply = await net.echo(m, ip, seq);
      if (reply) {
        times.push(reply.rttMs);
        if (!quiet)
          out += `${size + 8} bytes from ${name}: icmp_seq=${seq} ttl=${reply.ttl} time=${pingTime(reply.rttMs)} ms\n`;
      }
    }
    const elapsed = Math.round(
      (count - 1) * interval * 1000 + (times.length ? times[times.length - 1]! : 60),
    );
    await pause(m, elapsed, ctx.signal);
    const lost = Math.round(((count - times.length) / count) * 100);
    out += `\n--- ${shown} ping statistics ---\n`;
    out += `${count} packets transmitted, ${times.length} received, ${lost}% packet loss, time ${elapsed}ms\n`;
    if (times.length) {
      const avg = times.reduce((a, b) => a + b, 0) / times.length;
      const mdev = Math.sqrt(times.reduce((a, t) => a + (t - avg) ** 2, 0) / times.length);
      const f = (n: number) => n.toFixed(3);
      out += `rtt min/avg/max/mdev = ${f(Math.min(...times))}/${f(avg)}/${f(Math.max(...times))}/${f(mdev)} ms\n`;
    } else out += '\n';
    return { stdout: out, stderr: '', exitCode: times.length ? 0 : 1 };
  });
