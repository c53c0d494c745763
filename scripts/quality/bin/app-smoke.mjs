#!/usr/bin/env node
// @ts-check
// The `app-smoke` command: see ../smoke.mjs. A bin only runs; the module it calls only exports.
import { main } from '../smoke.mjs';

process.exitCode = await main(process.argv.slice(2));
