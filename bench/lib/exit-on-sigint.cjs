// Preloaded into a server that has no SIGINT handler of its own, so Ctrl-C ends it through process.exit and
// `node --cpu-prof` gets to write its profile (a process killed by a signal writes none).
process.once('SIGINT', () => process.exit(0));
