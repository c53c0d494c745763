#!/usr/bin/env node
// @ts-check
// The `app-deploy` command: see ../deploy.mjs. A bin only runs; the module it calls only exports.
import { runMain } from '../common.mjs';
import { main } from '../deploy.mjs';

await runMain(() => main(process.argv.slice(2)));
