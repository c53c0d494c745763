#!/usr/bin/env node
// @ts-check
// The `app-coverage` command: see ../coverage.mjs. A bin only runs; the module it calls only exports.
import { main } from '../coverage.mjs';

process.exitCode = await main(process.argv.slice(2));
