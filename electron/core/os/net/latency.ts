/**
 * Simulated round-trip times. Within an Availability Zone packets cross one data centre
 * (~0.1–0.3 ms), between zones of a Region a few kilometres of metro fibre (~0.6–1.5 ms), and
 * between Regions the great-circle distance at two thirds of the speed of light plus routing
 * detours (≈ 1.25 ms per 100 km, plus a little). Each pair of machines has a stable base time;
 * every packet adds a small jitter — drawn from a hash in deterministic workspaces, so the
 * same steps print the same times.
 */
import { createHash } from 'node:crypto';
import type { Cloud } from '../../cloud';
import { greatCircleKm } from '../../network/geo';

export interface Place {
  region: string;
  availabilityZone: string;
  /** Machine identity, so each pair has its own base time. */
  id: string;
}

/** A stable number in [0, 1) for a key. */
function unit(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/** The base round trip between two places, in ms, before per-packet jitter. */
export function baseRttMs(cloud: Cloud, from: Place, to: Place): number {
  const pair = [from.id, to.id].sort().join('|');
  const r = unit(`rtt|${pair}`);
  if (from.id === to.id) return 0.02 + 0.03 * r;
  if (from.region === to.region) {
    if (from.availabilityZone === to.availabilityZone) return 0.1 + 0.2 * r;
    return 0.6 + 0.9 * r;
  }
  const a = cloud.catalogue.region(from.region);
  const b = cloud.catalogue.region(to.region);
  if (!a || !b) return 80 + 40 * r;
  return (greatCircleKm(a, b) / 100) * 1.25 + 2 + 2 * r;
}

/** One packet's round trip: the base time with up to ±8 % jitter. */
export function packetRttMs(cloud: Cloud, from: Place, to: Place, seq: number): number {
  const base = baseRttMs(cloud, from, to);
  const r = cloud.ids.deterministic ? unit(`jitter|${from.id}|${to.id}|${seq}`) : Math.random();
  return base * (0.92 + 0.16 * r);
}
