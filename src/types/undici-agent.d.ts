// undici ships no types for its internal paths; this one is the public Agent class, imported alone (see attempt.ts).
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export default Agent;
}
