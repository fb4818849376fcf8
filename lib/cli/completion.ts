/**
 * `tenantctl completion bash|zsh`: a completion script generated from the program itself, so every command and
 * option is completed without a list to keep in step. Install with `source <(tenantctl completion bash)` in
 * ~/.bashrc, or `tenantctl completion zsh > "${fpath[1]}/_tenantctl"` for zsh.
 *
 * @module
 */
import type { Command } from 'commander';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

interface CommandWords {
  readonly name: string;
  readonly options: readonly string[];
}

/** Each command's name and long options, from the program. */
export function commandWords(program: Command): CommandWords[] {
  return program.commands
    .filter((c) => c.name() !== 'help')
    .map((c) => ({
      name: c.name(),
      options: [...c.options.map((o) => o.long).filter((l): l is string => l !== undefined), '--help'],
    }));
}

const globalOptions = (program: Command): string[] =>
  program.options.map((o) => o.long).filter((l): l is string => l !== undefined);

export function bashCompletion(program: Command): string {
  const commands = commandWords(program);
  const cases = commands.map((c) => `    ${c.name}) opts="${c.options.join(' ')}" ;;`).join('\n');
  return `# tenantctl completion for bash: source <(tenantctl completion bash)
_tenantctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" i opts
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$cmd" in
${cases}
    *) opts="${commands.map((c) => c.name).join(' ')} ${globalOptions(program).join(' ')} --help" ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _tenantctl tenantctl
`;
}

export function zshCompletion(program: Command): string {
  const commands = commandWords(program);
  const describe = commands
    .map(
      (c) =>
        `    '${c.name}:${(program.commands.find((p) => p.name() === c.name)?.description() ?? '').replace(/'/g, '')}'`,
    )
    .join('\n');
  const cases = commands
    .map((c) => `    ${c.name}) _arguments ${c.options.map((o) => `'${o}'`).join(' ')} '*::arg:_files' ;;`)
    .join('\n');
  return `#compdef tenantctl
# tenantctl completion for zsh: tenantctl completion zsh > "\${fpath[1]}/_tenantctl"
_tenantctl() {
  local -a commands
  commands=(
${describe}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
_tenantctl "$@"
`;
}
