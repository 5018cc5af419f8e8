#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI so start-up loads only what a command needs. CommonJS (see
// bin/package.json), like the entry it loads, so `--help` never starts Node's ES module loader.
require('../dist/cli/main.cjs');
