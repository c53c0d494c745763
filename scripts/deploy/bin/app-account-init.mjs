#!/usr/bin/env node
// @ts-check
// The `app-account-init` command: see ../account-init.mjs. A bin only runs; the module it calls only exports.
import { runMain } from '../common.mjs';
import { main } from '../account-init.mjs';

await runMain(() => main(process.argv.slice(2)));
