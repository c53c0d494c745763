#!/usr/bin/env node
// @ts-check
// The `app-package` command: see ../package.mjs. A bin only runs; the module it calls only exports.
import { runMain } from '../common.mjs';
import { main } from '../package.mjs';

await runMain(() => main(process.argv.slice(2)));
