/**
 * The services the console offers, with what each page shows today and what its issue brings.
 * Every service page exists now; the ones whose API is not simulated yet say so plainly.
 */
export type ServiceId = 'ec2' | 's3' | 'dynamodb' | 'lambda' | 'route53' | 'infrastructure';

export interface ConsoleService {
  id: ServiceId;
  name: string;
  fullName: string;
  category: 'Compute' | 'Storage' | 'Database' | 'Networking & Content Delivery' | 'Global';
  description: string;
  path: string;
  /** The API service name, for its status in the lab's health. */
  api?: string;
  /** What works today, when only part of the service is simulated. */
  partly?: string;
  coming: string[];
  cli: string;
}

export const SERVICES: ConsoleService[] = [
  {
    id: 'ec2',
    name: 'EC2',
    fullName: 'Amazon EC2',
    category: 'Compute',
    description: 'Virtual servers in the cloud',
    path: '/ec2',
    api: 'ec2',
    coming: ['SSH and browser terminals into instances that really run their user data'],
    cli: 'aws ec2 describe-availability-zones',
  },
  {
    id: 's3',
    name: 'S3',
    fullName: 'Amazon S3',
    category: 'Storage',
    description: 'Scalable storage in the cloud',
    path: '/s3',
    api: 's3',
    coming: ['Event notifications that invoke Lambda functions'],
    cli: 'aws s3 ls',
  },
  {
    id: 'dynamodb',
    name: 'DynamoDB',
    fullName: 'Amazon DynamoDB',
    category: 'Database',
    description: 'Managed NoSQL database',
    path: '/dynamodb',
    api: 'dynamodb',
    coming: ['Triggers that invoke Lambda functions from DynamoDB streams', 'The PartiQL editor and backups'],
    cli: 'aws dynamodb list-tables',
  },
  {
    id: 'lambda',
    name: 'Lambda',
    fullName: 'AWS Lambda',
    category: 'Compute',
    description: 'Run code without thinking about servers',
    path: '/lambda',
    api: 'lambda',
    coming: [
      'Node.js functions written in the console code editor or uploaded as a zip',
      'Test events, execution results and CloudWatch-style logs',
      'Triggers from S3 uploads and DynamoDB streams',
      'A sandbox that keeps function code away from your machine',
    ],
    cli: 'aws lambda list-functions',
  },
  {
    id: 'route53',
    name: 'Route 53',
    fullName: 'Amazon Route 53',
    category: 'Networking & Content Delivery',
    description: 'Scalable DNS and domain name registration',
    path: '/route53',
    api: 'route53',
    coming: [
      'Hosted zones and records with simple, weighted, latency and failover routing',
      'Health checks that probe your instances through the simulated network',
      'A real DNS server you can query with dig',
    ],
    cli: 'aws route53 list-hosted-zones',
  },
  {
    id: 'infrastructure',
    name: 'Global Infrastructure',
    fullName: 'AWS Global Infrastructure',
    category: 'Global',
    description: 'Regions, Availability Zones and edge locations',
    path: '/infrastructure',
    coming: [],
    cli: 'aws ec2 describe-regions --all-regions',
  },
];

export function serviceById(id: ServiceId): ConsoleService {
  return SERVICES.find((s) => s.id === id)!;
}
