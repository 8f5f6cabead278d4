/** Every service Cloud Lab hosts, in the order the console lists them. */
import type { ServiceDefinition } from '../service';
import { dynamodb } from './dynamodb';
import { dynamodbstreams } from './dynamodbstreams';
import { ec2 } from './ec2';
import { lambda } from './lambda';
import { logs } from './logs';
import { route53 } from './route53';
import { s3 } from './s3';
import { sts } from './sts';

export const services: ServiceDefinition[] = [
  ec2,
  s3,
  dynamodb,
  dynamodbstreams,
  lambda,
  logs,
  route53,
  sts,
] as ServiceDefinition[];
