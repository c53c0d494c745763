#!/usr/bin/env node
// @ts-check
// The `app-mocha` command: see ../mocha.mjs. A bin only runs; the module it calls only exports.
import { main } from '../mocha.mjs';

process.exitCode = await main(process.argv.slice(2));
