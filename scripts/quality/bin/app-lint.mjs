#!/usr/bin/env node
// @ts-check
// The `app-lint` command: see ../lint.mjs. A bin only runs; the module it calls only exports.
import { main } from '../lint.mjs';

process.exitCode = await main(process.argv.slice(2));
