/**
 * What the machine's hardware is, from its instance type and the host family it runs on: vCPUs,
 * memory (less what the kernel and firmware keep), the CPU model as /proc/cpuinfo names it,
 * and the hypervisor. The workstation is a small CloudShell-like VM (2 vCPUs, 4 GiB).
 */
import type { Machine } from '../machine';

export interface CpuModel {
  vendor: 'GenuineIntel' | 'AuthenticAMD' | 'ARM';
  modelName: string;
  family: number;
  model: number;
  stepping: number;
  mhz: number;
  /** Kernel's name for the hypervisor: KVM on Nitro, Xen on t2. */
  hypervisor: 'KVM' | 'Xen';
  arm: boolean;
}

export interface Specs {
  vcpus: number;
  threadsPerCore: number;
  /** Memory the kernel sees (MemTotal), KiB. */
  memTotalKiB: number;
  cpu: CpuModel;
}

/** Real model strings of the processors EC2's host families use. */
const MODELS: Array<[RegExp, Omit<CpuModel, 'hypervisor' | 'arm'>]> = [
  [
    /8259CL|8000 series/,
    {
      vendor: 'GenuineIntel',
      modelName: 'Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz',
      family: 6,
      model: 85,
      stepping: 7,
      mhz: 2499.998,
    },
  ],
  [
    /8175|8124/,
    {
      vendor: 'GenuineIntel',
      modelName: 'Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz',
      family: 6,
      model: 85,
      stepping: 4,
      mhz: 2499.998,
    },
  ],
  [
    /8275/,
    {
      vendor: 'GenuineIntel',
      modelName: 'Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz',
      family: 6,
      model: 85,
      stepping: 7,
      mhz: 3000.0,
    },
  ],
  [
    /8375C/,
    {
      vendor: 'GenuineIntel',
      modelName: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz',
      family: 6,
      model: 106,
      stepping: 6,
      mhz: 2899.998,
    },
  ],
  [
    /E5-2686|Xeon Family/,
    {
      vendor: 'GenuineIntel',
      modelName: 'Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz',
      family: 6,
      model: 79,
      stepping: 1,
      mhz: 2300.0,
    },
  ],
  [
    /EPYC 7571/,
    { vendor: 'AuthenticAMD', modelName: 'AMD EPYC 7571', family: 23, model: 1, stepping: 2, mhz: 2199.95 },
  ],
  [/Graviton2/, { vendor: 'ARM', modelName: 'Neoverse-N1', family: 0, model: 1, stepping: 1, mhz: 2500 }],
  [/Graviton3/, { vendor: 'ARM', modelName: 'Neoverse-V1', family: 0, model: 1, stepping: 1, mhz: 2600 }],
];

export function specsOf(m: Machine): Specs {
  const type = m.identity.instanceType;
  const vcpus = type?.vcpus ?? 2;
  const memoryMiB = type?.memoryMiB ?? 4096;
  // The kernel, the firmware and crash-kernel reservations keep some memory back.
  const reserved = Math.round(memoryMiB * 1024 * 0.035 + 40_960);
  const host = type ? m.cloud.hypervisor.familyOf(type.type) : undefined;
  const processor = host?.processor ?? type?.processor ?? 'Intel Xeon Platinum 8259CL';
  const known = MODELS.find(([re]) => re.test(processor))?.[1];
  const arm = (type?.architectures[0] ?? m.identity.image.architecture) === 'arm64';
  const clock = type?.clockGhz ?? 2.5;
  const cpu: CpuModel = {
    ...(known ?? {
      vendor: arm ? 'ARM' : 'GenuineIntel',
      modelName: arm ? 'Neoverse-N1' : `${processor} CPU @ ${clock.toFixed(2)}GHz`,
      family: 6,
      model: 85,
      stepping: 7,
      mhz: clock * 1000,
    }),
    hypervisor: type?.hypervisor === 'xen' ? 'Xen' : 'KVM',
    arm,
  };
  return {
    vcpus,
    threadsPerCore: type?.threadsPerCore ?? (arm ? 1 : 2),
    memTotalKiB: memoryMiB * 1024 - reserved,
    cpu,
  };
}
