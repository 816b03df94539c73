#!/usr/bin/env node
// The package's `bin`: registers the TypeScript loader, then runs the CLI source as is.
import { register } from 'tsx/esm/api';

// dramaforge supports Node 20, the version studio machines and this project's CI run; the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./dramaforge.ts');
