/**
 * ping (iputils): ICMP echo across the simulated network. ICMP obeys security groups, so an
 * instance whose group has no ICMP rule stays silent (100% packet loss). In a terminal, ping
 * without -c runs until Ctrl-C, a reply a second on the simulated clock, printed as it comes;
 * where nobody can press Ctrl-C (ssh exec, scripts) it stops after 4.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail } from '../commands/command-kit';
import { expandShort, pingTime } from './cli-kit';
import { networkOf, pause } from './network';
import { isIpv4 } from './resolver';
import { liveWriter } from '../terminal/live-output';

export const ping = (m: Machine): CustomCommand =>
  defineCommand('ping', async (argv, ctx) => {
    const args = expandShort(argv, 'ciswWt');
    let count = 0;
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
    const live = count === 0 ? liveWriter(m, ctx.env) : null;
    if (count === 0 && !live) count = 4;
    if (!live && !(count >= 1))
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
    if (live) {
      // Until Ctrl-C: one echo per interval of simulated time, each line shown as it comes.
      live(out);
      out = '';
      const started = m.cloud.clock.now();
      let seq = 0;
      while (!ctx.signal?.aborted) {
        seq++;
        const reply = await net.echo(m, ip, seq);
        if (reply) {
          times.push(reply.rttMs);
          if (!quiet)
            live(
              `${size + 8} bytes from ${name}: icmp_seq=${seq} ttl=${reply.ttl} time=${pingTime(reply.rttMs)} ms\n`,
            );
        }
        await tick(m, interval * 1000, ctx.signal);
      }
      count = seq;
      return {
        stdout: '',
        stderr: '',
        exitCode: statistics(live, shown, count, times, m.cloud.clock.now() - started),
      };
    }
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
    const code = statistics((t) => (out += t), shown, count, times, elapsed);
    return { stdout: out, stderr: '', exitCode: code };
  });

/** The closing lines; the exit status (1 when nothing came back). */
function statistics(
  write: (text: string) => void,
  shown: string,
  count: number,
  times: number[],
  elapsed: number,
): number {
  const lost = Math.round(((count - times.length) / count) * 100);
  let out = `\n--- ${shown} ping statistics ---\n`;
  out += `${count} packets transmitted, ${times.length} received, ${lost}% packet loss, time ${Math.round(elapsed)}ms\n`;
  if (times.length) {
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    const mdev = Math.sqrt(times.reduce((a, t) => a + (t - avg) ** 2, 0) / times.length);
    const f = (n: number) => n.toFixed(3);
    out += `rtt min/avg/max/mdev = ${f(Math.min(...times))}/${f(avg)}/${f(Math.max(...times))}/${f(mdev)} ms\n`;
  } else out += '\n';
  write(out);
  return times.length ? 0 : 1;
}

/** Wait `simMs` of simulated time (no real-time cap: a person watches), or until Ctrl-C. */
function tick(m: Machine, simMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      m.cloud.clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = m.cloud.clock.setTimeout(done, simMs);
    signal?.addEventListener('abort', done);
  });
}
