#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI so start-up loads only what a command needs.
import '../dist/cli/main.js';
