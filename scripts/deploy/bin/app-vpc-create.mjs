#!/usr/bin/env node
// @ts-check
// The `app-vpc-create` command: see ../vpc-create.mjs. A bin only runs; the module it calls only exports.
import { runMain } from '../common.mjs';
import { main } from '../vpc-create.mjs';

await runMain(() => main(process.argv.slice(2)));
