#!/usr/bin/env node
// The package's `bin`: registers the TypeScript loader, then runs the CLI source as is.
import { register } from 'tsx/esm/api';

register();
await import('./dramaforge.ts');
