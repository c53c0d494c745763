#!/usr/bin/env node
// @ts-check
// The `app-secrets-init` command: see ../secrets-init.mjs. A bin only runs; the module it calls only exports.
import { runMain } from '../common.mjs';
import { main } from '../secrets-init.mjs';

await runMain(() => main(process.argv.slice(2)));
