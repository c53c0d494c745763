#!/usr/bin/env node
// @ts-check
// The `app-remove` command: see ../remove.mjs. A bin only runs; the module it calls only exports.
import { runMain } from '../common.mjs';
import { main } from '../remove.mjs';

await runMain(() => main(process.argv.slice(2)));
