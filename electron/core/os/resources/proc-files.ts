/**
 * /proc/cpuinfo and /proc/meminfo, written at boot from the instance type (the kernel makes
 * these up on every read; a snapshot at boot is what tools that read them need).
 */
import type { Machine } from '../machine';
import { specsOf, type Specs } from './specs';
import { memoryOf, type Memory } from './usage';

const X86_FLAGS =
  'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single pti fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid mpx avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves ida arat pku ospke';
const ARM_FEATURES =
  'fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs';

export function cpuinfo(s: Specs): string {
  const c = s.cpu;
  const cores = Math.max(1, s.vcpus / s.threadsPerCore);
  let out = '';
  for (let i = 0; i < s.vcpus; i++) {
    if (c.arm) {
      out += `processor\t: ${i}\nBogoMIPS\t: 243.75\nFeatures\t: ${ARM_FEATURES}\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: ${c.modelName.includes('V1') ? '0xd40' : '0xd0c'}\nCPU revision\t: 1\n\n`;
      continue;
    }
    out += `processor\t: ${i}\nvendor_id\t: ${c.vendor}\ncpu family\t: ${c.family}\nmodel\t\t: ${c.model}\nmodel name\t: ${c.modelName}\nstepping\t: ${c.stepping}\nmicrocode\t: 0x5003801\ncpu MHz\t\t: ${c.mhz.toFixed(3)}\ncache size\t: 36608 KB\nphysical id\t: 0\nsiblings\t: ${s.vcpus}\ncore id\t\t: ${Math.floor(i / s.threadsPerCore)}\ncpu cores\t: ${cores}\napicid\t\t: ${i}\ninitial apicid\t: ${i}\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\nflags\t\t: ${X86_FLAGS}\nbogomips\t: ${(c.mhz * 2).toFixed(2)}\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 46 bits physical, 48 bits virtual\npower management:\n\n`;
  }
  return out;
}

export function meminfo(mem: Memory): string {
  const line = (k: string, v: number) => `${`${k}:`.padEnd(16)}${String(Math.round(v)).padStart(8)} kB\n`;
  return (
    line('MemTotal', mem.totalKiB) +
    line('MemFree', mem.freeKiB) +
    line('MemAvailable', mem.availableKiB) +
    line('Buffers', 2_680) +
    line('Cached', mem.buffCacheKiB - 2_680) +
    line('SwapCached', 0) +
    line('Active', mem.usedKiB * 0.6) +
    line('Inactive', mem.buffCacheKiB * 0.7) +
    line('SwapTotal', 0) +
    line('SwapFree', 0) +
    line('Dirty', 0) +
    line('AnonPages', mem.usedKiB * 0.55) +
    line('Shmem', mem.sharedKiB) +
    line('Slab', 40_000) +
    line('CommitLimit', mem.totalKiB / 2) +
    line('HugePages_Total', 0).replace(' kB', '') +
    line('Hugepagesize', 2048)
  );
}

export async function writeProcFiles(m: Machine): Promise<void> {
  await m.fs.writeText('/proc/cpuinfo', cpuinfo(specsOf(m)));
  await m.fs.writeText('/proc/meminfo', meminfo(await memoryOf(m)));
}
