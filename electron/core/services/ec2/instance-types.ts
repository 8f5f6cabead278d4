/** DescribeInstanceTypes: what each instance type offers, from the catalogue. */
import type * as EC2 from '@aws-sdk/client-ec2';
import type { InstanceTypeInfo } from '../../infra/catalogue';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { errors } from './errors';
import { applyFilters } from './filters';
import { paginate } from './pagination';

export function findInstanceType(ctx: OperationContext, name: string): InstanceTypeInfo {
  const type = ctx.cloud.catalogue.instanceTypes.find((t) => t.type === name);
  if (!type) throw errors.invalidValue(`Invalid value '${name}' for InstanceType.`);
  return type;
}

function typeShape(t: InstanceTypeInfo): EC2.InstanceTypeInfo {
  const nitro = t.hypervisor === 'nitro' || t.bareMetal;
  return {
    InstanceType: t.type as EC2._InstanceType,
    CurrentGeneration: t.currentGeneration,
    FreeTierEligible: t.freeTier,
    SupportedUsageClasses: ['on-demand', 'spot'],
    SupportedRootDeviceTypes: ['ebs'],
    SupportedVirtualizationTypes: ['hvm'],
    BareMetal: t.bareMetal,
    ...(t.hypervisor ? { Hypervisor: t.hypervisor } : {}),
    ProcessorInfo: {
      SupportedArchitectures: t.architectures as EC2.ArchitectureType[],
      SustainedClockSpeedInGhz: t.clockGhz,
      Manufacturer: t.manufacturer,
    },
    VCpuInfo: { DefaultVCpus: t.vcpus, DefaultCores: t.cores, DefaultThreadsPerCore: t.threadsPerCore },
    MemoryInfo: { SizeInMiB: t.memoryMiB },
    InstanceStorageSupported: false,
    EbsInfo: {
      EbsOptimizedSupport: t.ebsOptimizedByDefault ? 'default' : 'supported',
      EncryptionSupport: 'supported',
      NvmeSupport: nitro ? 'required' : 'unsupported',
    },
    NetworkInfo: {
      NetworkPerformance: t.networkPerformance,
      MaximumNetworkInterfaces: t.maxEnis,
      MaximumNetworkCards: 1,
      DefaultNetworkCardIndex: 0,
      NetworkCards: [
        {
          NetworkCardIndex: 0,
          NetworkPerformance: t.networkPerformance,
          MaximumNetworkInterfaces: t.maxEnis,
        },
      ],
      Ipv4AddressesPerInterface: t.ipv4PerEni,
      Ipv6AddressesPerInterface: t.ipv6PerEni,
      Ipv6Supported: true,
      EnaSupport: nitro ? 'required' : 'unsupported',
      EfaSupported: false,
      EncryptionInTransitSupported: false,
    },
    PlacementGroupInfo: { SupportedStrategies: ['cluster', 'partition', 'spread'] },
    HibernationSupported: !t.bareMetal,
    BurstablePerformanceSupported: t.burstable,
    DedicatedHostsSupported: !t.burstable || t.family !== 't2',
    AutoRecoverySupported: true,
    SupportedBootModes: t.architectures.includes('arm64') ? ['uefi'] : ['legacy-bios', 'uefi'],
  };
}

export function describeInstanceTypes(
  ctx: OperationContext,
  input: EC2.DescribeInstanceTypesRequest,
): EC2.DescribeInstanceTypesResult {
  for (const name of input.InstanceTypes ?? []) findInstanceType(ctx, name);
  checkDryRun(input);
  const all = ctx.cloud.catalogue.instanceTypes
    .filter((t) => !input.InstanceTypes?.length || input.InstanceTypes.includes(t.type as EC2._InstanceType))
    .map(typeShape);
  const filtered = applyFilters(all, input.Filters, {
    'instance-type': (t) => t.InstanceType,
    'current-generation': (t) => t.CurrentGeneration,
    'free-tier-eligible': (t) => t.FreeTierEligible,
    'bare-metal': (t) => t.BareMetal,
    'burstable-performance-supported': (t) => t.BurstablePerformanceSupported,
    hypervisor: (t) => t.Hypervisor,
    'memory-info.size-in-mib': (t) => t.MemoryInfo?.SizeInMiB,
    'network-info.network-performance': (t) => t.NetworkInfo?.NetworkPerformance,
    'network-info.maximum-network-interfaces': (t) => t.NetworkInfo?.MaximumNetworkInterfaces,
    'processor-info.supported-architecture': (t) => t.ProcessorInfo?.SupportedArchitectures,
    'processor-info.sustained-clock-speed-in-ghz': (t) => t.ProcessorInfo?.SustainedClockSpeedInGhz,
    'vcpu-info.default-vcpus': (t) => t.VCpuInfo?.DefaultVCpus,
    'vcpu-info.default-cores': (t) => t.VCpuInfo?.DefaultCores,
    'supported-usage-class': (t) => t.SupportedUsageClasses,
  });
  const page = paginate(filtered, input, { min: 5, max: 100 });
  return { InstanceTypes: page.items, NextToken: page.nextToken };
}
