import { z } from 'zod';

/**
 * AWS's own list prices in us-east-1 for what a production uses beside the providers: each
 * with the page it is listed on and the day it was read there. `verified: false` says the
 * figure could not be read on that page when this table was made (the stored copy of the page
 * showed no figure for it); `note` then says where the figure was seen instead, and it must be
 * checked on the page before a large run. Free tiers are left out: a studio running seasons is
 * past them, and the estimate is for one production among many.
 */
export const AwsListPriceSchema = z
  .object({
    /** What `per` units cost, in US dollars. */
    usd: z.number().nonnegative(),
    per: z.number().positive(),
    unit: z.string().min(1),
    source: z.url({ protocol: /^https$/ }),
    asOf: z.iso.date(),
    verified: z.boolean(),
    note: z.string().min(1).optional(),
  })
  .refine((price) => price.verified || price.note !== undefined, {
    message: 'a price not read on its source page says where it was seen (note)',
    path: ['note'],
  });

export type AwsListPrice = z.infer<typeof AwsListPriceSchema>;

export const AWS_PRICE_KEYS = [
  'stepFunctionsStateTransition',
  'lambdaRequest',
  'lambdaX86GbSecond',
  's3StandardStorageGbMonth',
  's3PutRequest',
  's3GetRequest',
  'dynamoDbWriteRequestUnit',
  'dynamoDbReadRequestUnit',
  'sqsStandardRequest',
  'cloudWatchLogsIngestionGb',
] as const;

export type AwsPriceKey = (typeof AWS_PRICE_KEYS)[number];

export const AwsListPricesSchema = z.object({
  region: z.literal('us-east-1'),
  /** Every key is required: zod's record over an enum is exhaustive. */
  prices: z.record(z.enum(AWS_PRICE_KEYS), AwsListPriceSchema),
});

export type AwsListPrices = z.infer<typeof AwsListPricesSchema>;

const READ_ON = '2026-12-06';

export const AWS_LIST_PRICES: AwsListPrices = AwsListPricesSchema.parse({
  region: 'us-east-1',
  prices: {
    stepFunctionsStateTransition: {
      usd: 0.025,
      per: 1_000,
      unit: 'state transitions (Standard workflows)',
      source: 'https://aws.amazon.com/step-functions/pricing/',
      asOf: READ_ON,
      verified: true,
      note: 'US East (N. Virginia) $0.0250 per 1,000 state transitions; each retry is another transition.',
    },
    lambdaRequest: {
      usd: 0.2,
      per: 1_000_000,
      unit: 'requests',
      source: 'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html',
      asOf: READ_ON,
      verified: true,
      note: '$0.20 per 1 million requests (https://aws.amazon.com/lambda/pricing/ lists the same).',
    },
    lambdaX86GbSecond: {
      usd: 0.0000166667,
      per: 1,
      unit: 'GB-seconds (x86_64, first 6 billion a month)',
      source: 'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html',
      asOf: READ_ON,
      verified: true,
      note: 'The whitepaper rounds it to $0.00001667; the stage functions run on x86_64 (lib/stack.ts).',
    },
    s3StandardStorageGbMonth: {
      usd: 0.023,
      per: 1,
      unit: 'GB-month (S3 Standard, first 50 TB)',
      source: 'https://aws.amazon.com/s3/pricing/',
      asOf: READ_ON,
      verified: false,
      note: 'Not read on the AWS page here: its stored copy renders the price cells as template tokens; seen on https://gist.github.com/EverettBerry/a37438006529a55f42da6fdbc44a505c and https://deepeshsoni.com/archives/256.',
    },
    s3PutRequest: {
      usd: 0.005,
      per: 1_000,
      unit: 'PUT, COPY, POST or LIST requests (S3 Standard)',
      source: 'https://aws.amazon.com/s3/pricing/',
      asOf: READ_ON,
      verified: false,
      note: 'Not read on the AWS page here (template tokens in its stored copy); seen on https://dev.to/sh20raj/aws-s3-pricing-for-beginners-3fc2.',
    },
    s3GetRequest: {
      usd: 0.0004,
      per: 1_000,
      unit: 'GET, SELECT and all other requests (S3 Standard)',
      source: 'https://aws.amazon.com/s3/pricing/',
      asOf: READ_ON,
      verified: false,
      note: 'Not read on the AWS page here (template tokens in its stored copy); seen on https://dev.to/sh20raj/aws-s3-pricing-for-beginners-3fc2.',
    },
    dynamoDbWriteRequestUnit: {
      usd: 0.625,
      per: 1_000_000,
      unit: 'write request units (on-demand, Standard table class)',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      asOf: READ_ON,
      verified: false,
      note: "Not read on the AWS page here: its stored copy holds the key terms but no figure; seen on https://airbyte.com/data-engineering-resources/dynamodb-pricing, after November 2024's 50% cut.",
    },
    dynamoDbReadRequestUnit: {
      usd: 0.125,
      per: 1_000_000,
      unit: 'read request units (on-demand, Standard table class)',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      asOf: READ_ON,
      verified: false,
      note: "Not read on the AWS page here (no figure in its stored copy); seen on https://airbyte.com/data-engineering-resources/dynamodb-pricing, after November 2024's 50% cut.",
    },
    sqsStandardRequest: {
      usd: 0.4,
      per: 1_000_000,
      unit: 'requests (Standard queue, each 64 KB chunk of a payload a request)',
      source: 'https://aws.amazon.com/sqs/pricing/',
      asOf: READ_ON,
      verified: false,
      note: 'Not read on the AWS page here (no stored copy of it was found); seen on https://cloudburn.io/blog/amazon-sqs-pricing and https://unanswered.io/guide/aws-sqs-pricing-and-cost-optimization.',
    },
    cloudWatchLogsIngestionGb: {
      usd: 0.5,
      per: 1,
      unit: 'GB ingested (Standard log class; Lambda logs, first 10 TB a month)',
      source: 'https://aws.amazon.com/cloudwatch/pricing/',
      asOf: READ_ON,
      verified: false,
      note: "Not read on the AWS page here: its stored copy shows the free tier, not the paid figures; seen on https://www.duckbillgroup.com/?p=9080 (Lambda's tiered log pricing of 2025-05-01 keeps $0.50 for the first tier).",
    },
  },
});

/** What `quantity` units cost at a list price. */
export const listPriceUsd = (price: AwsListPrice, quantity: number): number => (quantity * price.usd) / price.per;
