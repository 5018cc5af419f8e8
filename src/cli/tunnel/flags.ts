import { Option, type Command } from 'commander';

/** The flags `--tunnel` brings to a command (listen). Resolved by ../tunnel.ts, only when the command runs. */
export interface TunnelCommandOptions {
  tunnel?: 'ngrok' | 'cloudflared';
  ngrokAuthtoken?: string;
  ngrokDomain?: string;
  cloudflaredPath?: string;
  tunnelTimeout: string;
  allowUnverified?: boolean;
}

export function addTunnelOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--tunnel <provider>', 'open a public URL to this listener, to paste into the Scan Documents Dashboard').choices([
        'ngrok',
        'cloudflared',
      ]),
    )
    .option('--ngrok-authtoken <token>', 'ngrok authtoken (default: $NGROK_AUTHTOKEN, which keeps it out of your shell history)')
    .option('--ngrok-domain <domain>', 'a domain reserved in your ngrok account, e.g. my-app.ngrok.app (default: one ngrok assigns)')
    .option('--cloudflared-path <path>', 'the cloudflared binary to run (default: cloudflared on PATH)')
    .addOption(new Option('--tunnel-timeout <duration>', 'how long to wait for the public URL').default('20s'))
    .option('--allow-unverified', 'allow --skip-verify with --tunnel, which lets anyone on the internet post to you');
}
