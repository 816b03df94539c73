import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'validate-manifest',
  invokedBy: 'workflow',
  substitution: 'ValidateManifestFunctionArn',
  environment: 'stage',
  work: 'own-work',
  timeoutSeconds: 60,
  memoryMb: 512,
  access: productionStageAccess({
    reads: ['manifests/*'],
    writes: ['manifests/*.errors.json', 'productions/*/manifest.json'],
    table: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    media: [],
    validatesProviderProfiles: true,
  }),
  load: () => import('./handler.js'),
};
