/**
 * CDK feature flags, set in code rather than cdk.json so that bin/app.ts and the infra
 * tests build exactly the same templates.
 */
export const FEATURE_FLAGS: Record<string, unknown> = {
  // Server access logs are delivered under a bucket policy, not the legacy LogDeliveryWrite ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
};
