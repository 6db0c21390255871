#!/usr/bin/env node
// Runs the built CLI; inside the monorepo, `pnpm lstm` runs the TypeScript source instead.
import '../dist/main.js';
