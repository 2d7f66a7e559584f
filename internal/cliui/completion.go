package cliui

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// The completion scripts ask scim-migrate itself for the candidates of the
// word being completed (urfave/cli's --generate-bash-completion), so they
// never fall behind its commands and flags; where it has none (a file
// argument), the shell completes file names.
const bashCompletion = `# scim-migrate completion for bash: source it, or save it as
# /etc/bash_completion.d/scim-migrate
_scim_migrate_complete() {
  local cur words
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == -* ]]; then
    words=$("${COMP_WORDS[@]:0:COMP_CWORD}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    words=$("${COMP_WORDS[@]:0:COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o bashdefault -o default -F _scim_migrate_complete scim-migrate
`

const zshCompletion = `#compdef scim-migrate
# scim-migrate completion for zsh: save it as _scim-migrate in a directory of
# $fpath, or source it.
_scim_migrate() {
  local -a candidates
  local cur=${words[CURRENT]}
  if [[ "$cur" == -* ]]; then
    candidates=("${(@f)$(${words[1,CURRENT-1]} $cur --generate-bash-completion 2>/dev/null)}")
  else
    candidates=("${(@f)$(${words[1,CURRENT-1]} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ -n "${candidates[1]}" ]]; then
    compadd -- "${candidates[@]}"
  else
    _files
  fi
}
compdef _scim_migrate scim-migrate
`

// CompletionCommand prints the completion script of a shell to stdout;
// flags are the ones every command takes.
func CompletionCommand(stdout io.Writer, flags []cli.Flag) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Flags:     flags,
		Description: "bash: source <(scim-migrate completion bash)\n" +
			"zsh:  scim-migrate completion zsh > \"${fpath[1]}/_scim-migrate\"\n" +
			"fish: scim-migrate completion fish > ~/.config/fish/completions/scim-migrate.fish",
		Action: func(c *cli.Context) error {
			script, err := completionScript(c)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(stdout, script)
			return err
		},
	}
}

func completionScript(c *cli.Context) (string, error) {
	if c.Args().Len() != 1 {
		return "", withHint(fmt.Errorf("give one shell: bash, zsh or fish"), c)
	}
	switch shell := c.Args().First(); shell {
	case "bash":
		return bashCompletion, nil
	case "zsh":
		return zshCompletion, nil
	case "fish":
		return c.App.ToFishCompletion()
	default:
		return "", withHint(fmt.Errorf("unknown shell %q: give bash, zsh or fish", shell), c)
	}
}

// ManCommand prints the manual page (roff) to stdout, which make dist
// ships in the release archives; hidden: it is for packagers, not for the
// daily user. flags are the ones every command takes.
func ManCommand(stdout io.Writer, flags []cli.Flag) *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the manual page (roff), for man(1)",
		Hidden: true,
		Flags:  flags,
		Action: func(c *cli.Context) error {
			if err := NoArguments(c); err != nil {
				return err
			}
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return fmt.Errorf("render the manual page: %w", err)
			}
			_, err = fmt.Fprint(stdout, page)
			return err
		},
	}
}
