#!/usr/bin/env node
// @ts-check
// The `workshop` command: see ../cli.mjs. A bin only runs; the module it calls only exports.
import { main } from '../cli.mjs';

process.exitCode = await main(process.argv.slice(2));
