#!/usr/bin/env node
// @ts-check
// The `app-test` command: see ../app-test.mjs. A bin only runs; the module it calls only exports.
import { main } from '../app-test.mjs';

process.exitCode = await main(process.argv.slice(2));
